#include "kolmo/ode/moment_odes.hpp"

#include "kolmo/core/validate.hpp"
#include "kolmo/ode/integrate.hpp"

namespace kolmo::ode {

GaussianMoments linear_moments(const process::LinearSde& sde, const Eigen::VectorXd& mean0,
                               const Eigen::MatrixXd& covariance0, double t, const DormandPrince& method) {
  constexpr const char* where = "kolmo::ode::linear_moments";
  const Eigen::Index d = sde.dimension();
  require(mean0.size() == d, where, "mean0.size()", mean0.size(), "the SDE's dimension " + describe_value(d));
  require(covariance0.rows() == d && covariance0.cols() == d, where, "covariance0",
          describe_value(covariance0.rows()) + "x" + describe_value(covariance0.cols()),
          "a " + describe_value(d) + "x" + describe_value(d) + " matrix");
  require(mean0.allFinite() && covariance0.allFinite(), where, "mean0, covariance0", std::string_view("non-finite"),
          "finite entries");
  require_positive(where, "t", t);

  const Eigen::MatrixXd a = sde.drift_matrix();
  const Eigen::VectorXd b = sde.drift_offset();
  const Eigen::MatrixXd q = sde.noise_covariance();
  // One row per state; the state is (μ, vec Σ) with Σ stored column-major.
  const Flow moments("linear-moment-odes", static_cast<std::size_t>(d + d * d),
                     [a, b, q, d](double, const process::StateView& y) -> Eigen::ArrayXXd {
                       Eigen::ArrayXXd dydt(y.rows(), y.cols());
                       for (Eigen::Index r = 0; r < y.rows(); ++r) {
                         const Eigen::VectorXd mu = y.row(r).head(d).transpose();
                         const Eigen::MatrixXd sigma =
                             Eigen::Map<const Eigen::MatrixXd>(Eigen::VectorXd(y.row(r).tail(d * d).transpose()).data(), d, d);
                         const Eigen::MatrixXd dsigma = a * sigma + sigma * a.transpose() + q;
                         dydt.row(r).head(d) = (a * mu + b).transpose().array();
                         dydt.row(r).tail(d * d) = Eigen::Map<const Eigen::RowVectorXd>(dsigma.data(), d * d).array();
                       }
                       return dydt;
                     });
  Eigen::VectorXd y0(d + d * d);
  y0.head(d) = mean0;
  y0.tail(d * d) = Eigen::Map<const Eigen::VectorXd>(covariance0.data(), d * d);
  const TrajectorySolution result = integrate(moments, y0, 0.0, t, method);

  GaussianMoments out;
  out.status = result.status;
  out.mean = result.state.head(d);
  const Eigen::MatrixXd sigma = Eigen::Map<const Eigen::MatrixXd>(result.state.tail(d * d).data(), d, d);
  out.covariance = 0.5 * (sigma + sigma.transpose());
  return out;
}

}  // namespace kolmo::ode
