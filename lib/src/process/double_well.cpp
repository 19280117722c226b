#include "kolmo/process/double_well.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>

#include "kolmo/core/validate.hpp"

namespace kolmo::process {

DoubleWellLangevin::DoubleWellLangevin(double barrier_height, double temperature)
    : barrier_height_(barrier_height), temperature_(temperature) {
  require_positive("kolmo::process::DoubleWellLangevin", "barrier_height", barrier_height);
  require_positive("kolmo::process::DoubleWellLangevin", "temperature", temperature);
  // U(x)/D >= 40  <=>  x² >= 1 + sqrt(40 D / h).
  support_half_width_ = std::sqrt(1.0 + std::sqrt(40.0 * temperature / barrier_height));
  normaliser_ = unnormalised_mass(support_half_width_);
}

double DoubleWellLangevin::potential(double x) const {
  const double s = x * x - 1.0;
  return barrier_height_ * s * s;
}

Sde DoubleWellLangevin::sde() const {
  const double h = barrier_height_;
  const double noise = std::sqrt(2.0 * temperature_);
  return Sde::additive(
             "double-well-langevin", 1, 1,
             [h](double, const StateView& x) -> Eigen::ArrayXXd { return -4.0 * h * x * (x.square() - 1.0); },
             [noise](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Constant(1, 1, noise); })
      .with_drift_divergence(
          [h](double, const StateView& x) -> Eigen::ArrayXXd { return -h * (12.0 * x.square() - 4.0); })
      .with_time_dependence(TimeDependence::autonomous);
}

double DoubleWellLangevin::gibbs_density(double x) const {
  return std::exp(-potential(x) / temperature_) / normaliser_;
}

double DoubleWellLangevin::unnormalised_mass(double upper) const {
  const double lower = -support_half_width_;
  if (upper <= lower) return 0.0;
  const auto density = [this](double x) { return std::exp(-potential(x) / temperature_); };
  return boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
      density, lower, std::min(upper, support_half_width_), 15, 1e-14);
}

double DoubleWellLangevin::gibbs_cdf(double x) const {
  require(!std::isnan(x), "kolmo::process::DoubleWellLangevin::gibbs_cdf", "x", x, "a number");
  return std::clamp(unnormalised_mass(x) / normaliser_, 0.0, 1.0);
}

}  // namespace kolmo::process
