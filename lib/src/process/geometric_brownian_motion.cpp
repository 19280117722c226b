#include "kolmo/process/geometric_brownian_motion.hpp"

#include <cmath>

#include "kolmo/core/validate.hpp"

namespace kolmo::process {

GeometricBrownianMotion::GeometricBrownianMotion(double lambda, double mu) : lambda_(lambda), mu_(mu) {
  require_finite("kolmo::process::GeometricBrownianMotion", "lambda", lambda);
  require_finite("kolmo::process::GeometricBrownianMotion", "mu", mu);
}

Sde GeometricBrownianMotion::sde() const {
  const double lambda = lambda_;
  const double mu = mu_;
  return Sde::diagonal(
             "geometric-brownian-motion", 1,
             [lambda](double, const StateView& x) -> Eigen::ArrayXXd { return lambda * x; },
             [mu](double, const StateView& x) -> Eigen::ArrayXXd { return mu * x; })
      .with_diffusion_derivative([mu](double, const StateView& x) -> Eigen::ArrayXXd {
        return Eigen::ArrayXXd::Constant(x.rows(), x.cols(), mu);
      })
      .with_drift_divergence([lambda](double, const StateView& x) -> Eigen::ArrayXXd {
        return Eigen::ArrayXXd::Constant(x.rows(), 1, lambda);
      })
      .with_time_dependence(TimeDependence::autonomous);
}

Eigen::ArrayXXd GeometricBrownianMotion::solution(double t0, double t1, const StateView& x0, const StateView& w) const {
  require(x0.rows() == w.rows() && x0.cols() == w.cols() && x0.cols() == 1,
          "kolmo::process::GeometricBrownianMotion::solution", "w.rows()", w.rows(),
          "one Brownian value per path of x0 (" + describe_value(x0.rows()) + " x 1)");
  const double s = t1 - t0;
  return x0 * (lambda_ * s - 0.5 * mu_ * mu_ * std::abs(s) + mu_ * w).exp();
}

Sde GeometricBrownianMotion::stratonovich_sde() const {
  return sde().with_calculus(Calculus::stratonovich);
}

Eigen::ArrayXXd GeometricBrownianMotion::stratonovich_solution(double t0, double t1, const StateView& x0,
                                                               const StateView& w) const {
  require(x0.rows() == w.rows() && x0.cols() == w.cols() && x0.cols() == 1,
          "kolmo::process::GeometricBrownianMotion::stratonovich_solution", "w.rows()", w.rows(),
          "one Brownian value per path of x0 (" + describe_value(x0.rows()) + " x 1)");
  return x0 * (lambda_ * (t1 - t0) + mu_ * w).exp();
}

double GeometricBrownianMotion::mean(double x0, double t) const { return x0 * std::exp(lambda_ * t); }

double GeometricBrownianMotion::second_moment(double x0, double t) const {
  return x0 * x0 * std::exp(2.0 * lambda_ * t + mu_ * mu_ * std::abs(t));
}

}  // namespace kolmo::process
