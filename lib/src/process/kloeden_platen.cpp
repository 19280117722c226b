#include "kolmo/process/kloeden_platen.hpp"

#include <cmath>

#include "kolmo/core/validate.hpp"

namespace kolmo::process {
namespace {

void check_path_values(double t0, double t1, const StateView& x0, const StateView& w, const char* where) {
  require(t1 >= t0, where, "t1", t1, "t1 >= t0 = " + describe_value(t0) + " (forward time only)");
  require(x0.cols() == 1 && w.cols() == 1 && x0.rows() == w.rows(), where, "w.rows()", w.rows(),
          "one Brownian value per path of x0 (" + describe_value(x0.rows()) + " x 1)");
}

Eigen::ArrayXXd constant_column(const StateView& x, double value) {
  return Eigen::ArrayXXd::Constant(x.rows(), 1, value);
}

}  // namespace

ArctanSde::ArctanSde(double a) : a_(a) { require_finite("kolmo::process::ArctanSde", "a", a); }

Sde ArctanSde::sde() const {
  const double a = a_;
  return Sde::diagonal(
             "kloeden-platen-arctan", 1,
             [a](double, const StateView& x) -> Eigen::ArrayXXd {
               return -a * a * x.sin() * x.cos().cube();
             },
             [a](double, const StateView& x) -> Eigen::ArrayXXd { return a * x.cos().square(); })
      .with_diffusion_derivative([a](double, const StateView& x) -> Eigen::ArrayXXd {
        return -2.0 * a * x.cos() * x.sin();
      })
      .with_time_dependence(TimeDependence::autonomous);
}

Eigen::ArrayXXd ArctanSde::solution(double t0, double t1, const StateView& x0, const StateView& w) const {
  check_path_values(t0, t1, x0, w, "kolmo::process::ArctanSde::solution");
  return (a_ * w + x0.tan()).atan();
}

SinhSde::SinhSde(double a) : a_(a) { require_finite("kolmo::process::SinhSde", "a", a); }

Sde SinhSde::sde() const {
  const double a = a_;
  return Sde::diagonal(
             "kloeden-platen-sinh", 1,
             [a](double, const StateView& x) -> Eigen::ArrayXXd { return 0.5 * a * a * x; },
             [a](double, const StateView& x) -> Eigen::ArrayXXd { return a * (1.0 + x.square()).sqrt(); })
      .with_diffusion_derivative([a](double, const StateView& x) -> Eigen::ArrayXXd {
        return a * x / (1.0 + x.square()).sqrt();
      })
      .with_drift_divergence(
          [a](double, const StateView& x) -> Eigen::ArrayXXd { return constant_column(x, 0.5 * a * a); })
      .with_time_dependence(TimeDependence::autonomous);
}

Eigen::ArrayXXd SinhSde::solution(double t0, double t1, const StateView& x0, const StateView& w) const {
  check_path_values(t0, t1, x0, w, "kolmo::process::SinhSde::solution");
  return (a_ * w + x0.asinh()).sinh();
}

AdditiveTestSde::AdditiveTestSde(double alpha, double beta) : alpha_(alpha), beta_(beta) {
  require_finite("kolmo::process::AdditiveTestSde", "alpha", alpha);
  require_finite("kolmo::process::AdditiveTestSde", "beta", beta);
}

Sde AdditiveTestSde::sde() const {
  const double alpha = alpha_;
  const double beta = beta_;
  return Sde::additive(
             "kloeden-platen-additive", 1, 1,
             [beta](double t, const StateView& x) -> Eigen::ArrayXXd {
               return beta / std::sqrt(1.0 + t) - x / (2.0 * (1.0 + t));
             },
             [alpha, beta](double t) -> Eigen::MatrixXd {
               return Eigen::MatrixXd::Constant(1, 1, alpha * beta / std::sqrt(1.0 + t));
             })
      .with_drift_divergence([](double t, const StateView& x) -> Eigen::ArrayXXd {
        return constant_column(x, -1.0 / (2.0 * (1.0 + t)));
      });
}

Eigen::ArrayXXd AdditiveTestSde::solution(double t0, double t1, const StateView& x0, const StateView& w) const {
  check_path_values(t0, t1, x0, w, "kolmo::process::AdditiveTestSde::solution");
  require(t0 > -1.0, "kolmo::process::AdditiveTestSde::solution", "t0", t0, "t0 > -1 (the coefficients need 1 + t > 0)");
  return (x0 * std::sqrt(1.0 + t0) + beta_ * (t1 - t0) + alpha_ * beta_ * w) / std::sqrt(1.0 + t1);
}

}  // namespace kolmo::process
