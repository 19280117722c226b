// Verification cases for the forward processes of diffusion models (issue #5, §4): the VP SDE
// with constant β (NoiseSchedule::vp_constant) is the Ornstein–Uhlenbeck process
//
//   dX = −½ β X dt + √β dW,   stationary law N(0, I),
//
// and its convergence to N(0, I) from a Gaussian start N(m0, s0² I) is shown four ways — the exact
// transition (α, σ of the schedule pushed through distribution::DiffusedMixture), a Monte Carlo
// ensemble of the schedule's SDE, the Fokker–Planck grid, and the moment ODEs — plus the decay
// of KL(p_t ‖ N(0, I)) at its asymptotic rate β.
//
// Closed forms (Gardiner, Stochastic Methods, §3.8.4), per coordinate:
//   m(t) = m0 e^{−βt/2},   v(t) = 1 + (s0² − 1) e^{−βt},
//   KL(N(m, v) ‖ N(0, 1)) = ½ (v + m² − 1 − log v)   (Kullback & Leibler 1951; Gaussian case),
// so KL = ½ m0² e^{−βt} + ½ (v − 1 − log v) with v − 1 − log v ≈ ½ (v − 1)² ∝ e^{−2βt}: the mean
// term sets the asymptotic rate β.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cases/cases.hpp"
#include "cases/mutable_studies.hpp"
#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/ode/moment_odes.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/stats/grid_divergence.hpp"
#include "kolmo/stats/order_fit.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

// β = 2 makes D = ½ g² = 1; the start N(2, 0.25) is 2 stationary standard deviations off with
// half the stationary width, so both the mean and the variance have to relax.
constexpr double beta = 2.0, horizon = 4.0, m0 = 2.0, s0_squared = 0.25;
constexpr double epsilon = std::numeric_limits<double>::epsilon();

const process::NoiseSchedule& schedule() {
  static const process::NoiseSchedule vp = process::NoiseSchedule::vp_constant(beta, horizon);
  return vp;
}

// The closed forms, written out here rather than taken from the library.
double exact_mean(double t) { return m0 * std::exp(-beta * t / 2); }
double exact_variance(double t) { return 1 + (s0_squared - 1) * std::exp(-beta * t); }
double gaussian_kl(double m, double v) { return 0.5 * (v + m * m - 1 - std::log(v)); }
double exact_kl(double t) { return gaussian_kl(exact_mean(t), exact_variance(t)); }

// --- the exact transition -------------------------------------------------------------------

// The schedule's α(t), σ(t) push N(m0 1, s0² I) in 2-D to N(α m0 1, (α² s0² + σ²) I)
// (DiffusedMixture::marginal), which must be the OU law above at every t. Rounding only: exp's
// argument βt/2 ≤ 4 is itself rounded (≤ 4 ε relative in α, 8 ε in α²), plus a few roundings in
// α m0 and α² s0² + σ²: bound 32 ε relative. A schedule with β/2 for β, a square root missing from
// σ, or a noised() that forgets σ² misses by O(1).
verify::Outcome exact_transition(const verify::RunContext&) {
  const distribution::DiffusedMixture law(
      distribution::GaussianMixture::gaussian(Eigen::Vector2d::Constant(m0), s0_squared * Eigen::Matrix2d::Identity()),
      schedule());
  double worst = 0.0;
  nlohmann::json per_time = nlohmann::json::array();
  for (double t : {0.25, 0.5, 1.0, 2.0, 3.0, 4.0}) {
    const distribution::GaussianMixture p_t = law.marginal(t);
    const double mean_error = (p_t.mean().array() / exact_mean(t) - 1).abs().maxCoeff();
    const double covariance_error =
        (p_t.covariance() - exact_variance(t) * Eigen::Matrix2d::Identity()).cwiseAbs().maxCoeff() / exact_variance(t);
    worst = std::max({worst, mean_error, covariance_error});
    per_time.push_back({{"t", t}, {"mean", p_t.mean()[0]}, {"variance", p_t.covariance()(0, 0)},
                        {"kl_to_stationary", 2 * gaussian_kl(p_t.mean()[0], p_t.covariance()(0, 0))}});
  }
  verify::Outcome outcome = verify::at_most(worst, 32 * epsilon,
                                            "max relative error of mean and covariance <= 32 eps (rounding of exp and "
                                            "a few products)");
  outcome.details["per_time"] = per_time;
  return outcome;
}

// --- the Monte Carlo ensemble -------------------------------------------------------------------

// --- the Fokker–Planck grid -------------------------------------------------------------------

/// The grid density of the schedule's 1-D Fokker–Planck equation from N(m0, s0²) on [−7, 7],
/// Crank–Nicolson at dt = h/4, at each of `times` (7 stationary and 10 initial standard
/// deviations of room: the truncated mass is below 1e-11).
std::vector<pde::DensityField> grid_densities(std::size_t cells, const std::vector<double>& times) {
  const pde::Grid grid({{-7.0, 7.0, cells}});
  const pde::DensityField start = pde::DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.col(0) - m0).square() / (2 * s0_squared)).exp() / std::sqrt(2 * std::numbers::pi * s0_squared);
  });
  const double dt = grid.width(0) / 4;
  return pde::solve({pde::FokkerPlanck(schedule().sde(1), grid), start, times.back()},
                    {.dt = dt}, {.snapshot_times = times}).snapshots;
}

/// KL(p ‖ N(0, 1)) on p's grid (stats::kl_divergence, midpoint rule), N(0, 1) at the centres.
double grid_kl_to_stationary(const pde::DensityField& p) {
  const pde::DensityField q = pde::DensityField::at_cell_centers(p.grid(), [](const process::StateView& x) -> Eigen::ArrayXd {
    return (-x.col(0).square() / 2).exp() / std::sqrt(2 * std::numbers::pi);
  });
  const auto span = [](const pde::DensityField& field) {
    return std::span<const double>(field.values().data(), static_cast<std::size_t>(field.values().size()));
  };
  return stats::kl_divergence(span(p), span(q), p.grid().width(0));
}

// KL(p_t ‖ N(0, 1)) of the grid solution at t = 1 against the closed form, h = 1/16 … 1/128
// (8 to 64 cells per initial standard deviation). The scheme is second order in space and, at
// dt = h/4, in time; the midpoint rule for the KL integral and the reading of cell values as
// point values err at O(h²) too: the KL error must fall at order 2. A wrong β in the grid's
// drift or diffusion, or a KL with the arguments swapped, leaves an O(1) error at every h.
verify::Outcome grid_kl_order(const verify::RunContext&) {
  constexpr double t = 1.0;
  std::vector<double> h, error, kl;
  for (std::size_t cells : {224u, 448u, 896u, 1792u}) {
    const pde::DensityField p = grid_densities(cells, {t}).back();
    h.push_back(p.grid().width(0));
    kl.push_back(grid_kl_to_stationary(p));
    error.push_back(std::abs(kl.back() - exact_kl(t)));
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, 2.0);
  outcome.details["grid_kl"] = kl;
  outcome.details["exact_kl"] = exact_kl(t);
  outcome.details["kl_errors"] = error;
  return outcome;
}

/// Least-squares slope of y against t, as the weights w_i with slope = Σ w_i y_i.
std::vector<double> slope_weights(const std::vector<double>& t) {
  double mean = 0.0, spread = 0.0;
  for (double ti : t) mean += ti / static_cast<double>(t.size());
  for (double ti : t) spread += (ti - mean) * (ti - mean);
  std::vector<double> w;
  for (double ti : t) w.push_back((ti - mean) / spread);
  return w;
}

// The decay rate of KL(p_t ‖ N(0, 1)) on the grid: the least-squares slope of log KL over
// t = 2, 2.25, …, 4 (KL from 1e-2 down to 7e-4) must be −β. Tolerance, the sum of
//   model: the exact KL is not a pure exponential (the e^{−2βt} variance term); the same fit of
//          the exact log KL deviates from −β by a computed amount, |rate_exact − β|;
//   grid:  the error of each grid KL, bounded by |KL_h − KL_{h/2}| (for an order-2 scheme that
//          is 3 times the h/2 grid's error; order 2 is case diffusion/vp-constant-grid-kl-order-2),
//          propagated through the fit: Σ |w_i| |KL_h − KL_{h/2}|_i / KL_i.
// A rate of β/2 (a variance-only decay), 2β or a grid that relaxes at the wrong speed fails.
verify::Outcome kl_decay_rate(const verify::RunContext&) {
  std::vector<double> times;
  for (int i = 0; i <= 8; ++i) times.push_back(2.0 + 0.25 * i);
  const std::vector<pde::DensityField> coarse = grid_densities(896, times), fine = grid_densities(1792, times);
  const std::vector<double> w = slope_weights(times);
  double grid_slope = 0.0, exact_slope = 0.0, grid_bound = 0.0;
  std::vector<double> kl;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double kl_fine = grid_kl_to_stationary(fine[i]), kl_coarse = grid_kl_to_stationary(coarse[i]);
    kl.push_back(kl_fine);
    grid_slope += w[i] * std::log(kl_fine);
    exact_slope += w[i] * std::log(exact_kl(times[i]));
    grid_bound += std::abs(w[i]) * std::abs(kl_coarse - kl_fine) / kl_fine;
  }
  const double model_bound = std::abs(-exact_slope - beta);
  verify::Outcome outcome = verify::within_absolute(
      -grid_slope, beta, model_bound + grid_bound,
      "|rate - beta| <= |exact-KL fit rate - beta| + sum |w_i| |KL_h - KL_h/2| / KL_i");
  outcome.details["times"] = times;
  outcome.details["grid_kl"] = kl;
  outcome.details["exact_fit_rate"] = -exact_slope;
  outcome.details["model_bound"] = model_bound;
  outcome.details["grid_bound"] = grid_bound;
  return outcome;
}

// --- the moment ODEs ----------------------------------------------------------------------------

// dμ/dt = f μ, dΣ/dt = 2 f Σ + g² I for the LinearSde made of the schedule's own f and g²
// (ode::linear_moments, Dormand–Prince at tolerances 1e-12), against the closed forms at t = 0.5
// … 4. Bound 1e-9 absolute: each accepted step's local error is ≤ 1e-12 (1 + |x|), |x| ≤ 2; the
// system contracts (rates −β/2 and −β), so local errors do not grow, and a fifth-order pair needs
// well under 10³ steps (h ≳ 0.01) over βT = 8 at this tolerance: global error ≤ 10³ · 3e-12.
verify::Outcome moment_odes(const verify::RunContext&) {
  const Eigen::Matrix2d identity = Eigen::Matrix2d::Identity();
  const process::LinearSde linear(schedule().drift_rate(0.0) * identity, Eigen::Vector2d::Zero(),
                                  std::sqrt(schedule().diffusion_squared(0.0)) * identity);
  double worst = 0.0;
  nlohmann::json per_time = nlohmann::json::array();
  for (double t : {0.5, 1.0, 2.0, 4.0}) {
    const ode::GaussianMoments moments = ode::linear_moments(linear, Eigen::Vector2d::Constant(m0), s0_squared * identity,
                                                             t, {.absolute_tolerance = 1e-12, .relative_tolerance = 1e-12});
    const double mean_error = (moments.mean.array() - exact_mean(t)).abs().maxCoeff();
    const double covariance_error = (moments.covariance - exact_variance(t) * identity).cwiseAbs().maxCoeff();
    worst = std::max({worst, mean_error, covariance_error, moments.status.ok() ? 0.0 : 1.0});
    per_time.push_back({{"t", t}, {"mean", moments.mean[0]}, {"variance", moments.covariance(0, 0)},
                        {"kl_to_stationary", 2 * gaussian_kl(moments.mean[0], moments.covariance(0, 0))}});
  }
  verify::Outcome outcome =
      verify::at_most(worst, 1e-9, "max |moment ODE - closed form| <= 1e-9 (10^3 steps x local tolerance)");
  outcome.details["per_time"] = per_time;
  return outcome;
}

}  // namespace

// Euler–Maruyama on the schedule's own SDE (its f and g², not α and σ) in 2-D, 2^16 paths,
// dt = 1/128. The EM chain X_{n+1} = (1 + f dt) X_n + g √dt Z is linear with Gaussian noise, so
// from a Gaussian start its law is exactly Gaussian with
//   mean (1 + f dt)^n m0,   variance a^n s0² + g² dt (1 − a^n)/(1 − a),  a = (1 + f dt)²,
// which tends to N(0, (1 − β dt/4)⁻¹ I) — N(0, I) as dt → 0; the 0.4% bias to the OU law is
// reported, not tested. Statistic: per time and coordinate, z-scores of the sample mean
// (se √(v/n)) and sample variance (se v √(2/(n − 1)), exact for a Gaussian law) against the
// chain's law; 16 z-scores held together to the case's α (Bonferroni).
verify::Outcome vp_ensemble_moments(const verify::RunContext& context, const process::Sde& sde) {
  constexpr double dt = 1.0 / 128;
  constexpr std::uint64_t paths = 1 << 16;
  const std::vector<double> times = {0.5, 1.0, 2.0, 4.0};
  const sde::SdeProblem problem(
      sde,
      ensemble::InitialLaw::gaussian(Eigen::Vector2d::Constant(m0), s0_squared * Eigen::Matrix2d::Identity()), 0.0,
      horizon, context.seed);
  const ensemble::EnsembleSolution solution =
      sde::solve(problem, sde::EulerMaruyama{dt},
                 {.paths = paths, .threads = context.threads, .observe = {.terminal = false, .snapshot_times = {}, .moment_times = times, .histograms = {}}});

  const double f = schedule().drift_rate(0.0), g_squared = schedule().diffusion_squared(0.0);
  const double a = (1 + f * dt) * (1 + f * dt), n = static_cast<double>(paths);
  std::vector<double> z;
  nlohmann::json per_time = nlohmann::json::array();
  for (const ensemble::MomentsAt& at : solution.moments) {
    const double steps = std::round(at.time / dt);
    const double mean = std::pow(1 + f * dt, steps) * m0;
    const double variance = std::pow(a, steps) * s0_squared + g_squared * dt * (1 - std::pow(a, steps)) / (1 - a);
    for (Eigen::Index i = 0; i < 2; ++i) {
      z.push_back((at.moments.mean()[i] - mean) / std::sqrt(variance / n));
      z.push_back((at.moments.covariance()(i, i) - variance) / (variance * std::sqrt(2 / (n - 1))));
    }
    per_time.push_back({{"t", at.time}, {"sample_mean", at.moments.mean()[0]},
                        {"sample_variance", at.moments.covariance()(0, 0)}, {"chain_variance", variance},
                        {"ou_variance", exact_variance(at.time)}});
  }
  verify::Outcome outcome = verify::all_within_sigma(z, context.alpha);
  outcome.details["per_time"] = per_time;
  outcome.details["status"] = to_string(solution.status.code);
  return outcome;
}

process::Sde vp_constant_sde(std::size_t dimension) { return schedule().sde(dimension); }

void register_diffusion_cases(verify::Registry& registry) {
  using verify::CaseKind;
  const auto info = [](std::string name, std::string claim, std::string source, CaseKind kind, std::uint64_t seed = 0) {
    return verify::CaseInfo{std::move(name), std::move(claim), std::move(source), verify::Tier::fast, kind, seed};
  };
  const char* ou = "VP SDE with constant beta = OU process (Song et al. 2021, App. B; Gardiner, Stochastic Methods, 3.8.4)";
  registry.add({with_round_off_baseline(info(
                    "diffusion/vp-constant-exact-transition",
                    "The constant-beta VP schedule's (alpha, sigma) push N(m0, s0^2 I) to the OU law N(m0 e^{-beta t/2}, 1 + (s0^2 - 1) e^{-beta t}) -> N(0, I)",
                    ou, CaseKind::deterministic)),
                exact_transition});
  registry.add({info("diffusion/vp-constant-monte-carlo",
                     "An Euler-Maruyama ensemble of the constant-beta VP SDE has its chain's exact Gaussian moments, relaxing to N(0, I)",
                     ou, CaseKind::statistical, 401),
                [](const verify::RunContext& c) { return vp_ensemble_moments(c, vp_constant_sde(2)); }});
  registry.add({info("diffusion/vp-constant-grid-kl-order-2",
                     "The KL divergence of the Fokker-Planck grid solution p_t from N(0, 1) converges at order 2 to the closed form",
                     "Kullback & Leibler 1951; Crank & Nicolson 1947", CaseKind::deterministic),
                grid_kl_order});
  registry.add({info("diffusion/vp-constant-kl-decay-rate",
                     "The KL divergence of the grid solution p_t from N(0, 1) decays at the rate beta of the mean term",
                     "Bakry, Gentil & Ledoux 2014, Sec. 5.7 (exponential decay of entropy for OU)", CaseKind::deterministic),
                kl_decay_rate});
  registry.add({with_round_off_baseline(info(
                    "diffusion/vp-constant-moment-odes",
                    "The moment ODEs of the constant-beta VP SDE (Dormand-Prince) reproduce the closed-form OU moments, relaxing to N(0, I)",
                    "Sarkka & Solin 2019, Sec. 5.5", CaseKind::deterministic)),
                moment_odes});
}

}  // namespace kolmo::verification
