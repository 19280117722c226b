#include "kolmo/process/noise_schedule.hpp"

#include <array>
#include <boost/numeric/odeint/integrate/integrate_adaptive.hpp>
#include <boost/numeric/odeint/stepper/generation.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::process {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

/// σ = √(1 − α²) from log α, exact near α = 1 (expm1) — the VP relation σ² + α² = 1.
double variance_preserving_sigma(double log_alpha) { return std::sqrt(-std::expm1(2.0 * log_alpha)); }

/// log α of a VP schedule with half log-SNR λ: e^{−2λ} = σ²/α² = 1/α² − 1.
double variance_preserving_log_alpha(double lambda) { return -0.5 * std::log1p(std::exp(-2.0 * lambda)); }

/// A linear β(t) = β_min + (t/T)(β_max − β_min) and its integral B(t) = ∫_0^t β.
struct LinearBeta {
  double beta_min;
  double beta_max;
  double horizon;

  [[nodiscard]] double slope() const { return (beta_max - beta_min) / horizon; }
  [[nodiscard]] double beta(double t) const { return beta_min + slope() * t; }
  [[nodiscard]] double integral(double t) const { return t * (beta_min + 0.5 * slope() * t); }
  /// The t ≥ 0 with B(t) = b: the positive root of ½ slope t² + β_min t − b = 0, in the form
  /// 2b / (β_min + √(β_min² + 2 slope b)) that loses no digits when the slope is small.
  [[nodiscard]] double time_of_integral(double b) const {
    return 2.0 * b / (beta_min + std::sqrt(beta_min * beta_min + 2.0 * slope() * b));
  }
};

LinearBeta checked_linear_beta(const char* where, double beta_min, double beta_max, double horizon) {
  require_positive(where, "horizon", horizon);
  require_non_negative(where, "beta_min", beta_min);
  require_positive(where, "beta_max", beta_max);
  return {beta_min, beta_max, horizon};
}

/// Checks what every schedule must satisfy, on a fine grid of (0, T]: α > 0 and σ > 0 finite,
/// and λ strictly decreasing (SNR must fall as noise is added). Names the first failing time.
void check_schedule(const NoiseSchedule& schedule) {
  const std::string where = "kolmo::process::NoiseSchedule(" + schedule.name() + ")";
  constexpr int samples = 512;
  double previous_lambda = infinity;
  for (int i = 1; i <= samples; ++i) {
    const double t = schedule.horizon() * i / samples;
    const double alpha = schedule.alpha(t);
    const double sigma = schedule.sigma(t);
    require(std::isfinite(alpha) && alpha > 0.0, where, "alpha(" + describe_value(t) + ")", alpha,
            "a finite value > 0 on (0, T]");
    require(std::isfinite(sigma) && sigma > 0.0, where, "sigma(" + describe_value(t) + ")", sigma,
            "a finite value > 0 on (0, T]");
    const double lambda = schedule.lambda(t);
    require(lambda < previous_lambda, where, "lambda(" + describe_value(t) + ")", lambda,
            "a log-SNR that decreases strictly in t (previous " + describe_value(previous_lambda) + ")");
    previous_lambda = lambda;
  }
}

NoiseSchedule checked(NoiseSchedule schedule) {
  check_schedule(schedule);
  return schedule;
}

}  // namespace

NoiseSchedule::NoiseSchedule(std::string name, double horizon, Functions functions)
    : name_(std::move(name)), horizon_(horizon), functions_(std::move(functions)) {
  constexpr const char* where = "kolmo::process::NoiseSchedule";
  require(!name_.empty(), where, "name", std::string_view("\"\""), "a non-empty name");
  require_positive(where, "horizon", horizon);
  require(functions_.log_alpha && functions_.sigma && functions_.drift_rate && functions_.diffusion_squared,
          where, "functions", std::string_view("(an empty function)"),
          "log_alpha, sigma, drift_rate and diffusion_squared all set");
}

// VP (Song et al. 2021, eq. 11 with β(t) linear; App. B): α = e^{−B/2}, σ² = 1 − α²,
// f = −β/2, g² = β. λ inverts through B = log(1 + e^{−2λ}).
NoiseSchedule NoiseSchedule::vp_linear(double beta_min, double beta_max, double horizon) {
  const LinearBeta b = checked_linear_beta("kolmo::process::NoiseSchedule::vp_linear", beta_min, beta_max, horizon);
  return checked(NoiseSchedule(
      "vp-linear", horizon,
      {.log_alpha = [b](double t) { return -0.5 * b.integral(t); },
       .sigma = [b](double t) { return variance_preserving_sigma(-0.5 * b.integral(t)); },
       .drift_rate = [b](double t) { return -0.5 * b.beta(t); },
       .diffusion_squared = [b](double t) { return b.beta(t); },
       .t_of_lambda = [b](double lambda) { return b.time_of_integral(-2.0 * variance_preserving_log_alpha(lambda)); }}));
}

NoiseSchedule NoiseSchedule::vp_constant(double beta, double horizon) {
  require_positive("kolmo::process::NoiseSchedule::vp_constant", "beta", beta);
  NoiseSchedule schedule = vp_linear(beta, beta, horizon);
  schedule.name_ = "vp-constant";
  schedule.time_dependence_ = TimeDependence::autonomous;
  return schedule;
}

// Nichol & Dhariwal (2021, eq. 17): ᾱ = α² = cos²φ(t)/cos²φ(0), φ(t) = π/2 (t + s)/(1 + s).
// f = d log α/dt = −φ' tan φ, and VP gives g² = −2f (σ² = 1 − α²).
NoiseSchedule NoiseSchedule::vp_cosine(double offset, double horizon) {
  constexpr const char* where = "kolmo::process::NoiseSchedule::vp_cosine";
  require_non_negative(where, "offset", offset);
  require_open_interval(where, "horizon", horizon, 0.0, 1.0);
  const double phi_rate = std::numbers::pi / (2.0 * (1.0 + offset));
  const auto phi = [phi_rate, offset](double t) { return phi_rate * (t + offset); };
  const double log_cos_phi0 = std::log(std::cos(phi(0.0)));
  const auto log_alpha = [phi, log_cos_phi0](double t) { return std::log(std::cos(phi(t))) - log_cos_phi0; };
  return checked(NoiseSchedule(
      "vp-cosine", horizon,
      {.log_alpha = log_alpha,
       .sigma = [log_alpha](double t) { return variance_preserving_sigma(log_alpha(t)); },
       .drift_rate = [phi, phi_rate](double t) { return -phi_rate * std::tan(phi(t)); },
       .diffusion_squared = [phi, phi_rate](double t) { return 2.0 * phi_rate * std::tan(phi(t)); },
       .t_of_lambda =
           [phi_rate, offset, log_cos_phi0](double lambda) {
             const double cos_phi = std::exp(log_cos_phi0 + variance_preserving_log_alpha(lambda));
             return std::acos(cos_phi) / phi_rate - offset;
           }}));
}

// Song et al. (2021, eq. 9 and 30): noise level σ_VE(t) = σ_min r^{t/T}, r = σ_max/σ_min, and
// from a point mass at t = 0 the transition variance is σ_VE(t)² − σ_VE(0)² = σ_min² (r^{2t/T} − 1).
// α = 1, f = 0, g² = dσ²/dt = σ_min² (2 log r / T) r^{2t/T}.
NoiseSchedule NoiseSchedule::ve_geometric(double sigma_min, double sigma_max, double horizon) {
  constexpr const char* where = "kolmo::process::NoiseSchedule::ve_geometric";
  require_positive(where, "sigma_min", sigma_min);
  require(std::isfinite(sigma_max) && sigma_max > sigma_min, where, "sigma_max", sigma_max,
          "a finite value > sigma_min = " + describe_value(sigma_min));
  require_positive(where, "horizon", horizon);
  const double rate = 2.0 * std::log(sigma_max / sigma_min) / horizon;  // d log σ_VE² / dt
  return checked(NoiseSchedule(
      "ve-geometric", horizon,
      {.log_alpha = [](double) { return 0.0; },
       .sigma = [sigma_min, rate](double t) { return sigma_min * std::sqrt(std::expm1(rate * t)); },
       .drift_rate = [](double) { return 0.0; },
       .diffusion_squared = [sigma_min, rate](double t) { return sigma_min * sigma_min * rate * std::exp(rate * t); },
       .t_of_lambda =
           [sigma_min, rate](double lambda) {
             return std::log1p(std::exp(-2.0 * lambda) / (sigma_min * sigma_min)) / rate;
           }}));
}

// Song et al. (2021, eq. 11 and 29): dX = −½β X dt + √(β(1 − e^{−2B})) dW, whose transition has
// α = e^{−B/2} and standard deviation σ = 1 − e^{−B} (no square root). σ/α = 2 sinh(B/2), so
// λ inverts through B = 2 asinh(e^{−λ}/2).
NoiseSchedule NoiseSchedule::sub_vp(double beta_min, double beta_max, double horizon) {
  const LinearBeta b = checked_linear_beta("kolmo::process::NoiseSchedule::sub_vp", beta_min, beta_max, horizon);
  return checked(NoiseSchedule(
      "sub-vp", horizon,
      {.log_alpha = [b](double t) { return -0.5 * b.integral(t); },
       .sigma = [b](double t) { return -std::expm1(-b.integral(t)); },
       .drift_rate = [b](double t) { return -0.5 * b.beta(t); },
       .diffusion_squared = [b](double t) { return -b.beta(t) * std::expm1(-2.0 * b.integral(t)); },
       .t_of_lambda =
           [b](double lambda) { return b.time_of_integral(2.0 * std::asinh(0.5 * std::exp(-lambda))); }}));
}

// Karras et al. (2022, Table 1, "EDM"): s(t) = 1, σ(t) = t, so f = 0 and g² = dσ²/dt = 2t.
NoiseSchedule NoiseSchedule::edm(double sigma_max) {
  require_positive("kolmo::process::NoiseSchedule::edm", "sigma_max", sigma_max);
  return checked(NoiseSchedule("edm", sigma_max,
                               {.log_alpha = [](double) { return 0.0; },
                                .sigma = [](double t) { return t; },
                                .drift_rate = [](double) { return 0.0; },
                                .diffusion_squared = [](double t) { return 2.0 * t; },
                                .t_of_lambda = [](double lambda) { return std::exp(-lambda); }}));
}

// (α, σ) → (f, g): f = α'/α, g² = dσ²/dt − 2fσ² = 2σσ' − 2fσ² (Kingma et al. 2021, eq. 33).
NoiseSchedule NoiseSchedule::from_alpha_sigma(std::string name, TimeFunction alpha, TimeFunction alpha_derivative,
                                              TimeFunction sigma, TimeFunction sigma_derivative, double horizon) {
  constexpr const char* where = "kolmo::process::NoiseSchedule::from_alpha_sigma";
  require(alpha && alpha_derivative && sigma && sigma_derivative, where, "functions",
          std::string_view("(an empty function)"), "alpha, its derivative, sigma and its derivative all set");
  require(std::abs(alpha(0.0) - 1.0) <= 1e-12, where, "alpha(0)", alpha(0.0), "1 (the data at t = 0)");
  require(std::abs(sigma(0.0)) <= 1e-12, where, "sigma(0)", sigma(0.0), "0 (no noise at t = 0)");
  const auto drift_rate = [alpha, alpha_derivative](double t) { return alpha_derivative(t) / alpha(t); };
  return checked(NoiseSchedule(
      std::move(name), horizon,
      {.log_alpha = [alpha](double t) { return std::log(alpha(t)); },
       .sigma = sigma,
       .drift_rate = drift_rate,
       .diffusion_squared =
           [sigma, sigma_derivative, drift_rate](double t) {
             const double s = sigma(t);
             return 2.0 * s * sigma_derivative(t) - 2.0 * drift_rate(t) * s * s;
           },
       .t_of_lambda = {}}));
}

// (f, g) → (α, σ): y = (log α, ∫_0^t g²/α²) solves y' = (f, g² e^{−2 y_0}), y(0) = 0, and then
// σ(t)² = α(t)² y_1(t) (Kingma et al. 2021, eq. 33 read backwards). Each evaluation integrates
// this 2-component ODE with Odeint's controlled Dormand–Prince 5(4) at 1e-14 relative tolerance:
// adaptive steps follow steep schedules (the cosine near T) where a fixed quadrature would not.
NoiseSchedule NoiseSchedule::from_drift_diffusion(std::string name, TimeFunction drift_rate,
                                                  TimeFunction diffusion_squared, double horizon) {
  constexpr const char* where = "kolmo::process::NoiseSchedule::from_drift_diffusion";
  require(drift_rate && diffusion_squared, where, "functions", std::string_view("(an empty function)"),
          "drift_rate and diffusion_squared both set");
  using State = std::array<double, 2>;
  const auto integrate_to = [drift_rate, diffusion_squared](double t) {
    State y{0.0, 0.0};
    if (t == 0.0) return y;
    const auto system = [&](const State& state, State& rate, double s) {
      rate[0] = drift_rate(s);
      rate[1] = diffusion_squared(s) * std::exp(-2.0 * state[0]);
    };
    namespace odeint = boost::numeric::odeint;
    odeint::integrate_adaptive(odeint::make_controlled<odeint::runge_kutta_dopri5<State>>(1e-16, 1e-14), system,
                               y, 0.0, t, 1e-3 * t);
    return y;
  };
  return checked(NoiseSchedule(
      std::move(name), horizon,
      {.log_alpha = [integrate_to](double t) { return integrate_to(t)[0]; },
       .sigma =
           [integrate_to](double t) {
             const State y = integrate_to(t);
             return std::exp(y[0]) * std::sqrt(y[1]);
           },
       .drift_rate = drift_rate,
       .diffusion_squared = diffusion_squared,
       .t_of_lambda = {}}));
}

const std::string& NoiseSchedule::name() const { return name_; }
double NoiseSchedule::horizon() const { return horizon_; }

namespace {
void check_time(const NoiseSchedule& schedule, const char* function, double t) {
  if (!(t >= 0.0 && t <= schedule.horizon())) {
    require_closed_interval(std::string("kolmo::process::NoiseSchedule::") + function + " (" + schedule.name() + ")",
                            "t", t, 0.0, schedule.horizon());
  }
}
}  // namespace

double NoiseSchedule::log_alpha(double t) const {
  check_time(*this, "log_alpha", t);
  return functions_.log_alpha(t);
}
double NoiseSchedule::alpha(double t) const { return std::exp(log_alpha(t)); }
double NoiseSchedule::sigma(double t) const {
  check_time(*this, "sigma", t);
  return functions_.sigma(t);
}
double NoiseSchedule::drift_rate(double t) const {
  check_time(*this, "drift_rate", t);
  return functions_.drift_rate(t);
}
double NoiseSchedule::diffusion_squared(double t) const {
  check_time(*this, "diffusion_squared", t);
  return functions_.diffusion_squared(t);
}
double NoiseSchedule::lambda(double t) const { return log_alpha(t) - std::log(sigma(t)); }
double NoiseSchedule::snr(double t) const { return std::exp(2.0 * lambda(t)); }

// Where no closed form exists: λ decreases strictly (checked at construction), so the root is
// bracketed by [t_lo, T] once λ(t_lo) ≥ λ; TOMS 748 (Alefeld, Potra & Shi 1995) to full precision.
double NoiseSchedule::t_of_lambda(double lambda_value) const {
  constexpr const char* where = "kolmo::process::NoiseSchedule::t_of_lambda";
  const double lambda_end = lambda(horizon_);
  require(!std::isnan(lambda_value) && lambda_value >= lambda_end && lambda_value < infinity, where, "lambda",
          lambda_value, "a finite value >= lambda(T) = " + describe_value(lambda_end));
  if (functions_.t_of_lambda) return std::min(functions_.t_of_lambda(lambda_value), horizon_);
  const auto residual = [this, lambda_value](double t) { return lambda(t) - lambda_value; };
  double lower = horizon_;
  while (residual(lower) < 0.0) {
    lower *= 0.5;
    require(lower > 0.0, where, "lambda", lambda_value, "a log-SNR the schedule reaches at some t > 0");
  }
  if (lower == horizon_) return horizon_;
  std::uintmax_t iterations = 200;
  const auto [a, b] = boost::math::tools::toms748_solve(residual, lower, std::min(2.0 * lower, horizon_),
                                                        boost::math::tools::eps_tolerance<double>(), iterations);
  return 0.5 * (a + b);
}

Sde NoiseSchedule::sde(std::size_t dimension) const {
  require_at_least("kolmo::process::NoiseSchedule::sde", "dimension", dimension, 1);
  const Functions functions = functions_;
  const auto d = static_cast<double>(dimension);
  return Sde::additive(
             name_, dimension, dimension,
             [functions](double t, const StateView& x) -> Eigen::ArrayXXd { return functions.drift_rate(t) * x; },
             [functions, dimension](double t) -> Eigen::MatrixXd {
               return std::sqrt(functions.diffusion_squared(t)) *
                      Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(dimension), static_cast<Eigen::Index>(dimension));
             })
      .with_drift_divergence([functions, d](double t, const StateView& x) -> Eigen::ArrayXXd {
        return Eigen::ArrayXXd::Constant(x.rows(), 1, d * functions.drift_rate(t));
      })
      .with_drift_jacobian_product([functions](double t, const StateView&, const StateView& v) -> Eigen::ArrayXXd {
        return functions.drift_rate(t) * v;  // f = f(t) x is linear
      })
      .with_time_dependence(time_dependence_);
}

}  // namespace kolmo::process
