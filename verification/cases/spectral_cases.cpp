// Verification cases for the spectral grid solver (pde/spectral.hpp, pde/etdrk4.hpp): ETDRK4's
// time order in 1-D and 2-D, agreement with the finite-volume solver on the same periodic
// problem at the finite-volume's own order, the spectral solution's resolution, and the
// stationary density of a gradient drift against the Gibbs law.
//
// The common problem: overdamped Langevin dynamics on the circle [0, 2π),
//   dX = −U′(X) dt + √(2D) dW,   U(x) = cos x  (f = sin x),   D = ½,
// stationary density ∝ e^{−U/D} = e^{−2 cos x}, from the von Mises start ∝ e^{2 cos(x − 1)}.
// Both are entire and periodic: their Fourier coefficients are I_m(2)/I_0(2) ≈ 1/(2.28 m!), so 48
// or more nodes resolve them to round-off.
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "cases/cases.hpp"
#include "kolmo/pde/etdrk4.hpp"
#include "kolmo/pde/spectral.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/stats/order_fit.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

constexpr double two_pi = 2 * std::numbers::pi;
constexpr double epsilon = std::numeric_limits<double>::epsilon();
constexpr double langevin_diffusion = 0.5;

const process::Sde& cosine_langevin() {
  static const process::Sde sde = process::Sde::additive(
      "cosine-langevin", 1, 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x.col(0).sin(); },
      [](double) { return Eigen::MatrixXd::Constant(1, 1, std::sqrt(2 * langevin_diffusion)); })
      .with_time_dependence(process::TimeDependence::autonomous);
  return sde;
}

pde::Grid circle(std::size_t cells) { return pde::Grid({{0.0, two_pi, cells, pde::Boundary::periodic}}); }

pde::DensityField von_mises_start(const pde::Grid& grid) {
  return pde::DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
    return (2 * (x.col(0) - 1.0).cos()).exp();
  });
}

double l1(const Eigen::VectorXd& a, const Eigen::VectorXd& b, const pde::Grid& grid) {
  return (a - b).cwiseAbs().sum() * grid.cell_measure();
}

/// Order fit of ETDRK4 at dt = T/8 … T/128 against the same semi-discrete system at T/2048,
/// whose own error is (1/16)⁴ ≈ 1.5e-5 of the finest one fitted.
verify::Outcome time_order(const pde::SpectralFokkerPlanck& equation, const pde::DensityField& start) {
  constexpr double horizon = 1.0;
  const Eigen::VectorXd reference = pde::solve({equation, start, horizon}, {.dt = horizon / 2048}).density.values();
  std::vector<double> dts, error;
  for (int steps : {8, 16, 32, 64, 128}) {
    dts.push_back(horizon / steps);
    error.push_back(l1(pde::solve({equation, start, horizon},
                                  {.dt = dts.back()}).density.values(), reference, start.grid()));
  }
  verify::Outcome outcome = verify::order_in_drift_bound(dts, error, 4.0);
  outcome.details["l1_errors"] = error;
  return outcome;
}

// 1-D: the cosine Langevin problem on 64 nodes. The L1 errors run from ~7e-6 to ~1e-10, far
// above the round-off (~1e-15) and below the pre-asymptotic range.
verify::Outcome etdrk4_order_1d(const verify::RunContext&) {
  const pde::Grid grid = circle(64);
  return time_order(pde::SpectralFokkerPlanck(cosine_langevin(), grid), von_mises_start(grid));
}

// 2-D on 32 × 24 nodes of [0, 2π) × [0, 4π): a drift that couples the axes and is not a gradient,
// and a non-diagonal D (the mixed term −2 D_01 κ_0 κ_1 in L̂), so every part of the operator and
// both transform directions of the 2-D plans enter the stages.
verify::Outcome etdrk4_order_2d(const verify::RunContext&) {
  const pde::Grid grid({{0.0, two_pi, 32, pde::Boundary::periodic}, {0.0, 2 * two_pi, 24, pde::Boundary::periodic}});
  Eigen::MatrixXd g(2, 2);
  g << 1.0, 0.0, 0.6, 0.8;  // D = ½ g gᵀ = [[0.5, 0.3], [0.3, 0.5]]
  const auto sde = process::Sde::additive(
      "sheared-2d", 2, 2,
      [](double, const process::StateView& x) -> Eigen::ArrayXXd {
        Eigen::ArrayXXd f(x.rows(), 2);
        f.col(0) = x.col(0).sin() + 0.5 * (0.5 * x.col(1)).cos();
        f.col(1) = (x.col(0) - 0.5 * x.col(1)).cos();
        return f;
      },
      [g](double) { return g; })
      .with_time_dependence(process::TimeDependence::autonomous);
  const auto start = pde::DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
    return (1.5 * (x.col(0) - 1.0).cos() + (0.5 * x.col(1)).sin()).exp();
  });
  return time_order(pde::SpectralFokkerPlanck(sde, grid), start);
}

// Finite volumes (exponential fitting, Crank–Nicolson at dt = h/4 so its time error ∝ h² cannot
// bend the slope) against the spectral solution on the same nodes (ETDRK4 at dt = 1/256: time
// error ~1e-12, spatial error round-off), n = 32 … 512. The finite-volume error is O(h²), so the
// "agreement to the finite-volume error" is the claim that the L1 difference falls at order 2.
verify::Outcome finite_volume_agreement(const verify::RunContext&) {
  constexpr double horizon = 1.0;
  std::vector<double> h, difference;
  for (std::size_t cells : {32u, 64u, 128u, 256u, 512u}) {
    const pde::Grid grid = circle(cells);
    const pde::DensityField start = von_mises_start(grid);
    const double dt = horizon / std::round(4 * horizon / grid.width(0));
    const auto finite_volume = pde::solve({pde::FokkerPlanck(cosine_langevin(), grid), start, horizon}, {.dt = dt});
    const auto spectral = pde::solve({pde::SpectralFokkerPlanck(cosine_langevin(), grid), start, horizon},
                                     {.dt = horizon / 256});
    h.push_back(grid.width(0));
    difference.push_back(l1(finite_volume.density.values(), spectral.density.values(), grid));
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, difference, 2.0);
  outcome.details["l1_differences"] = difference;
  return outcome;
}

// The spectral solution is resolved: 48 and 144 nodes share every third node of the finer grid
// ((i + ½) h = (3i + 1 + ½) h/3), and with the same dt the two runs differ only by the Fourier
// tail the coarse grid drops and by round-off. Bound: the tail beyond the 2/3 band, Σ_{m ≥ 16}
// 2 I_m(2)/I_0(2) ≈ 4e-14 (the solution's spectrum decays like the data's), plus the round-off of
// 64 steps of 8 transforms, 64 · 8 · 4ε ≈ 5e-13 (relative to max p): 1e-12.
verify::Outcome spectral_resolution(const verify::RunContext&) {
  constexpr double horizon = 1.0, dt = 1.0 / 64;
  const pde::Grid coarse = circle(48), fine = circle(144);
  const auto run = [&](const pde::Grid& grid) {
    return pde::solve({pde::SpectralFokkerPlanck(cosine_langevin(), grid), von_mises_start(grid), horizon},
                      {.dt = dt}).density.values();
  };
  const Eigen::VectorXd p_coarse = run(coarse), p_fine = run(fine);
  double worst = 0.0;
  for (Eigen::Index i = 0; i < p_coarse.size(); ++i) worst = std::max(worst, std::abs(p_coarse(i) - p_fine(3 * i + 1)));
  return verify::at_most(worst / p_fine.maxCoeff(), 1e-12,
                         "Fourier tail beyond m = 16 (4e-14) + round-off of 512 transforms (5e-13), relative to max p");
}

// Long-time ETDRK4 run to the Gibbs density. ETDRK4 keeps the equilibria of the semi-discrete
// system exactly (with N = −L̂ p̂*, every stage returns p̂*: the f's sum to h φ₁ = (e^z − 1)/L̂), so
// dt only sets the speed of approach. Bound on max |p(T) − p_Gibbs| / max p_Gibbs:
//   transient   cond · e^{−λ T} · max |p0 − p_Gibbs| / max p_Gibbs, λ the spectral gap of the
//               discrete operator (dense eigensolve below) and cond = √(max g / min g) = e^{1/D}
//               the condition number of the symmetrising similarity diag(√g) (detailed balance);
//   Fourier tail Σ_{m ≥ n/3} 2 I_m(1/D)/I_0(1/D) of the Gibbs density dropped by the 2/3 filter;
//   round-off   ~16ε per step (8 transforms), damped at rate ≥ λ: 16ε / (1 − e^{−λ dt}).
verify::Outcome stationary_gibbs(const verify::RunContext&) {
  constexpr std::size_t cells = 64;
  constexpr double horizon = 40.0, dt = 0.05;
  const pde::Grid grid = circle(cells);
  const pde::SpectralFokkerPlanck equation(cosine_langevin(), grid);
  Eigen::MatrixXd operator_matrix(cells, cells);
  for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(cells); ++j) {
    operator_matrix.col(j) = equation.time_derivative(0.0, Eigen::VectorXd::Unit(cells, j));
  }
  std::vector<double> rates;
  for (const auto& e : operator_matrix.eigenvalues()) rates.push_back(-e.real());
  std::sort(rates.begin(), rates.end());
  const double gap = rates[1];  // rates[0] ≈ 0: the stationary mode

  const auto start = von_mises_start(grid);
  const auto gibbs = pde::DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
    return (-x.col(0).cos() / langevin_diffusion).exp();
  });
  const double scale = gibbs.values().maxCoeff();
  const double condition = std::exp(1.0 / langevin_diffusion);
  const double transient = condition * std::exp(-gap * horizon) * (start.values() - gibbs.values()).cwiseAbs().maxCoeff() / scale;
  double tail = 0.0;
  for (std::size_t m = cells / 3; m <= cells; ++m) {
    tail += 2 * std::cyl_bessel_i(static_cast<double>(m), 1 / langevin_diffusion) / std::cyl_bessel_i(0.0, 1 / langevin_diffusion);
  }
  const double round_off = 16 * epsilon / (1 - std::exp(-gap * dt));

  const auto run = pde::solve({equation, start, horizon}, {.dt = dt});
  const double measured = (run.density.values() - gibbs.values()).cwiseAbs().maxCoeff() / scale;
  verify::Outcome outcome = verify::at_most(measured, transient + tail + round_off,
                                            "cond e^{-gap T} |p0 - p_Gibbs| + Fourier tail + damped round-off");
  outcome.details["spectral_gap"] = gap;
  outcome.details["transient_bound"] = transient;
  outcome.details["round_off_bound"] = round_off;
  outcome.details["mass_change"] = run.stats.mass_change;
  return outcome;
}

}  // namespace

void register_spectral_cases(verify::Registry& registry) {
  using verify::CaseKind;
  // FFTW picks its SIMD codelets when the program runs, so the transforms' round-off (≈1e-15 on
  // L1 errors ≥ 1e-10 here: ≤ 1e-5 relative per error) may differ between CPUs; through the
  // log-log fit that moves an order by < 1e-5 relative, so the order baselines allow 1e-4.
  const auto info = [](std::string name, std::string claim, std::string source) {
    verify::CaseInfo i{std::move(name), std::move(claim), std::move(source), verify::Tier::fast, CaseKind::deterministic, 0};
    i.baseline_relative_tolerance = 1e-4;
    return i;
  };
  const auto round_off = [&](std::string name, std::string claim, std::string source) {
    verify::CaseInfo i = info(std::move(name), std::move(claim), std::move(source));
    i.baseline_relative_tolerance = 1e3;  // round-off level: only the order of magnitude is stable
    return i;
  };
  registry.add({info("pde/spectral-etdrk4-time-order-4",
                     "ETDRK4 on the pseudo-spectral Fokker-Planck equation converges at order 4 in time (1-D, drift sin x)",
                     "Cox & Matthews 2002, J. Comput. Phys. 176; Kassam & Trefethen 2005, SIAM J. Sci. Comput. 26(4)"),
                etdrk4_order_1d});
  registry.add({info("pde/spectral-2d-etdrk4-time-order-4",
                     "ETDRK4 converges at order 4 in time in 2-D with a coupled drift and a non-diagonal D",
                     "Cox & Matthews 2002; Kassam & Trefethen 2005"),
                etdrk4_order_2d});
  registry.add({info("pde/spectral-vs-finite-volume-periodic",
                     "Finite-volume and spectral solutions of a periodic drift-diffusion agree to the finite-volume error: "
                     "the L1 difference falls at order 2",
                     "Chang & Cooper 1970; Boyd 2001, Chebyshev and Fourier Spectral Methods, ch. 2"),
                finite_volume_agreement});
  registry.add({round_off("pde/spectral-resolution-round-off",
                          "The spectral solution on 48 nodes equals the one on 144 nodes at the shared nodes to 1e-12",
                          "Spectral accuracy for entire periodic data (Trefethen 2000, Spectral Methods in MATLAB, ch. 4)"),
                spectral_resolution});
  registry.add({round_off("pde/spectral-stationary-gibbs",
                          "Long-time ETDRK4 reaches the Gibbs density exp(-U/D)/Z of a gradient drift on the circle to ~1e-13",
                          "Gibbs law of overdamped Langevin dynamics (Pavliotis 2014, Sec. 4.5); Cox & Matthews 2002 (fixed points)"),
                stationary_gibbs});
}

}  // namespace kolmo::verification
