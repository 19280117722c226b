#include "kolmo/distribution/gaussian_kl.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::distribution {

double gaussian_kl(const GaussianMixture& q, const GaussianMixture& p) {
  constexpr const char* where = "kolmo::distribution::gaussian_kl";
  require(q.components() == 1, where, "q.components()", q.components(), "one Gaussian component");
  require(p.components() == 1, where, "p.components()", p.components(), "one Gaussian component");
  require(q.dimension() == p.dimension(), where, "q.dimension()", q.dimension(),
          "p's dimension " + std::to_string(p.dimension()));
  const Eigen::LLT<Eigen::MatrixXd> p_factor(p.covariances()[0]), q_factor(q.covariances()[0]);
  require(p_factor.info() == Eigen::Success, where, "p.covariances()[0]", "singular", "a positive-definite covariance");
  require(q_factor.info() == Eigen::Success, where, "q.covariances()[0]", "singular", "a positive-definite covariance");
  const Eigen::VectorXd difference = p.means()[0] - q.means()[0];
  const double trace = p_factor.solve(q.covariances()[0]).trace();
  const double mahalanobis = difference.dot(p_factor.solve(difference));
  const auto log_det = [](const Eigen::LLT<Eigen::MatrixXd>& factor) {
    return 2.0 * factor.matrixLLT().diagonal().array().log().sum();
  };
  return 0.5 * (trace + mahalanobis - static_cast<double>(q.dimension()) + log_det(p_factor) - log_det(q_factor));
}

}  // namespace kolmo::distribution
