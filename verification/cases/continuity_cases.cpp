// Verification cases for the continuity (Liouville) equation ∂p/∂t = −∇·(v p) on a grid
// (kolmo::pde::Continuity with SSP Runge–Kutta): the push-forward of a Gaussian through a
// linear flow against its closed form (space order), and a solid-body rotation that must
// return the density to its start keeping mass to round-off, positivity, and the maximum up to
// the limiter's error.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <unsupported/Eigen/MatrixFunctions>
#include <vector>

#include "cases/cases.hpp"
#include "cases/mutable_studies.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/pde/ssp_runge_kutta.hpp"
#include "kolmo/stats/order_fit.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

/// The isotropic Gaussian N(mean, σ² I), normalised in d dimensions.
double gaussian_at(const Eigen::VectorXd& y, const Eigen::VectorXd& mean, double sigma) {
  const double d = static_cast<double>(mean.size());
  return std::exp(-(y - mean).squaredNorm() / (2 * sigma * sigma)) / std::pow(2 * std::numbers::pi * sigma * sigma, d / 2);
}

/// v(x) = A x on a batch (rows are points): the flow x(t) = e^{At} x(0).
process::BatchCoefficient linear_velocity(const Eigen::MatrixXd& a) {
  return [a](double, const process::StateView& x) -> Eigen::ArrayXXd { return (x.matrix() * a.transpose()).array(); };
}

/// The push-forward of p0 = N(mean, σ² I) through the linear flow: by the change of variables
/// x = e^{At} y, p_t(x) = p0(e^{−At} x) · |det e^{−At}| = p0(e^{−At} x) e^{−t tr A}.
pde::DensityFunction linear_push_forward(const Eigen::MatrixXd& a, double t, const Eigen::VectorXd& mean, double sigma) {
  const Eigen::MatrixXd back = (-t * a).exp();
  const double jacobian = std::exp(-t * a.trace());
  return [=](const process::StateView& x) -> Eigen::ArrayXd {
    Eigen::ArrayXd p(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      p(i) = gaussian_at(back * x.row(i).matrix().transpose(), mean, sigma) * jacobian;
    }
    return p;
  };
}

/// Exact cell averages of a density: the tensor 3-point Gauss–Legendre rule on every cell
/// (exact for polynomials of degree 5 per axis: an O(h⁶) quadrature error, far below the
/// scheme's O(h²)). The finite-volume scheme evolves cell averages, so it starts from and is
/// compared with cell averages, not point values (whose O(h²) difference would mix with the
/// scheme's own error).
Eigen::VectorXd cell_averages(const pde::Grid& grid, const pde::DensityFunction& density) {
  const double offset = std::sqrt(0.6) / 2;  // nodes ±√(3/5) on [−1, 1], in cell widths
  const std::array<double, 3> nodes{-offset, 0.0, offset}, weights{5.0 / 18, 8.0 / 18, 5.0 / 18};
  const auto d = grid.dimension();
  const Eigen::ArrayXXd centers = grid.centers();
  Eigen::VectorXd average = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(grid.cells()));
  std::size_t combinations = 1;
  for (std::size_t k = 0; k < d; ++k) combinations *= 3;
  for (std::size_t q = 0; q < combinations; ++q) {
    Eigen::ArrayXXd x = centers;
    double weight = 1.0;
    for (std::size_t k = 0, rest = q; k < d; ++k, rest /= 3) {
      x.col(static_cast<Eigen::Index>(k)) += nodes[rest % 3] * grid.width(k);
      weight *= weights[rest % 3];
    }
    average += weight * density(x).matrix();
  }
  return average;
}

struct PushForward {
  Eigen::MatrixXd a;
  Eigen::VectorXd mean;  // of p0
  double sigma;          // of p0
  double half_width;     // the grid is [−half_width, half_width]^d, absorbing
  double horizon;
  pde::SlopeLimiter limiter;
  std::vector<std::size_t> cells;  // per axis, the refinement sequence
  verify::OrderClaim claim = verify::OrderClaim::equals;
};

/// L1 error against the closed form over the refinement sequence, stepping adaptively at 0.9 of
/// the largest stable dt, so dt ∝ h and SSPRK(3,3)'s time error (∝ h³) cannot bend the slope.
///
/// The claim is the theory's L1 order 2, checked with the deterministic order rule
/// (verify::order_in_drift_bound): two-sided for minmod; for van Leer in 2-D one-sided (the error
/// falls at least at order 2 — second-order accuracy is an O(h²) bound, and there the local orders
/// settle above it: 2.04, 2.11, 2.14 from n = 64 to 512, measured 2026-12). TVD
/// limiters are first order where they clip (at extrema, and for minmod wherever |p''| has a
/// kink), but that is O(h) of the domain, so in L1 the order stays 2 (LeVeque 2002, §6.12;
/// Harten 1983); in L∞ it would drop to ~1. The local orders approach 2 over the sequences used
/// here (measured 2026-11, cell averages, consecutive pairs):
///   2-D van Leer, n = 32 … 256:    1.72, 1.95, 2.02, 2.07, 2.10, 2.13 — above 2 beyond n = 64;
///                                   the smooth O(h²) error and the limiter's error (harmonic mean
///                                   ≠ centred slope where p' is small) partly cancel, so the
///                                   sequence starts at n = 64 where the fit is a straight line;
///   1-D minmod,  n = 100 … 6400:   1.66, 1.80, 1.88, 1.91, 1.94, 1.95 — from below: minmod's
///                                   clipping of the slope by ½|Δ₊ − Δ₋| costs an O(h) truncation
///                                   error on O(1) cells, whose share of the L1 error shrinks slowly.
/// A first-order scheme (a limiter returning 0, wrong SSP weights at dt ∝ h) or a missing
/// Jacobian factor e^{−t tr A} (an O(1) error that does not converge) fails the rule.
verify::Outcome push_forward_order(const PushForward& c) {
  std::vector<double> h, error, absorbed;
  const auto d = static_cast<std::size_t>(c.a.rows());
  for (std::size_t n : c.cells) {
    const pde::Grid grid(std::vector<pde::Axis>(d, {-c.half_width, c.half_width, n, pde::Boundary::absorbing}));
    const pde::Continuity equation =
        pde::Continuity(linear_velocity(c.a), grid, c.limiter).with_time_dependence(process::TimeDependence::autonomous);
    const pde::DensityField start(grid, cell_averages(grid, linear_push_forward(c.a, 0.0, c.mean, c.sigma)));
    const auto run = pde::solve({equation, start, c.horizon}, {.adaptive = true, .cfl = 0.9});
    const Eigen::VectorXd exact = cell_averages(grid, linear_push_forward(c.a, c.horizon, c.mean, c.sigma));
    h.push_back(grid.width(0));
    error.push_back((run.density.values() - exact).cwiseAbs().sum() * grid.cell_measure());
    absorbed.push_back(run.absorbed_mass);
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, 2.0, {.claim = c.claim});
  outcome.details["l1_errors"] = error;
  outcome.details["absorbed_mass"] = absorbed;
  return outcome;
}

// --- solid-body rotation -----------------------------------------------------------------------

// v = ω(−y, x) with ω = 2π: one revolution in T = 1, after which the exact solution is p0 again.
// p0 = N((0.4, 0), 0.15² I) on [−1.3, 1.3]² with zero-flux walls: the rotating bump stays ≥ 6 σ
// from every wall (density there < e^{−18} of the peak), so the walls change nothing visible.
constexpr double one_revolution = 2 * std::numbers::pi;

process::BatchCoefficient rotation(double omega) {
  return [omega](double, const process::StateView& x) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd v(x.rows(), 2);
    v.col(0) = -omega * x.col(1);
    v.col(1) = omega * x.col(0);
    return v;
  };
}

struct Revolution {
  pde::ContinuitySolution run;
  pde::DensityField start;
  double l1_error;
};

Revolution revolve(std::size_t cells, double omega) {
  const pde::Grid grid({{-1.3, 1.3, cells}, {-1.3, 1.3, cells}});
  const Eigen::Vector2d mean(0.4, 0.0);
  auto start = pde::DensityField::at_cell_centers(grid, [&](const process::StateView& x) -> Eigen::ArrayXd {
    Eigen::ArrayXd p(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) p(i) = gaussian_at(x.row(i).matrix().transpose(), mean, 0.15);
    return p;
  });
  const pde::Continuity equation =
      pde::Continuity(rotation(omega), grid).with_time_dependence(process::TimeDependence::autonomous);
  auto run = pde::solve({equation, start, 1.0}, {.adaptive = true, .cfl = 0.9});
  const double l1 = (run.density.values() - start.values()).cwiseAbs().sum() * grid.cell_measure();
  return {std::move(run), std::move(start), l1};
}

}  // namespace

// The measured value is the L1 order of the return to p0 after one revolution, from the local
// orders over 32², 64², 128² cells (deterministic order rule: the advertised 2 within the last
// local order ± its drift bound). The conservation claims must hold on every grid as well:
//   mass      |M_T − M_0| ≤ 1e-12: zero-flux finite volumes telescope, only round-off remains;
//   positive  min p_T ≥ −1e-14 (guaranteed ≥ 0 in exact arithmetic under the Courant limit);
//   maximum   max p_T ≤ max p_0 (1 + 1e-12): dimension-by-dimension limiting does not prove a
//             2-D maximum principle, so this is measured; the limiter clips the peak instead,
//             and the loss of peak 1 − max p_T / max p_0 is reported as the limiter's error.
// A first-order reconstruction (a limiter returning 0) gives local orders near 1; a rotation
// with the wrong sense or period returns to the wrong place, an O(1) error that does not converge.
verify::Outcome rotation_with(double omega) {
  std::vector<double> h, error;
  std::vector<std::string> broken;
  nlohmann::json per_grid = nlohmann::json::array();
  for (std::size_t cells : {32u, 64u, 128u}) {
    const Revolution r = revolve(cells, omega);
    const double peak_ratio = r.run.density.values().maxCoeff() / r.start.values().maxCoeff();
    const double mass_drift = std::abs(r.run.density.mass() - r.start.mass());
    const double minimum = r.run.density.minimum();
    if (!(mass_drift <= 1e-12)) broken.push_back("mass drifted by " + describe_value(mass_drift) + " on " + std::to_string(cells) + "^2");
    if (!(minimum >= -1e-14)) broken.push_back("negative density " + describe_value(minimum) + " on " + std::to_string(cells) + "^2");
    if (!(peak_ratio <= 1.0 + 1e-12)) broken.push_back("the maximum rose by " + describe_value(peak_ratio - 1) + " on " + std::to_string(cells) + "^2");
    if (!r.run.status.ok()) broken.push_back("the solve failed on " + std::to_string(cells) + "^2");
    h.push_back(r.start.grid().width(0));
    error.push_back(r.l1_error);
    per_grid.push_back({{"cells", cells}, {"l1_error", r.l1_error}, {"mass_drift", mass_drift}, {"minimum", minimum},
                        {"peak_loss", 1.0 - peak_ratio}, {"steps", r.run.stats.steps}});
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, 2.0);
  outcome.details["grids"] = per_grid;
  if (!broken.empty()) {
    outcome.passed = false;
    outcome.note = broken.front();
  }
  return outcome;
}

void register_continuity_cases(verify::Registry& registry) {
  using verify::CaseKind;
  const auto info = [](std::string name, std::string claim, std::string source) {
    return verify::CaseInfo{std::move(name), std::move(claim), std::move(source), verify::Tier::fast, CaseKind::deterministic, 0};
  };
  registry.add({info("pde/continuity-linear-pushforward-order-2",
                     "MUSCL (van Leer) with SSPRK(3,3) converges at order 2 in L1 to the push-forward "
                     "p0(exp(-At)x) exp(-t tr A) of a Gaussian through a 2-D linear flow",
                     "van Leer 1979; Shu & Osher 1988; Liouville's theorem (change of variables)"),
                [](const verify::RunContext&) {
                  PushForward c;
                  c.a = (Eigen::Matrix2d() << -0.5, 1.0, -1.0, 0.2).finished();
                  c.mean = Eigen::Vector2d(0.4, 0.0);
                  c.sigma = 0.3;
                  c.half_width = 2.0;
                  c.horizon = 0.5;
                  c.limiter = pde::SlopeLimiter::van_leer;
                  c.cells = {64, 128, 256};
                  c.claim = verify::OrderClaim::at_least;
                  return push_forward_order(c);
                }});
  // Full tier, and failing: an open finding of the local-order rule (2026-12). Over 400 … 25 600
  // cells the local orders climb 1.878, 1.908, 1.936, 1.948, 1.963, 1.967 but do not settle at 2
  // the way a correction of order h^q, q ≥ 1, would: the last changes (0.0155, 0.0038) bound the
  // remaining drift by 0.004 and put 2 outside [1.963, 1.971]. Either the L1 error of minmod
  // MUSCL carries a slower correction here (the switch between one-sided slopes at inflection
  // points), or it is not O(h²); until that is settled the claim is not verified, and the case
  // says so rather than passing by a widened tolerance.
  verify::CaseInfo minmod_info =
      info("pde/continuity-linear-pushforward-1d-minmod",
           "MUSCL (minmod) with SSPRK(3,3) converges at order 2 in L1 to the push-forward "
           "p0(e^t x) e^t of a Gaussian under v = -x",
           "Roe 1986 (minmod); Shu & Osher 1988; Liouville's theorem (change of variables)");
  minmod_info.tier = verify::Tier::full;
  registry.add({minmod_info,
                [](const verify::RunContext&) {
                  PushForward c;
                  c.a = Eigen::MatrixXd::Constant(1, 1, -1.0);
                  c.mean = Eigen::VectorXd::Constant(1, 0.5);
                  c.sigma = 0.3;
                  c.half_width = 2.5;
                  c.horizon = 0.5;
                  c.limiter = pde::SlopeLimiter::minmod;
                  c.cells = {400, 800, 1600, 3200, 6400, 12800, 25600};
                  return push_forward_order(c);
                }});
  verify::CaseInfo rotation_info =
      info("pde/continuity-rotation",
           "One revolution of a solid-body rotation returns to p0 with L1 order 2, conserving mass to 1e-12, keeping "
           "p >= 0 and not raising the maximum",
           "Zalesak 1979 (solid-body rotation test); LeVeque 2002, Ch. 20; Gottlieb, Shu & Tadmor 2001 (SSP)");
  registry.add({rotation_info, [](const verify::RunContext&) { return rotation_with(one_revolution); }});
}

}  // namespace kolmo::verification
