// Verification cases for the ODE flows (kolmo::ode): the Odeint adapters' orders, log-density
// transport against Liouville's closed form, Hutchinson's trace estimator (unbiasedness and its
// 1/K variance), and the moment ODEs of a linear SDE against the matrix-exponential law and
// against a Monte Carlo ensemble.
#include <cmath>
#include <numbers>
#include <unsupported/Eigen/MatrixFunctions>
#include <vector>

#include "cases/cases.hpp"
#include "cases/mutable_studies.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/ode/integrate.hpp"
#include "kolmo/ode/moment_odes.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/exact_linear.hpp"
#include "kolmo/stats/mean_estimate.hpp"
#include "kolmo/stats/order_fit.hpp"
#include "kolmo/stats/running_moments.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

// The rotating, decaying linear flow dx/dt = A x, A = [[−θ, −ω], [ω, −θ]], with the closed form
// x(t) = e^{−θt} R(ωt) x0 written out (not taken from the library).
constexpr double theta = 0.3, omega = 2.0, horizon = 2.0;
const Eigen::Matrix2d rotation_generator = (Eigen::Matrix2d() << -theta, -omega, omega, -theta).finished();
const Eigen::Vector2d start(1.0, 0.5);

ode::Flow linear_flow(const Eigen::MatrixXd& a, const Eigen::VectorXd& b) {
  ode::Flow flow("linear-flow", static_cast<std::size_t>(a.rows()),
                 [a, b](double, const process::StateView& x) -> Eigen::ArrayXXd {
                   return ((x.matrix() * a.transpose()).rowwise() + b.transpose()).array();
                 });
  flow.with_jacobian([a](double, const Eigen::VectorXd&) -> Eigen::MatrixXd { return a; });
  return flow;
}

Eigen::Vector2d rotating_exact(double t) {
  const Eigen::Matrix2d r = (Eigen::Matrix2d() << std::cos(omega * t), -std::sin(omega * t), std::sin(omega * t),
                             std::cos(omega * t)).finished();
  return std::exp(-theta * t) * r * start;
}

double error_at(const ode::Method& method) {
  const ode::Flow flow = linear_flow(rotation_generator, Eigen::Vector2d::Zero());
  return (ode::integrate(flow, start, 0.0, horizon, method).state - rotating_exact(horizon)).norm();
}

// --- Odeint adapters ---------------------------------------------------------------------------

// Dormand–Prince with local extrapolation: the controller holds the 4th-order error estimate
// per step to tol, so h ~ tol^{1/5} and the 5th-order global error ~ h^5 ~ tol (Hairer, Nørsett
// & Wanner I, §II.4): log error against log tol has slope 1 over tol = 1e-4 .. 1e-11.
verify::Outcome dopri_proportional(const verify::RunContext&) {
  std::vector<double> tolerance, error;
  for (int k = 4; k <= 11; ++k) {
    tolerance.push_back(std::pow(10.0, -k));
    error.push_back(error_at(ode::DormandPrince{tolerance.back(), tolerance.back()}));
  }
  verify::Outcome outcome = verify::order_in_drift_bound(tolerance, error, 1.0);
  outcome.details["error_over_tolerance"] = nlohmann::json::array();
  for (std::size_t k = 0; k < error.size(); ++k) outcome.details["error_over_tolerance"].push_back(error[k] / tolerance[k]);
  return outcome;
}

// --- log-density transport ---------------------------------------------------------------------

// X0 ~ N(m0, S0) pushed by dx/dt = A x + b has the law N(Φ m0 + c, Φ S0 Φᵀ) at t with
// Φ = e^{At}, c = ∫_0^t e^{As} b ds (Liouville: p_t(x) = p0(Φ⁻¹(x − c)) e^{−t tr A}).
// Route 1: integrate x and log p along the trajectory (Dormand–Prince at tol 1e-12, divergence by
// central differences). Route 2: evaluate the Gaussian log-density of the law at x(t), with Φ and
// c from Eigen's matrix exponential. Bound 1e-8: Dormand–Prince's global error is ~1.3 tol here
// (ode/dopri5-error-proportional-to-tolerance) and the finite-difference divergence of a linear
// field is exact up to rounding u |v| / ε ≈ 2e-16 · 5 / 6e-6 ≈ 2e-10 per evaluation.
double gaussian_log_density(const Eigen::VectorXd& x, const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance) {
  const Eigen::LLT<Eigen::MatrixXd> cholesky(covariance);
  const Eigen::VectorXd whitened = cholesky.matrixL().solve(x - mean);
  const double log_det = 2.0 * cholesky.matrixL().toDenseMatrix().diagonal().array().log().sum();
  return -0.5 * whitened.squaredNorm() - 0.5 * log_det - 0.5 * static_cast<double>(x.size()) * std::log(2 * std::numbers::pi);
}

verify::Outcome liouville(const verify::RunContext&) {
  const Eigen::Matrix2d a = (Eigen::Matrix2d() << -0.4, 1.2, -0.3, 0.1).finished();  // non-normal, tr A = −0.3
  const Eigen::Vector2d b(0.5, -0.2), m0(0.3, -0.1);
  const Eigen::Matrix2d s0 = (Eigen::Matrix2d() << 0.5, 0.1, 0.1, 0.3).finished();
  constexpr double t = 1.0;
  Eigen::Matrix3d augmented = Eigen::Matrix3d::Zero();  // exp([[A, b], [0, 0]] t) = [[Φ, c], [0, 1]]
  augmented.topLeftCorner<2, 2>() = a * t;
  augmented.topRightCorner<2, 1>() = b * t;
  const Eigen::Matrix3d exponential = augmented.exp();
  const Eigen::Matrix2d phi = exponential.topLeftCorner<2, 2>();
  const Eigen::Vector2d c = exponential.topRightCorner<2, 1>();

  ode::IntegrateOptions options;
  options.log_density = ode::FiniteDifference{};
  double worst = 0.0;
  nlohmann::json rows = nlohmann::json::array();
  for (const Eigen::Vector2d& x0 : {Eigen::Vector2d(0.3, -0.1), Eigen::Vector2d(1.5, 0.8), Eigen::Vector2d(-1.0, 0.4)}) {
    const ode::TrajectorySolution result = ode::integrate(linear_flow(a, b), x0, 0.0, t, ode::DormandPrince{1e-12, 1e-12}, options);
    const double transported = gaussian_log_density(x0, m0, s0) + result.log_density_change;
    const double exact = gaussian_log_density(result.state, phi * m0 + c, phi * s0 * phi.transpose());
    worst = std::max(worst, std::abs(transported - exact));
    rows.push_back({{"x0", {x0(0), x0(1)}}, {"transported", transported}, {"exact", exact}});
  }
  verify::Outcome outcome = verify::within_absolute(worst, 0.0, 1e-8, "max |log p transported - log p exact| <= 1e-8");
  outcome.details["starts"] = rows;
  return outcome;
}

// --- Hutchinson's estimator --------------------------------------------------------------------
// A flow with a symmetric part off the diagonal, so single Rademacher probes scatter:
// z^T A z = tr A + Σ_{i<j} (A_ij + A_ji) z_i z_j, variance Σ_{i<j} (A_ij + A_ji)².
const Eigen::Matrix3d scattering = (Eigen::Matrix3d() << -0.5, 0.8, 0.2, 0.4, -0.2, -0.6, 0.3, 0.1, 0.3).finished();

ode::TrajectorySolution hutchinson_run(std::size_t probes, std::uint64_t seed, std::uint64_t path) {
  ode::IntegrateOptions options;
  options.log_density = ode::Hutchinson{probes};
  options.seed = seed;
  options.path = path;
  return ode::integrate(linear_flow(scattering, Eigen::Vector3d::Zero()), Eigen::Vector3d(0.5, -0.2, 0.1), 0.0, 1.0,
                        ode::DormandPrince{1e-10, 1e-10}, options);
}

// The estimate with K = 32768 probes against the exact −t tr A = 0.4, within the critical value
// at α of its own standard errors. One probe's variance is Σ_{i<j} (A_ij + A_ji)² = 1.94, so the
// standard error is √(1.94 / 32768) = 7.7e-3 and the tolerance (~4.4 se) is 8.5% of the value:
// a probe law of the wrong scale (Gaussian probes times √2, or Rademacher ±1/2) is off by a
// factor 2 and fails by ~10 tolerances.
verify::Outcome hutchinson_mean(const verify::RunContext& context) {
  const ode::TrajectorySolution result = hutchinson_run(32768, context.seed, 0);
  verify::Outcome outcome =
      verify::within_sigma(result.log_density_change, result.log_density_standard_error, -scattering.trace(), context.alpha);
  const double relative_tolerance = outcome.tolerance.bound * result.log_density_standard_error / std::abs(scattering.trace());
  outcome.details["relative_tolerance"] = relative_tolerance;
  if (!(relative_tolerance <= 0.1)) {  // the claim: a test that resolves 10% of the value
    outcome.passed = false;
    outcome.note = "the tolerance is " + describe_value(relative_tolerance) + " of the value, above 10%";
  }
  return outcome;
}

// Var(mean of K probes) = V / K: over R = 400 independent runs (disjoint probe draws per K) at
// K = 4 .. 256, the sample variance of the R estimates is fitted against 1/K; its slope is 1. The
// standard error of each sample variance is estimated from the same runs, sqrt((m4 − s⁴)/R) with
// the fourth central moment m4: the mean of K Rademacher quadratic forms is far from Gaussian at
// small K, so the Gaussian value s² sqrt(2/(R − 1)) would understate it.
verify::Outcome hutchinson_variance(const verify::RunContext& context) {
  constexpr std::uint64_t repeats = 400;
  std::vector<double> inverse_probes, variance, variance_se;
  std::uint64_t first_path = 0;  // disjoint probe draws at every K, so the K levels are independent
  for (std::size_t probes : {4u, 16u, 64u, 256u}) {
    Eigen::ArrayXd estimates(static_cast<Eigen::Index>(repeats));
    for (std::uint64_t r = 0; r < repeats; ++r) {
      estimates(static_cast<Eigen::Index>(r)) = hutchinson_run(probes, context.seed, first_path + r).log_density_change;
    }
    first_path += repeats;
    const Eigen::ArrayXd centred = estimates - estimates.mean();
    const double s2 = centred.square().sum() / (repeats - 1);
    const double m4 = centred.square().square().mean();
    inverse_probes.push_back(1.0 / static_cast<double>(probes));
    variance.push_back(s2);
    variance_se.push_back(std::sqrt(std::max(m4 - s2 * s2, 0.0) / repeats));
  }
  // The K levels use disjoint probe draws, so their variances are independent and the weighted
  // fit's interval is the right one.
  verify::Outcome outcome =
      verify::order_in_confidence_interval(stats::fit_order(inverse_probes, variance, variance_se), 1.0, context.alpha);
  double single_probe = 0.0;  // exact V = Σ_{i<j} (A_ij + A_ji)²
  for (int i = 0; i < 3; ++i) {
    for (int j = i + 1; j < 3; ++j) single_probe += std::pow(scattering(i, j) + scattering(j, i), 2);
  }
  outcome.details["variances"] = variance;
  outcome.details["exact_single_probe_variance"] = single_probe;
  return outcome;
}

// --- moment ODEs -------------------------------------------------------------------------------
const process::LinearSde moment_sde((Eigen::Matrix2d() << -1.0, 0.7, -0.4, -0.5).finished(), Eigen::Vector2d(0.3, -0.2),
                                    (Eigen::Matrix2d() << 0.8, 0.0, 0.3, 0.5).finished());
const Eigen::Vector2d moment_x0(1.0, 2.0);
constexpr double moment_t = 1.5;

// Against the Van Loan transition (matrix exponentials): two algorithms for one law. Bound 1e-9
// with the ODE integrated at tol 1e-12 (global error ~ tol, see the proportionality case).
verify::Outcome moments_closed_form(const verify::RunContext&) {
  const ode::GaussianMoments moments =
      ode::linear_moments(moment_sde, moment_x0, Eigen::Matrix2d::Zero(), moment_t, ode::DormandPrince{1e-12, 1e-12});
  const process::GaussianTransition transition = moment_sde.transition(moment_t);
  const double difference = std::max((moments.mean - transition.mean(moment_x0)).cwiseAbs().maxCoeff(),
                                     (moments.covariance - transition.covariance).cwiseAbs().maxCoeff());
  return verify::within_absolute(moments.status.ok() ? difference : std::numeric_limits<double>::quiet_NaN(), 0.0, 1e-9,
                                 "max |moment ODE - Van Loan| over mean and covariance entries <= 1e-9");
}

// Against a Monte Carlo ensemble of exact linear steps (2^17 paths): the five moments (2 means,
// 2 variances, the covariance, about the ODE mean) held together to the case's α (Bonferroni).
verify::Outcome moments_monte_carlo(const verify::RunContext& context) {
  const ode::GaussianMoments moments = ode::linear_moments(moment_sde, moment_x0, Eigen::Matrix2d::Zero(), moment_t);
  const sde::SdeProblem problem(moment_sde.sde("moment-sde"), ensemble::InitialLaw::point(moment_x0), 0.0, moment_t,
                                context.seed);
  const auto solution = sde::solve(problem, sde::ExactLinear{moment_t / 3, moment_sde}, {.paths = 1 << 17, .threads = context.threads});
  const Eigen::ArrayXXd centred = solution.terminal.rowwise() - moments.mean.transpose().array();
  const std::vector<Eigen::ArrayXd> samples = {centred.col(0), centred.col(1), centred.col(0).square(),
                                               centred.col(1).square(), centred.col(0) * centred.col(1)};
  const std::vector<double> expected = {0.0, 0.0, moments.covariance(0, 0), moments.covariance(1, 1),
                                        moments.covariance(0, 1)};
  std::vector<double> z_scores;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    z_scores.push_back(stats::z_score(
        stats::estimate_mean({samples[k].data(), static_cast<std::size_t>(samples[k].size())}), expected[k]));
  }
  return verify::all_within_sigma(z_scores, context.alpha);
}

verify::CaseInfo info(std::string name, std::string claim, std::string source, verify::CaseKind kind,
                      std::uint64_t seed = 0) {
  return {std::move(name), std::move(claim), std::move(source), verify::Tier::fast, kind, seed};
}

/// A deterministic case whose measurement is a rounding-level difference (~1e-12): its baseline
/// can only flag a change of order of magnitude, since rounding moves with the compiler and CPU.
verify::CaseInfo rounding_level(verify::CaseInfo info) {
  info.baseline_relative_tolerance = 10.0;
  return info;
}

}  // namespace

// rk4 at n = 10 .. 160 steps (|λ| h = 0.4 .. 0.025): deterministic, so the order is the last
// local order with its drift bound (stats/local_orders.hpp). Any fixed-step method works: its
// step is set to horizon / n.
verify::Outcome explicit_order(const ode::Method& method, double advertised) {
  std::vector<double> h, error;
  for (int n : {10, 20, 40, 80, 160}) {
    h.push_back(horizon / n);
    ode::Method at = method;
    std::visit([&](auto& m) {
      if constexpr (requires { m.dt; }) m.dt = horizon / n;
    }, at);
    error.push_back(error_at(at));
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, error, advertised);
  outcome.details["errors"] = error;
  return outcome;
}

void register_ode_cases(verify::Registry& registry) {
  using verify::CaseKind;
  registry.add({info("ode/rk4-order-4", "Odeint's rk4 has order 4 on a linear flow with a closed-form solution",
                     "Kutta 1901; Hairer, Norsett & Wanner I, Sec. II.1", CaseKind::deterministic),
                [](const verify::RunContext&) { return explicit_order(ode::Rk4{}, 4.0); }});
  registry.add({info("ode/dopri5-error-proportional-to-tolerance",
                     "Dormand-Prince 5(4) with step control has global error proportional to the tolerance",
                     "Dormand & Prince 1980; Hairer, Norsett & Wanner I, Sec. II.4", CaseKind::deterministic),
                dopri_proportional});
  registry.add({rounding_level(info("ode/liouville-log-density",
                     "log p carried along a linear flow equals the closed-form Gaussian law at the transported point",
                     "Liouville equation; Chen et al. 2018 (instantaneous change of variables)", CaseKind::deterministic)),
                liouville});
  registry.add({info("ode/hutchinson-unbiased", "Hutchinson's estimator of the divergence is unbiased (32768 probes, tolerance < 10% of the value)",
                     "Hutchinson 1990; Grathwohl et al. 2019 (FFJORD)", CaseKind::statistical, 301),
                hutchinson_mean});
  registry.add({info("ode/hutchinson-variance-over-probes",
                     "The variance of Hutchinson's estimate falls as 1/probes (fitted slope against 1/K)",
                     "Hutchinson 1990", CaseKind::statistical, 302),
                hutchinson_variance});
  registry.add({rounding_level(info("ode/moment-odes-closed-form",
                     "The closed moment ODEs of a linear SDE reproduce the matrix-exponential Gaussian law",
                     "Sarkka & Solin 2019, Sec. 5.5; Van Loan 1978", CaseKind::deterministic)),
                moments_closed_form});
  registry.add({info("ode/moment-odes-monte-carlo",
                     "The moment ODEs agree with the moments of an exact-sampling SDE ensemble",
                     "Sarkka & Solin 2019, Sec. 5.5", CaseKind::statistical, 303),
                moments_monte_carlo});
}

}  // namespace kolmo::verification
