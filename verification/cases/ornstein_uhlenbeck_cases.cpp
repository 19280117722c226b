// Verification cases for the Ornstein–Uhlenbeck process dX = θ(μ − X)dt + σ dW: exact
// transition sampling against the closed-form law, the semigroup (four chained exact steps
// against one), relaxation to the stationary law from far away, and the variance moment ODE
// integrated by Boost.Odeint against its closed form.
#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <boost/numeric/odeint/integrate/integrate_n_steps.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>

#include "cases/cases.hpp"
#include "cases/mutable_studies.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "kolmo/stats/ks_test.hpp"
#include "kolmo/stats/running_moments.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

// One process for all cases: θ = 1.5, μ = 0.5, σ = 0.8, so the stationary variance is
// σ²/(2θ) = 0.21333... and x0 = 3 starts 5.4 stationary standard deviations away.
const process::OrnsteinUhlenbeck ou(1.5, 0.5, 0.8);
constexpr double x0 = 3.0;
constexpr std::size_t paths = 1 << 18;

// The closed forms, written out here rather than taken from OrnsteinUhlenbeck, so that a wrong
// formula in the library (which its sampler also uses) cannot agree with itself.
double exact_mean(double start, double t) { return ou.mu() + (start - ou.mu()) * std::exp(-ou.theta() * t); }
double exact_variance(double t) {
  return ou.sigma() * ou.sigma() / (2 * ou.theta()) * (1 - std::exp(-2 * ou.theta() * t));
}

/// The library's exact transition (the registered cases'); tests pass broken ones.
void library_transition(std::span<const double> x, double dt, std::uint64_t seed, std::uint64_t step,
                        std::span<double> out, int threads) {
  ou.sample_transitions(x, dt, seed, 0, step, out, threads);
}

/// X_t for `paths` paths from x0, as `steps` chained exact transitions of t / steps each
/// (step index k uses the normals at step k, so every transition has fresh noise).
std::vector<double> sample_chained(const verify::RunContext& context, double start, double t, int steps,
                                   const OuTransition& transition = library_transition) {
  std::vector<double> x(paths, start), next(paths);
  for (int k = 0; k < steps; ++k) {
    transition(x, t / steps, context.seed, static_cast<std::uint64_t>(k), next, context.threads);
    x.swap(next);
  }
  return x;
}

// E[(X_t − m_t)²] with the exact mean m_t: its sample mean estimates the variance with a
// standard error taken from the same samples (no Gaussian assumption in the tolerance).
verify::Outcome transition_variance(const verify::RunContext& context, double t, int steps) {
  const double m = exact_mean(x0, t);
  stats::RunningMoments squares;
  for (double x : sample_chained(context, x0, t, steps)) squares.add((x - m) * (x - m));
  return verify::within_sigma(squares.mean(), squares.standard_error(), exact_variance(t), context.alpha);
}

// From x0 = 25 (52 stationary standard deviations away) run to t = 20 in 20 exact steps, then
// KS against N(μ, σ²/(2θ)). The remaining distance to the stationary law is bounded by
// sup|F_t − F_∞| <= |m_t − μ| / sqrt(2π v_t) + (v_∞/v_t − 1)/2 ≈ 1e-11, far below the KS
// resolution ~1/sqrt(n) = 2e-3, so the check tests the sampler, not the truncation in time.
verify::Outcome stationary_ks(const verify::RunContext& context) {
  constexpr double far = 25.0, t = 20.0;
  const auto x = sample_chained(context, far, t, 20);
  const double stationary_variance = ou.sigma() * ou.sigma() / (2 * ou.theta());
  const boost::math::normal stationary(ou.mu(), std::sqrt(stationary_variance));
  const auto ks = stats::ks_one_sample(x, [&](double v) { return boost::math::cdf(stationary, v); });
  auto outcome = verify::p_value_at_least(ks.p_value, context.alpha, "KS against the stationary law");
  const double v_t = exact_variance(t);
  outcome.details = {{"n", x.size()},
                     {"ks_statistic", ks.statistic},
                     {"time_truncation_bound",
                      std::abs(exact_mean(far, t) - ou.mu()) / std::sqrt(2 * M_PI * v_t) + (stationary_variance / v_t - 1) / 2}};
  return outcome;
}

// Deterministic: the variance moment ODE v' = −2θ v + σ², v(0) = 0, integrated by Odeint's
// classical rk4 with n steps of h. For this linear ODE rk4 multiplies v − v_∞ by the degree-4
// Taylor polynomial R(z) of e^z, z = −2θh, per step, so its error at t = nh is exactly
//   |R(z)^n − e^{nz}| · v_∞ .
// The measured error must equal that prediction up to rounding (bound 16 n ε v_∞): a stepper
// of any other order or with a wrong coefficient misses it by orders of magnitude.
verify::Outcome variance_ode_rk4(const verify::RunContext&) {
  constexpr int n = 16;
  constexpr double h = 0.125;
  const double two_theta = 2 * ou.theta(), sigma2 = ou.sigma() * ou.sigma();
  double v = 0.0;
  boost::numeric::odeint::runge_kutta4<double> rk4;
  boost::numeric::odeint::integrate_n_steps(
      rk4, [&](const double& y, double& dydt, double) { dydt = -two_theta * y + sigma2; }, v, 0.0, h, n);

  const double z = -two_theta * h;
  const double r = 1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24;
  const double v_inf = sigma2 / two_theta;
  const double predicted = std::abs(std::pow(r, n) - std::exp(n * z)) * v_inf;
  const double measured = std::abs(v - exact_variance(n * h));
  auto outcome = verify::within_absolute(measured, predicted, 16 * n * std::numeric_limits<double>::epsilon() * v_inf,
                                         "|error - predicted rk4 error| <= 16 n eps v_inf (rounding)");
  outcome.details = {{"steps", n}, {"h", h}, {"rk4_variance", v}, {"exact_variance", exact_variance(n * h)}};
  return outcome;
}

}  // namespace

verify::Outcome transition_mean_with(const verify::RunContext& context, double t, int steps,
                                     const OuTransition& transition) {
  stats::RunningMoments moments;
  for (double x : sample_chained(context, x0, t, steps, transition)) moments.add(x);
  return verify::within_sigma(moments.mean(), moments.standard_error(), exact_mean(x0, t), context.alpha);
}

void register_ornstein_uhlenbeck_cases(verify::Registry& registry) {
  using verify::CaseKind;
  using verify::Tier;
  const char* transition_source = "Uhlenbeck & Ornstein 1930; Gardiner, Stochastic Methods, 3.8.4";
  registry.add({{"ou/exact-transition-mean-t0.5", "Exact OU transition sampling from x0 = 3 has mean mu + (x0 - mu) e^{-theta t} at t = 0.5.",
                 transition_source, Tier::fast, CaseKind::statistical, 101},
                [](const verify::RunContext& c) { return transition_mean_with(c, 0.5, 1, library_transition); }});
  registry.add({{"ou/exact-transition-variance-t0.5", "Exact OU transition sampling has variance sigma^2/(2 theta) (1 - e^{-2 theta t}) at t = 0.5.",
                 transition_source, Tier::fast, CaseKind::statistical, 102},
                [](const verify::RunContext& c) { return transition_variance(c, 0.5, 1); }});
  registry.add({{"ou/chained-transition-mean-t2", "Four chained exact OU transitions of 0.5 reproduce the closed-form mean at t = 2 (semigroup property).",
                 transition_source, Tier::fast, CaseKind::statistical, 103},
                [](const verify::RunContext& c) { return transition_mean_with(c, 2.0, 4, library_transition); }});
  registry.add({{"ou/chained-transition-variance-t2", "Four chained exact OU transitions of 0.5 reproduce the closed-form variance at t = 2.",
                 transition_source, Tier::fast, CaseKind::statistical, 104},
                [](const verify::RunContext& c) { return transition_variance(c, 2.0, 4); }});
  registry.add({{"ou/stationary-ks", "From x0 = 25 the OU law reaches N(mu, sigma^2/(2 theta)) by t = 20: KS p-value on 2^18 paths.",
                 "Stationary law of the OU process (Gardiner 3.8.4)", Tier::fast, CaseKind::statistical, 105},
                stationary_ks});
  registry.add({{"ou/variance-ode-rk4", "Boost.Odeint rk4 on the OU variance ODE has exactly the error rk4's stability polynomial predicts.",
                 "Moment ODE dv/dt = -2 theta v + sigma^2; Hairer, Norsett & Wanner I, II.2 (RK stability function)",
                 Tier::fast, CaseKind::deterministic, 0},
                variance_ode_rk4});
}

}  // namespace kolmo::verification
