#include "kolmo/process/cox_ingersoll_ross.hpp"

#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/non_central_chi_squared.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "kolmo/core/validate.hpp"

namespace kolmo::process {
namespace {

constexpr const char* class_name = "kolmo::process::CoxIngersollRoss";

/// c(t) = σ²(1 − e^{−κt})/(4κ), with expm1 for small κt.
double scale_at(double kappa, double sigma, double t) { return -sigma * sigma * std::expm1(-kappa * t) / (4.0 * kappa); }

/// The smallest n ≥ 0 with P(N ≤ n) ≥ u for N ~ Poisson(mean): P(N ≤ n) = Q(n + 1, mean), the
/// regularised upper incomplete gamma function, increasing in n — so a bisection over n finds
/// it in O(log mean) evaluations, with no pmf that underflows at large means (e^{−500}).
double poisson_quantile(double mean, double u) {
  if (mean == 0.0) return 0.0;
  const auto cdf = [mean](double n) { return boost::math::gamma_q(n + 1.0, mean); };
  double lower = 0.0;  // invariant: the answer is in [lower, upper]
  if (cdf(0.0) >= u) return 0.0;
  double upper = std::ceil(mean + 10.0 * std::sqrt(mean) + 10.0);
  while (cdf(upper) < u) upper *= 2.0;  // u within 1e-16 of 1: the tail beyond 10 sd
  while (upper - lower > 1.0) {
    const double middle = std::floor(0.5 * (lower + upper));
    (cdf(middle) >= u ? upper : lower) = middle;
  }
  return upper;
}

}  // namespace

CoxIngersollRoss::CoxIngersollRoss(double kappa, double theta, double sigma)
    : kappa_(kappa), theta_(theta), sigma_(sigma) {
  require_positive(class_name, "kappa", kappa);
  require_positive(class_name, "theta", theta);
  require_positive(class_name, "sigma", sigma);
}

double CoxIngersollRoss::degrees_of_freedom() const { return 4.0 * kappa_ * theta_ / (sigma_ * sigma_); }

bool CoxIngersollRoss::satisfies_feller_condition() const { return 2.0 * kappa_ * theta_ >= sigma_ * sigma_; }

Sde CoxIngersollRoss::sde() const {
  const double kappa = kappa_, theta = theta_, sigma = sigma_;
  return Sde::diagonal("cox-ingersoll-ross(kappa=" + describe_value(kappa) + ", theta=" + describe_value(theta) +
                           ", sigma=" + describe_value(sigma) + ")",
                       1, [kappa, theta](double, const StateView& x) -> Eigen::ArrayXXd { return kappa * (theta - x); },
                       [sigma](double, const StateView& x) -> Eigen::ArrayXXd { return sigma * x.sqrt(); })
      // g g' = σ√x · σ/(2√x) = σ²/2 for every x > 0, and its limit at 0.
      .with_diffusion_derivative_product([sigma](double, const StateView& x) -> Eigen::ArrayXXd {
        return Eigen::ArrayXXd::Constant(x.rows(), x.cols(), 0.5 * sigma * sigma);
      })
      .with_drift_divergence(
          [kappa](double, const StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Constant(x.rows(), 1, -kappa); })
      .with_state_space(Eigen::VectorXd::Zero(1), Eigen::VectorXd::Constant(1, std::numeric_limits<double>::infinity()))
      .with_time_dependence(TimeDependence::autonomous);
}

double CoxIngersollRoss::transition_mean(double x0, double t) const {
  require_non_negative("kolmo::process::CoxIngersollRoss::transition_mean", "x0", x0);
  require_non_negative("kolmo::process::CoxIngersollRoss::transition_mean", "t", t);
  return theta_ + (x0 - theta_) * std::exp(-kappa_ * t);
}

double CoxIngersollRoss::transition_variance(double x0, double t) const {
  require_non_negative("kolmo::process::CoxIngersollRoss::transition_variance", "x0", x0);
  require_non_negative("kolmo::process::CoxIngersollRoss::transition_variance", "t", t);
  const double decay = std::exp(-kappa_ * t), spent = -std::expm1(-kappa_ * t);
  const double s2 = sigma_ * sigma_;
  return x0 * s2 * decay * spent / kappa_ + theta_ * s2 * spent * spent / (2.0 * kappa_);
}

Eigen::ArrayXd CoxIngersollRoss::transition_cdf(double x0, double t, const Eigen::ArrayXd& x) const {
  constexpr const char* where = "kolmo::process::CoxIngersollRoss::transition_cdf";
  require_non_negative(where, "x0", x0);
  require_positive(where, "t", t);
  const double c = scale_at(kappa_, sigma_, t);
  const boost::math::non_central_chi_squared law(degrees_of_freedom(), x0 * std::exp(-kappa_ * t) / c);
  Eigen::ArrayXd out(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    require(!std::isnan(x[i]), where, "x(" + describe_value(i) + ")", x[i], "a number");
    out[i] = x[i] <= 0.0 ? 0.0 : std::isinf(x[i]) ? 1.0 : boost::math::cdf(law, x[i] / c);
  }
  return out;
}

double CoxIngersollRoss::stationary_variance() const { return theta_ * sigma_ * sigma_ / (2.0 * kappa_); }

Eigen::ArrayXd CoxIngersollRoss::stationary_cdf(const Eigen::ArrayXd& x) const {
  constexpr const char* where = "kolmo::process::CoxIngersollRoss::stationary_cdf";
  const boost::math::gamma_distribution<> law(2.0 * kappa_ * theta_ / (sigma_ * sigma_), sigma_ * sigma_ / (2.0 * kappa_));
  Eigen::ArrayXd out(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    require(!std::isnan(x[i]), where, "x(" + describe_value(i) + ")", x[i], "a number");
    out[i] = x[i] <= 0.0 ? 0.0 : std::isinf(x[i]) ? 1.0 : boost::math::cdf(law, x[i]);
  }
  return out;
}

double CoxIngersollRoss::sample_transition(double x0, double t, double u_poisson, double u_gamma) const {
  constexpr const char* where = "kolmo::process::CoxIngersollRoss::sample_transition";
  require_non_negative(where, "x0", x0);
  require_positive(where, "t", t);
  require_open_interval(where, "u_poisson", u_poisson, 0.0, 1.0);
  require_open_interval(where, "u_gamma", u_gamma, 0.0, 1.0);
  const double c = scale_at(kappa_, sigma_, t);
  const double n = poisson_quantile(0.5 * x0 * std::exp(-kappa_ * t) / c, u_poisson);
  // χ²_ν = 2 Γ(ν/2, 1): the quantile of Γ(a) at u is gamma_p_inv(a, u).
  return c * 2.0 * boost::math::gamma_p_inv(0.5 * degrees_of_freedom() + n, u_gamma);
}

}  // namespace kolmo::process
