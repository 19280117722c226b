// Verification cases for the grid corner (kolmo::pde): the Fokker–Planck finite-volume operator
// and its time steppers against the exact Ornstein–Uhlenbeck transition density (space and time
// orders), mass conservation and positivity, Crank–Nicolson's ringing and its Rannacher cure,
// the double-well stationary density against Gibbs, the relaxation rate against the operator's
// spectral gap, and — the cross-check with the particle corner — grid densities against Monte
// Carlo ensembles of the same SDE.
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <functional>
#include <numbers>
#include <utility>
#include <unsupported/Eigen/MatrixFunctions>
#include <vector>

#include "cases/cases.hpp"
#include "cases/mutable_studies.hpp"
#include "kolmo/compare/compare.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/ode/moment_odes.hpp"
#include "kolmo/pde/density_series.hpp"
#include "kolmo/pde/stationary.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/process/double_well.hpp"
#include "kolmo/process/kloeden_platen.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/platen_weak2.hpp"
#include "kolmo/stats/order_fit.hpp"
#include "kolmo/verify/tolerance.hpp"
#include "support/gaussian_density.hpp"

namespace kolmo::verification {
namespace {

// OU dX = −X dt + dW (D = ½, stationary N(0, ½)) from N(1, 0.1) to T = 1 on [−4, 4], where the
// truncated mass (≥ 5.6 standard deviations) is below 1e-7: far under every error fitted here.
const process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);
constexpr double ou_mean0 = 1.0, ou_variance0 = 0.1, ou_horizon = 1.0;

const auto gaussian = test_support::gaussian_density;

pde::DensityFunction ou_exact(double t) {
  const double decay = std::exp(-t);
  return gaussian(ou_mean0 * decay, ou_variance0 * decay * decay + 0.5 * (1 - decay * decay));
}

pde::DensityField ou_start(std::size_t cells) {
  return pde::DensityField::at_cell_centers(pde::Grid({{-4.0, 4.0, cells}}), gaussian(ou_mean0, ou_variance0));
}

// Space order: cells 50 … 800 with Crank–Nicolson at dt = h/4, so the time error (∝ dt²) is
// itself ∝ h² and cannot bend the slope; L1 error against the exact transition density. What no
// refinement removes is the domain: the zero-flux walls at ±4 hold mass the exact law has
// outside them, at most its tail mass beyond ±4 at T (the tails only grow from the start, whose
// variance is smaller), which moves the L1 error by at most twice that — the error uncertainty.
double ou_truncation_bound() {
  const double decay = std::exp(-ou_horizon);
  const double mean = ou_mean0 * decay, sd = std::sqrt(ou_variance0 * decay * decay + 0.5 * (1 - decay * decay));
  const double tail = 0.5 * std::erfc((4.0 - mean) / (sd * std::sqrt(2.0))) +
                      0.5 * std::erfc((4.0 + mean) / (sd * std::sqrt(2.0)));
  return 2 * tail;
}

verify::Outcome ou_space_order(const verify::RunContext&) {
  std::vector<double> h, error;
  for (std::size_t cells : {50u, 100u, 200u, 400u, 800u}) {
    const pde::DensityField start = ou_start(cells);
    const double width = start.grid().width(0);
    const double dt = ou_horizon / std::round(4 * ou_horizon / width);
    const auto solution = pde::solve({pde::FokkerPlanck(ou.sde(), start.grid()), start, ou_horizon}, {.dt = dt});
    h.push_back(width);
    error.push_back(solution.density.l1_distance(ou_exact(ou_horizon)));
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, 2.0, {.error_uncertainty = ou_truncation_bound()});
  outcome.details["l1_errors"] = error;
  return outcome;
}

// --- 2-D: Douglas ADI on an anisotropic OU --------------------------------------------------

// dX = −Θ X dt + G dW with Θ = diag(1, 3), G = diag(1, ½): rates and noise differ per axis, so
// an ADI stage along the wrong axis or stride cannot pass. From N(m0, 0.05 I) the law at t is
// N(Φ m0, Φ Σ0 Φᵀ + Σ(t)) with (Φ, Σ(t)) the library's exact transition (Van Loan).
const process::LinearSde anisotropic(Eigen::Vector2d(-1.0, -3.0).asDiagonal(), Eigen::Vector2d::Zero(),
                                     Eigen::Vector2d(1.0, 0.5).asDiagonal());
const Eigen::Vector2d plane_mean0(0.8, -0.4);
constexpr double plane_variance0 = 0.05;

/// The law at t of a 2-D linear SDE started from N(plane_mean0, plane_variance0 I).
pde::DensityFunction plane_gaussian(const process::LinearSde& sde, double t) {
  Eigen::Vector2d mean = plane_mean0;
  Eigen::Matrix2d covariance = plane_variance0 * Eigen::Matrix2d::Identity();
  if (t > 0) {
    const process::GaussianTransition law = sde.transition(t);
    mean = law.mean(plane_mean0);
    covariance = law.propagator * covariance * law.propagator.transpose() + law.covariance;
  }
  const Eigen::Matrix2d precision = covariance.inverse();
  const double norm = 1.0 / (2 * std::numbers::pi * std::sqrt(covariance.determinant()));
  return [=](const process::StateView& x) -> Eigen::ArrayXd {
    const Eigen::MatrixXd centred = x.matrix().rowwise() - mean.transpose();
    return norm * (-0.5 * (centred * precision).cwiseProduct(centred).rowwise().sum().array()).exp();
  };
}

pde::Grid plane_grid(std::size_t cells_x, std::size_t cells_y) { return pde::Grid({{-3.5, 3.5, cells_x}, {-2.0, 2.0, cells_y}}); }

// Space order of ADI: n × n cells, n = 20 … 320, dt = h_x / 4 exactly (x ∈ [−4, 4], h_x = 8/n, so
// 1/dt = n/2 steps): the time error ∝ dt² is ∝ h² with the same constant at every n, as the
// local orders need (a rounded dt/h would wobble them by its own variation).
verify::Outcome adi_space_order(const process::LinearSde& sde, double half_height) {
  std::vector<double> h, error;
  for (std::size_t cells : {20u, 40u, 80u, 160u, 320u}) {
    const pde::Grid grid({{-4.0, 4.0, cells}, {-half_height, half_height, cells}});
    const double dt = 2.0 / static_cast<double>(cells);
    const auto start = pde::DensityField::at_cell_centers(grid, plane_gaussian(sde, 0.0));
    const auto run =
        pde::solve({pde::FokkerPlanck(sde.sde(), grid), start, 1.0}, {.scheme = pde::TimeScheme::douglas_adi, .dt = dt});
    h.push_back(grid.width(0));
    error.push_back(run.density.l1_distance(plane_gaussian(sde, 1.0)));
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, 2.0);
  outcome.details["l1_errors"] = error;
  return outcome;
}

// Time order of ADI on a fixed 40 × 36 grid against unsplit Crank–Nicolson at dt = 1/2560. The
// reference's own error is the error uncertainty: by Richardson, |p_{1/1280} − p_{1/2560}| / 3
// for a second-order method (L1 norm).
verify::Outcome adi_time_order(const process::LinearSde& sde, const pde::Grid& grid) {
  const pde::FokkerPlanck fp(sde.sde(), grid);
  const auto start = pde::DensityField::at_cell_centers(grid, plane_gaussian(sde, 0.0));
  const Eigen::VectorXd reference = pde::solve({fp, start, 1.0}, {.dt = 1.0 / 2560}).density.values();
  const Eigen::VectorXd half_reference = pde::solve({fp, start, 1.0}, {.dt = 1.0 / 1280}).density.values();
  const double reference_error = (half_reference - reference).cwiseAbs().sum() * grid.cell_measure() / 3;
  std::vector<double> dts, error;
  for (int steps : {10, 20, 40, 80, 160}) {
    dts.push_back(1.0 / steps);
    const auto run = pde::solve({fp, start, 1.0}, {.scheme = pde::TimeScheme::douglas_adi, .dt = dts.back()});
    error.push_back((run.density.values() - reference).cwiseAbs().sum() * grid.cell_measure());
  }
  verify::Outcome outcome = verify::order_in_drift_bound(dts, error, 2.0, {.error_uncertainty = reference_error});
  outcome.details["l1_errors"] = error;
  outcome.details["reference_error"] = reference_error;
  return outcome;
}

// --- full diffusion matrices (mixed derivatives, 2-D) -----------------------------------------

// OU with correlated noise, g = [[1, 0], [0.6, 0.8]]: D = ½ [[1, 0.6], [0.6, 1]], D_01 = 0.3,
// and a drift [[−1, 0], [0, −2]] so that the law's correlation changes in time. ADI takes the
// mixed part explicitly with the Craig–Sneyd correction. Space: n × n, n = 20 … 160, dt = h/4,
// L1 against the exact Gaussian law. Time: against unsplit Crank–Nicolson (dt = 1/2560).
// Dropping the mixed term, halving it, or the correction (first order) fails the fits.
const process::LinearSde correlated((Eigen::Matrix2d() << -1.0, 0.0, 0.0, -2.0).finished(), Eigen::Vector2d::Zero(),
                                    (Eigen::Matrix2d() << 1.0, 0.0, 0.6, 0.8).finished());

// The positivity caveat, measured: with D_01 ≠ 0 the 9-point stencil has negative
// off-diagonal entries, L is not an M-matrix, and implicit Euler from one-cell data (the
// roughest case) undershoots. Reported: min p / max p after one step and at t = 0.5.
nlohmann::json correlated_undershoot() {
  const pde::Grid grid({{-3.5, 3.5, 71}, {-3.5, 3.5, 71}});
  Eigen::VectorXd delta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(grid.cells()));
  delta[static_cast<Eigen::Index>(grid.cells() / 2)] = 1.0 / grid.cell_measure();
  const pde::FokkerPlanck fp(correlated.sde(), grid);
  const auto run = pde::solve({fp, pde::DensityField(grid, delta), 0.5},
                              {.scheme = pde::TimeScheme::implicit_euler, .dt = 0.01}, {.snapshot_times = {0.01}});
  const auto ratio = [](const pde::DensityField& p) { return p.minimum() / p.values().maxCoeff(); };
  return {{"implicit_euler_min_over_max_after_one_step", ratio(run.snapshots[0])},
          {"implicit_euler_min_over_max_at_t_0_5", ratio(run.density)}};
}

verify::Outcome correlated_time_order(const verify::RunContext&) {
  verify::Outcome outcome = adi_time_order(correlated, pde::Grid({{-3.5, 3.5, 40}, {-3.5, 3.5, 36}}));
  outcome.details["positivity_caveat"] = correlated_undershoot();
  return outcome;
}

// --- outputs: the grid oracle and moments ------------------------------------------------------

// The grid oracle as a reverse-time sampler will use it: Crank–Nicolson snapshots of the OU
// density every 0.01 (dt = h/4 exactly: h = 0.04 … 0.005, so dt divides 0.01 and the time error is
// ∝ h² with one constant), a DensitySeries with cubic time interpolation, and its score at
// t = 0.505 — between snapshots — against the exact OU score
// −(x − m_t)/v_t at 61 points across m_t ± 3√v_t; the error is the RMS over the points (a max
// would jump between points as h changes and bend the local orders). Space error O(h²) (cell
// averages read as point values, centred differences of log p). The time interpolation error
// ∝ Δt⁴ does not fall with h: it is the error uncertainty, estimated by Richardson from every
// other snapshot on the finest grid, |s_{2Δt} − s_{Δt}| / (2⁴ − 1). A forward difference, a factor
// 2 lost in the centred difference or interpolation between the wrong snapshots breaks the order
// or the error level.
verify::Outcome grid_oracle_score_order(const verify::RunContext&) {
  constexpr double t = 0.505, spacing = 0.01;
  const double decay = std::exp(-t);
  const double mean = ou_mean0 * decay, variance = ou_variance0 * decay * decay + 0.5 * (1 - decay * decay);
  Eigen::ArrayXXd x(61, 1);
  for (Eigen::Index i = 0; i < 61; ++i) x(i, 0) = mean + std::sqrt(variance) * (-3.0 + 0.1 * static_cast<double>(i));
  const Eigen::ArrayXd exact = -(x.col(0) - mean) / variance;
  std::vector<double> h, error, snapshot_times;
  for (int j = 1; j <= 60; ++j) snapshot_times.push_back(spacing * j);
  const auto rms = [](const Eigen::ArrayXd& values) { return std::sqrt(values.square().mean()); };
  double interpolation_error = 0.0;
  for (std::size_t cells : {200u, 400u, 800u, 1600u}) {  // from 8 cells per initial σ: asymptotic
    const pde::DensityField start = ou_start(cells);
    const double dt = spacing / std::round(4 * spacing / start.grid().width(0));  // = h/4 exactly
    const auto solution =
        pde::solve({pde::FokkerPlanck(ou.sde(), start.grid()), start, snapshot_times.back()},
                   {.dt = dt}, {.snapshot_times = snapshot_times});
    std::vector<pde::DensityField> fields{start}, every_other{start};
    fields.insert(fields.end(), solution.snapshots.begin(), solution.snapshots.end());
    for (std::size_t j = 1; j < solution.snapshots.size(); j += 2) every_other.push_back(solution.snapshots[j]);
    const Eigen::ArrayXXd score = pde::DensitySeries(std::move(fields)).score(x, t, pde::TimeInterpolation::cubic);
    h.push_back(start.grid().width(0));
    error.push_back(rms(score.col(0) - exact));
    const Eigen::ArrayXXd coarse = pde::DensitySeries(std::move(every_other)).score(x, t, pde::TimeInterpolation::cubic);
    interpolation_error = rms(coarse.col(0) - score.col(0)) / 15;  // the finest grid's, kept last
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, 2.0, {.error_uncertainty = interpolation_error});
  outcome.details["rms_score_errors"] = error;
  outcome.details["interpolation_error"] = interpolation_error;
  return outcome;
}

// Mean and covariance of the grid solution of a linear SDE with a non-normal drift matrix
// (rotation and shear: eigenvalues −0.75 ± 0.64i) against the closed moment ODEs integrated by
// Dormand–Prince (tolerance 1e-12). Grid side: Douglas ADI, n × n cells on [−4, 4]² (the law
// stays > 7 standard deviations inside), dt = h/4 exactly. The midpoint moments of cell averages
// miss the within-cell variance h²/12 (Sheppard), and the scheme errs at O(h²): the Euclidean norm
// of the five moment errors (two means, three covariance entries — a norm, not a max, so that no
// switch between entries bends the local orders) must fall at order 2. Error uncertainty 1e-9:
// the moment ODE's tolerance over its ~10³ steps (the mass outside the domain, < 1e-11, moves the
// moments less). A transposed A, a lost b or D = g gᵀ without the ½ moves the moments by O(1).
const process::LinearSde sheared((Eigen::Matrix2d() << -1.0, 0.8, -0.6, -0.5).finished(), Eigen::Vector2d(0.3, -0.2),
                                 Eigen::Vector2d(0.8, 0.6).asDiagonal());

verify::Outcome linear_sde_moments(const verify::RunContext&) {
  const Eigen::Vector2d mean0(0.5, -0.5);
  const Eigen::Matrix2d covariance0 = 0.05 * Eigen::Matrix2d::Identity();
  const auto moments = ode::linear_moments(sheared, mean0, covariance0, 1.0,
                                           {.absolute_tolerance = 1e-12, .relative_tolerance = 1e-12});
  std::vector<double> h, error;
  for (std::size_t cells : {20u, 40u, 80u, 160u}) {
    const pde::Grid grid({{-4.0, 4.0, cells}, {-4.0, 4.0, cells}});
    const auto start = pde::DensityField::at_cell_centers(grid, [&](const process::StateView& x) -> Eigen::ArrayXd {
      return (-((x.col(0) - mean0[0]).square() + (x.col(1) - mean0[1]).square()) / (2 * covariance0(0, 0))).exp();
    });
    const double dt = 2.0 / static_cast<double>(cells);  // = h/4 with h = 8/n
    const auto run = pde::solve({pde::FokkerPlanck(sheared.sde(), grid), start, 1.0},
                                {.scheme = pde::TimeScheme::douglas_adi, .dt = dt});
    h.push_back(grid.width(0));
    const Eigen::Matrix2d covariance_error = run.density.covariance() - moments.covariance;
    error.push_back(std::sqrt((run.density.mean() - moments.mean).squaredNorm() +
                              covariance_error(0, 0) * covariance_error(0, 0) +
                              covariance_error(1, 1) * covariance_error(1, 1) +
                              covariance_error(0, 1) * covariance_error(0, 1)));
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, 2.0, {.error_uncertainty = 1e-9});
  outcome.details["moment_error_norms"] = error;
  outcome.details["moment_ode_mean"] = std::vector<double>(moments.mean.data(), moments.mean.data() + 2);
  return outcome;
}

// --- conservation and positivity ---------------------------------------------------------------

const process::DoubleWellLangevin well(1.0, 0.5);  // wells at ±1, barrier h/D = 2

pde::DensityField delta_start(const pde::Grid& grid, std::size_t cell) {
  Eigen::VectorXd values = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(grid.cells()));
  values(static_cast<Eigen::Index>(cell)) = 1.0 / grid.cell_measure();
  return {grid, values};
}

// 10^4 Crank–Nicolson steps of the double well with zero-flux walls: every interior face moves
// mass between neighbours, so only round-off (≈ 1e-16 per step, random-walk growth) may change it.
verify::Outcome mass_conservation(const verify::RunContext&) {
  const pde::Grid grid({{-2.5, 2.5, 400}});
  const auto start = pde::DensityField::at_cell_centers(grid, gaussian(-1.0, 0.05));
  const auto solution = pde::solve({pde::FokkerPlanck(well.sde(), grid), start, 10.0}, {.dt = 1e-3});
  verify::Outcome outcome = verify::at_most(std::abs(solution.density.mass() - 1.0), 1e-12,
                                            "|mass − 1| after 10^4 steps with zero-flux boundaries");
  outcome.details["steps"] = solution.stats.steps;
  return outcome;
}

// Implicit Euler with exponential fitting: I − dt L is an M-matrix, so its inverse is
// non-negative and p stays ≥ 0 from delta data at any dt; only round-off may dip below.
verify::Outcome implicit_euler_positivity(const verify::RunContext&) {
  const pde::Grid grid({{-2.5, 2.5, 401}});
  const auto solution = pde::solve({pde::FokkerPlanck(well.sde(), grid), delta_start(grid, 120), 1.0},
                                   {.scheme = pde::TimeScheme::implicit_euler, .dt = 1e-3});
  return verify::at_least(solution.density.minimum(), -1e-14, "min p with implicit Euler from delta data");
}

// Crank–Nicolson maps the grid-scale mode by (1 − r)/(1 + r) ≈ −1 when r = dt D/h² ≫ 1: delta
// data ring with alternating signs. Two implicit Euler half steps first (Rannacher) damp them.
verify::Outcome rannacher_start_up(const verify::RunContext&) {
  const pde::Grid grid({{-2.5, 2.5, 401}});
  const pde::FokkerPlanck fp(well.sde(), grid);
  const auto start = delta_start(grid, 200);
  const auto plain = pde::solve({fp, start, 0.5}, {.dt = 0.01, .rannacher_steps = 0});
  const auto started = pde::solve({fp, start, 0.5}, {.dt = 0.01, .rannacher_steps = 2});
  verify::Outcome outcome = verify::at_least(started.density.minimum(), -1e-14,
                                             "min p with Rannacher start-up (and min p < 0 without it)");
  const bool rings = plain.density.minimum() < -1e-6 * plain.density.values().maxCoeff();
  outcome.passed = outcome.passed && rings;
  outcome.details["min_without_start_up"] = plain.density.minimum();
  outcome.details["min_with_start_up"] = started.density.minimum();
  if (!rings) outcome.note = "Crank–Nicolson without start-up did not ring: the check itself is broken";
  return outcome;
}

// --- stationarity ----------------------------------------------------------------------------

// The time-dependent solution approaches the stationary one as e^{−λ t}, λ the spectral gap of
// L (its eigenvalue of smallest non-zero modulus). Measured: the decay rate of ‖p_t − p_∞‖₁
// between t = 5 and t = 10 (Crank–Nicolson, dt = 0.01); expected: λ from a dense eigensolve.
// Error budget: Crank–Nicolson's rate error λ³dt²/12 ≈ 1e-7; the next mode (intra-well rate
// ≈ U''(±1) = 8) is down by e^{−35} at t = 5. Bound: 10 λ³dt²/12 + 1e-8 (round-off in the log).
verify::Outcome double_well_relaxation(const verify::RunContext&) {
  const pde::Grid grid({{-2.5, 2.5, 250}});
  const pde::FokkerPlanck fp(well.sde(), grid);
  const auto stationary = pde::stationary_density(fp);
  const Eigen::VectorXcd eigenvalues = Eigen::MatrixXd(fp.generator(0.0)).eigenvalues();
  std::vector<double> rates;
  for (const auto& e : eigenvalues) rates.push_back(-e.real());
  std::sort(rates.begin(), rates.end());
  const double gap = rates[1];  // rates[0] ≈ 0: the stationary mode
  constexpr double dt = 0.01;
  const auto solution = pde::solve({fp, pde::DensityField::at_cell_centers(grid, gaussian(-1.0, 0.05)), 10.0},
                                   {.dt = dt}, {.snapshot_times = {5.0}});
  const auto distance = [&](const pde::DensityField& p) {
    return (p.values() - stationary.density.values()).cwiseAbs().sum() * grid.cell_measure();
  };
  const double measured = std::log(distance(solution.snapshots[0]) / distance(solution.density)) / 5.0;
  verify::Outcome outcome = verify::within_absolute(measured, gap, 10 * std::pow(gap, 3) * dt * dt / 12 + 1e-8,
                                                    "CN rate error 10 λ³dt²/12 + 1e-8");
  outcome.details["next_rate"] = rates[2];
  return outcome;
}

// --- the cross-check with Monte Carlo ---------------------------------------------------------

// The grid density against an ensemble of the same SDE from the same initial law — one
// distribution::Law, its cell averages starting the grid and its draws the particles (Platen's
// weak order-2 scheme at dt = 1/400: bias ~dt² ≈ 1e-5 per probability, far under the Monte Carlo
// noise of 1e5 paths, ≈ 3e-3) — by compare::compare at two times: Pearson chi-square on the
// grid's cells, and KS against the grid CDF allowing the grid its Richardson-estimated L1 error
// (from the same solve on half the cells; second order in space). A wrong drift sign, a missing
// factor ½ in D or a dropped Itô term moves the law by O(1) and fails both by many sigma.
struct CrossCheck {
  process::Sde sde;
  pde::Grid grid;
  double mean;      // initial law N(mean, variance), for both corners
  double variance;
  std::vector<double> times;
};

verify::Outcome cross_check(const CrossCheck& c, const verify::RunContext& context) {
  constexpr double dt = 1.0 / 400;
  constexpr std::uint64_t paths = 100'000;
  const auto start = distribution::Law::gaussian(Eigen::VectorXd::Constant(1, c.mean), Eigen::MatrixXd::Constant(1, 1, c.variance));
  const auto grid_solve = [&](const pde::Grid& grid) {
    return pde::solve({pde::FokkerPlanck(c.sde, grid), start.on(grid), c.times.back()},
                      {.dt = dt}, {.snapshot_times = c.times}).snapshots;
  };
  const pde::Axis& axis = c.grid.axis(0);
  const auto fine = grid_solve(c.grid);
  const auto coarse = grid_solve(pde::Grid({{axis.lower, axis.upper, axis.cells / 2, axis.boundary}}));
  ensemble::Observations observe;
  observe.terminal = false;
  observe.snapshot_times = c.times;
  const sde::SdeProblem problem(c.sde, ensemble::InitialLaw::from(start), 0.0, c.times.back(), context.seed);
  const auto ensemble =
      sde::solve(problem, sde::PlatenWeak2{dt}, {.paths = paths, .threads = context.threads, .observe = observe});

  std::vector<double> p_values;
  nlohmann::json per_time = nlohmann::json::array();
  for (std::size_t s = 0; s < c.times.size(); ++s) {
    const Eigen::ArrayXXd& x = ensemble.snapshots[s].states;
    const double grid_error = compare::richardson_l1_error(fine[s], coarse[s], 2.0);
    const compare::Comparison chi2 = compare::compare(x, fine[s], {.test = compare::SampleTest::chi_square});
    const compare::Comparison ks = compare::compare(x, fine[s], {.grid_error = grid_error});
    p_values.push_back(chi2.p_value);
    p_values.push_back(ks.p_value);
    per_time.push_back({{"time", c.times[s]}, {"chi_square_p", chi2.p_value}, {"chi_square_dof", chi2.degrees_of_freedom},
                        {"ks_p", ks.p_value}, {"ks_statistic", ks.statistic}, {"grid_l1_error", grid_error},
                        {"left_out", ks.left_out}});
  }
  // Four p-values (two tests at two times), held together to the case's α by Bonferroni.
  verify::Outcome outcome =
      verify::smallest_p_value_at_least(p_values, context.alpha, "chi-square and KS at t = 0.5 and 2");
  outcome.details["per_time"] = per_time;
  outcome.details["failed_paths"] = ensemble.failures.size();
  return outcome;
}

}  // namespace

// Time orders: the error of the θ-method against the exact solution of the same semi-discrete
// system, p(T) = exp(T L) p0 (dense matrix exponential, 200 cells), so space error drops out.
verify::Outcome ou_time_order(pde::TimeScheme scheme, double theoretical) {
  const pde::DensityField start = ou_start(200);
  const pde::FokkerPlanck fp(ou.sde(), start.grid());
  const Eigen::MatrixXd l(fp.generator(0.0));
  const Eigen::VectorXd exact = (ou_horizon * l).exp() * start.values();
  std::vector<double> dts, error;
  for (int steps : {10, 20, 40, 80, 160}) {
    dts.push_back(ou_horizon / steps);
    const auto solution = pde::solve({fp, start, ou_horizon}, {.scheme = scheme, .dt = dts.back()});
    error.push_back((solution.density.values() - exact).cwiseAbs().sum() * start.grid().cell_measure());
  }
  verify::Outcome outcome = verify::order_in_drift_bound(dts, error, theoretical);
  outcome.details["l1_errors"] = error;
  return outcome;
}

// Two operators whose stationary law is the double well's Gibbs density e^{−Φ}/Z, Φ = 2(x² − 1)²
// (U = (x² − 1)² at D = ½), built from the SDE's coefficients alone — never from Φ, so that e^{−Φ}
// is not their null vector by construction (with pde::FokkerPlanck::with_drift_potential it would
// be, to round-off: a unit test checks that). Each discrete stationary density (the stationary
// solver: the pinned null vector of L) must converge at order 2 in L1 to the Gibbs density, which
// is written out here, independently of the library's DoubleWellLangevin:
//   * constant noise: f = −U' = −4x(x² − 1), g = 1;
//   * state-dependent noise: D(x) = ½(1 + x²/4), g = √(2D), and the drift that makes e^{−Φ} the
//     zero-flux state of the Itô equation, f p = (D p)' ⟺ f = D' − D Φ' = x/4 − 4x(x² − 1)(1 + x²/4).
// On [−2.5, 2.5] (e^{−Φ} there is e^{−57}), cells 100 … 800. A drift with the wrong sign of D'
// (the Stratonovich or "kinetic" reading of the equation), a face value of D taken from the
// wrong cell, or a wrong Scharfetter–Gummel weight moves the stationary law by O(1) or O(h).
namespace {

double gibbs_weight(double x) { return std::exp(-2.0 * (x * x - 1) * (x * x - 1)); }

}  // namespace

process::Sde double_well_constant_noise(double drift_scale) {
  return process::Sde::additive(
      "double-well-from-drift", 1, 1,
      [drift_scale](double, const process::StateView& x) -> Eigen::ArrayXXd {
        return -4.0 * drift_scale * x * (x.square() - 1.0);
      },
      [](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Identity(1, 1); })
      .with_time_dependence(process::TimeDependence::autonomous);
}

process::Sde double_well_state_dependent_noise(double diffusion_gradient_sign) {
  return process::Sde::diagonal(
             "double-well-state-dependent-noise", 1,
             [diffusion_gradient_sign](double, const process::StateView& x) -> Eigen::ArrayXXd {
               return diffusion_gradient_sign * x / 4.0 - 4.0 * x * (x.square() - 1.0) * (1.0 + x.square() / 4.0);
             },
             [](double, const process::StateView& x) -> Eigen::ArrayXXd { return (1.0 + x.square() / 4.0).sqrt(); })
      .with_diffusion_derivative([](double, const process::StateView& x) -> Eigen::ArrayXXd {
        return x / (4.0 * (1.0 + x.square() / 4.0).sqrt());
      })
      .with_time_dependence(process::TimeDependence::autonomous);
}

verify::Outcome stationary_gibbs_order(const process::Sde& sde) {
  std::vector<double> h, error;
  nlohmann::json residuals = nlohmann::json::array();
  for (std::size_t cells : {100u, 200u, 400u, 800u}) {
    const pde::Grid grid({{-2.5, 2.5, cells}});
    const auto stationary = pde::stationary_density(pde::FokkerPlanck(sde, grid));
    pde::DensityField gibbs = pde::DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
      return x.col(0).unaryExpr(&gibbs_weight);
    });
    gibbs = pde::DensityField(grid, gibbs.values() / gibbs.mass());
    h.push_back(grid.width(0));
    const double l1 = (stationary.density.values() - gibbs.values()).cwiseAbs().sum() * grid.cell_measure();
    error.push_back(stationary.status.ok() ? l1 : std::nan(""));
    residuals.push_back(stationary.residual);
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, 2.0);
  outcome.details["l1_errors"] = error;
  outcome.details["equation_residuals"] = residuals;
  return outcome;
}

void register_pde_cases(verify::Registry& registry) {
  using verify::CaseKind;
  const auto info = [](std::string name, std::string claim, std::string source, CaseKind kind, std::uint64_t seed = 0) {
    return verify::CaseInfo{std::move(name), std::move(claim), std::move(source), verify::Tier::fast, kind, seed};
  };
  registry.add({info("pde/ou-space-order-2",
                     "Exponentially fitted finite volumes converge at order 2 in space to the exact OU transition density (L1)",
                     "Scharfetter & Gummel 1969; Chang & Cooper 1970", CaseKind::deterministic),
                ou_space_order});
  registry.add({info("pde/ou-time-order-implicit-euler", "Implicit Euler converges at order 1 in time (against exp(T L) p0)",
                     "Hairer & Wanner II, Sec. IV.3", CaseKind::deterministic),
                [](const verify::RunContext&) { return ou_time_order(pde::TimeScheme::implicit_euler, 1.0); }});
  registry.add({info("pde/ou-time-order-crank-nicolson",
                     "Crank-Nicolson with Rannacher start-up converges at order 2 in time (against exp(T L) p0)",
                     "Crank & Nicolson 1947; Rannacher 1984", CaseKind::deterministic),
                [](const verify::RunContext&) { return ou_time_order(pde::TimeScheme::crank_nicolson, 2.0); }});
  registry.add({info("pde/ou-2d-adi-space-order-2",
                     "Douglas ADI on an anisotropic 2-D OU converges at order 2 in space to the exact Gaussian law (L1)",
                     "Douglas 1962; Hundsdorfer & Verwer 2003, Sec. IV.3", CaseKind::deterministic),
                [](const verify::RunContext&) { return adi_space_order(anisotropic, 2.0); }});
  registry.add({info("pde/ou-2d-adi-time-order-2",
                     "Douglas ADI (theta = 1/2) converges at order 2 in time to the unsplit semi-discrete solution",
                     "Hundsdorfer & Verwer 2003, Sec. IV.3.1", CaseKind::deterministic),
                [](const verify::RunContext&) { return adi_time_order(anisotropic, plane_grid(40, 36)); }});
  registry.add({info("pde/correlated-ou-2d-space-order-2",
                     "With a full diffusion matrix (mixed derivatives) ADI converges at order 2 in space to the exact Gaussian law (L1)",
                     "9-point mixed stencil; Craig & Sneyd 1988", CaseKind::deterministic),
                [](const verify::RunContext&) { return adi_space_order(correlated, 3.5); }});
  registry.add({info("pde/correlated-ou-2d-craig-sneyd-time-order-2",
                     "ADI with the Craig-Sneyd correction keeps order 2 in time with mixed derivatives (undershoot of implicit Euler reported)",
                     "Craig & Sneyd 1988; in 't Hout & Welfert 2009", CaseKind::deterministic),
                correlated_time_order});
  registry.add({info("pde/grid-oracle-score-order-2",
                     "The grid oracle's score (snapshots cubic in t, centred log-differences) converges at order 2 to the exact OU score",
                     "Score of the Fokker-Planck solution; Keys 1981 (cubic convolution)", CaseKind::deterministic),
                grid_oracle_score_order});
  registry.add({info("pde/linear-sde-moments-order-2",
                     "Mean and covariance of the ADI grid solution of a sheared linear SDE converge at order 2 to the moment ODEs",
                     "Moment ODEs (Sarkka & Solin 2019, Sec. 5.5); Douglas 1962", CaseKind::deterministic),
                linear_sde_moments});
  // Round-off level measurements (|mass − 1|, min p, a null-vector residual): only their order
  // of magnitude is stable across compilers and CPUs, so their baselines allow a factor 1000.
  const auto round_off = [&](std::string name, std::string claim, std::string source) {
    verify::CaseInfo i = info(std::move(name), std::move(claim), std::move(source), CaseKind::deterministic);
    i.baseline_relative_tolerance = 1e3;
    return i;
  };
  registry.add({round_off("pde/mass-conservation", "Zero-flux finite volumes conserve mass to 1e-12 over 10^4 Crank-Nicolson steps",
                          "Conservative finite volumes (LeVeque 2002, Sec. 4.1)"),
                mass_conservation});
  registry.add({round_off("pde/implicit-euler-positivity",
                          "Implicit Euler with exponential fitting keeps p >= -1e-14 from delta data (M-matrix)",
                          "Chang & Cooper 1970; Varga, Matrix Iterative Analysis, Sec. 3.5"),
                implicit_euler_positivity});
  registry.add({round_off("pde/crank-nicolson-rannacher",
                          "Crank-Nicolson rings negative on delta data; with Rannacher start-up it does not",
                          "Rannacher 1984; Giles & Carter 2006"),
                rannacher_start_up});
  registry.add({info("pde/double-well-stationary-gibbs",
                     "The stationary density of the Fokker-Planck operator built from the double-well drift (constant noise) "
                     "converges at order 2 in L1 to the Gibbs density exp(-U/D)/Z",
                     "Gibbs law of overdamped Langevin dynamics (Pavliotis 2014, Sec. 4.5); Chang & Cooper 1970",
                     CaseKind::deterministic),
                [](const verify::RunContext&) { return stationary_gibbs_order(double_well_constant_noise()); }});
  registry.add({info("pde/state-dependent-noise-stationary-gibbs",
                     "With state-dependent noise D(x) and the drift D' - D U'/D0, the stationary density of the operator "
                     "converges at order 2 in L1 to the same Gibbs density",
                     "Zero-flux stationary Fokker-Planck solution (Risken 1989, Sec. 5.1; Gardiner, Stochastic Methods, 5.2.2)",
                     CaseKind::deterministic),
                [](const verify::RunContext&) { return stationary_gibbs_order(double_well_state_dependent_noise()); }});
  registry.add({info("pde/double-well-relaxation-rate",
                     "The time-dependent double-well density relaxes to the stationary one at the operator's spectral gap",
                     "Spectral theory of the Fokker-Planck operator (Risken 1989, Sec. 5.4)", CaseKind::deterministic),
                double_well_relaxation});
  // The state-dependent-noise problem lives on (−π/2, π/2), which X = arctan(aW + tan X0) never
  // leaves; D = ½a²cos⁴x vanishes only at the (zero-flux) walls.
  registry.add({info("pde/double-well-monte-carlo",
                     "Grid and Monte Carlo double-well densities agree at t = 0.5 and 2 (chi-square and KS, 1e5 paths)",
                     "Fokker-Planck equation of the SDE (Risken 1989, Sec. 4.2); Pearson 1900; Kolmogorov 1933",
                     CaseKind::statistical, 401),
                [](const verify::RunContext& context) {
                  return cross_check({well.sde(), pde::Grid({{-2.5, 2.5, 800}}), -1.0, 0.05, {0.5, 2.0}}, context);
                }});
  registry.add({info("pde/kp-arctan-monte-carlo",
                     "Grid and Monte Carlo densities of the state-dependent-noise SDE agree at t = 0.5 and 2 (chi-square and KS)",
                     "Kloeden & Platen 1992, Sec. 4.4 (reducible SDE); Risken 1989, Sec. 4.2", CaseKind::statistical, 402),
                [](const verify::RunContext& context) {
                  const double half_pi = std::numbers::pi / 2;
                  return cross_check({process::ArctanSde(1.0).sde(), pde::Grid({{-half_pi, half_pi, 800}}), 0.3, 0.01,
                                      {0.5, 2.0}},
                                     context);
                }});
}

}  // namespace kolmo::verification
