#include "kolmo/process/ornstein_uhlenbeck.hpp"

#include <cmath>

#include "kolmo/core/validate.hpp"
#include "kolmo/random/normal.hpp"

namespace kolmo::process {

OrnsteinUhlenbeck::OrnsteinUhlenbeck(double theta, double mu, double sigma)
    : theta_(theta), mu_(mu), sigma_(sigma) {
  constexpr const char* where = "kolmo::process::OrnsteinUhlenbeck";
  require_positive(where, "theta", theta);
  require_finite(where, "mu", mu);
  require_positive(where, "sigma", sigma);
}

Sde OrnsteinUhlenbeck::sde() const {
  const double theta = theta_;
  const double mu = mu_;
  const double sigma = sigma_;
  return Sde::additive(
             "ornstein-uhlenbeck", 1, 1,
             [theta, mu](double, const StateView& x) -> Eigen::ArrayXXd { return theta * (mu - x); },
             [sigma](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Constant(1, 1, sigma); })
      .with_drift_divergence([theta](double, const StateView& x) -> Eigen::ArrayXXd {
        return Eigen::ArrayXXd::Constant(x.rows(), 1, -theta);
      })
      .with_time_dependence(TimeDependence::autonomous);
}

double OrnsteinUhlenbeck::transition_mean(double x0, double t) const {
  require_non_negative("kolmo::process::OrnsteinUhlenbeck::transition_mean", "t", t);
  return mu_ + (x0 - mu_) * std::exp(-theta_ * t);
}

double OrnsteinUhlenbeck::transition_variance(double t) const {
  require_non_negative("kolmo::process::OrnsteinUhlenbeck::transition_variance", "t", t);
  return -stationary_variance() * std::expm1(-2.0 * theta_ * t);
}

double OrnsteinUhlenbeck::stationary_variance() const { return sigma_ * sigma_ / (2.0 * theta_); }

double OrnsteinUhlenbeck::sample_transition(double x0, double t, double z) const {
  return transition_mean(x0, t) + std::sqrt(transition_variance(t)) * z;
}

void OrnsteinUhlenbeck::sample_transitions(std::span<const double> x0, double t, std::uint64_t seed,
                                           std::uint64_t first_path, std::uint64_t step, std::span<double> out,
                                           int threads) const {
  constexpr const char* where = "kolmo::process::OrnsteinUhlenbeck::sample_transitions";
  require(out.size() == x0.size(), where, "out.size()", out.size(), "x0.size() = " + describe_value(x0.size()));
  require_non_negative(where, "t", t);
  require_at_least(where, "x0.size()", x0.size(), 1);
  for (std::size_t i = 0; i < x0.size(); ++i) {
    if (!std::isfinite(x0[i])) require_finite(where, "x0[" + std::to_string(i) + "]", x0[i]);
  }
  random::fill_standard_normals({seed, random::Purpose::brownian, step, first_path, x0.size(), 1}, out, threads);
  const double decay = std::exp(-theta_ * t);
  const double std_dev = std::sqrt(transition_variance(t));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = mu_ + (x0[i] - mu_) * decay + std_dev * out[i];
}

}  // namespace kolmo::process
