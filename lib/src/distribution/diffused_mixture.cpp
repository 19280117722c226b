#include "kolmo/distribution/diffused_mixture.hpp"

#include <Eigen/Cholesky>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::distribution {

DiffusedMixture::DiffusedMixture(GaussianMixture data, process::NoiseSchedule schedule)
    : data_(std::move(data)), schedule_(std::move(schedule)) {}

GaussianMixture DiffusedMixture::marginal(double t) const {
  require_closed_interval("kolmo::distribution::DiffusedMixture", "t", t, 0.0, schedule_.horizon());
  return data_.noised(schedule_.alpha(t), schedule_.sigma(t));
}

Eigen::ArrayXd DiffusedMixture::log_density(double t, const process::StateView& x) const {
  return marginal(t).log_density(x);
}

Eigen::ArrayXXd DiffusedMixture::score(double t, const process::StateView& x) const { return marginal(t).score(x); }

Eigen::ArrayXd DiffusedMixture::score_divergence(double t, const process::StateView& x) const {
  return marginal(t).score_divergence(x);
}

Eigen::ArrayXXd DiffusedMixture::score_jacobian_product(double t, const process::StateView& x,
                                                       const process::StateView& v) const {
  return marginal(t).score_jacobian_product(x, v);
}

Eigen::ArrayXXd DiffusedMixture::score_jacobian_quadratic_forms(double t, const process::StateView& x,
                                                               const process::StateView& z) const {
  return marginal(t).score_jacobian_quadratic_forms(x, z);
}

Eigen::ArrayXXd DiffusedMixture::posterior_mean(double t, const process::StateView& x) const {
  // Given the component k, (X_0, X_t) is jointly Gaussian with Cov(X_0, X_t) = α Σ_k and
  // Var X_t = C_k = α² Σ_k + σ² I, so E[X_0 | x, k] = m_k + α Σ_k C_k⁻¹ (x − α m_k) (Bishop 2006,
  // eq. 2.81); the component posterior is r_k(x) of p_t. C_k⁻¹ is applied by its own Cholesky
  // factor, apart from the eigen-factors the score uses.
  const GaussianMixture p_t = marginal(t);
  const double alpha = schedule_.alpha(t);
  const Eigen::ArrayXXd r = p_t.responsibilities(x);
  Eigen::ArrayXXd mean = Eigen::ArrayXXd::Zero(x.rows(), x.cols());
  for (std::size_t k = 0; k < data_.components(); ++k) {
    const Eigen::LLT<Eigen::MatrixXd> c_k(p_t.covariances()[k]);
    const Eigen::MatrixXd residual = (x.rowwise() - p_t.means()[k].transpose().array()).matrix();
    const Eigen::MatrixXd gain = c_k.solve(residual.transpose());  // C_k⁻¹ (x − α m_k), d × n
    const Eigen::MatrixXd shift = alpha * (data_.covariances()[k] * gain).transpose();
    mean += (shift.rowwise() + data_.means()[k].transpose()).array().colwise() * r.col(static_cast<Eigen::Index>(k));
  }
  return mean;
}

Eigen::ArrayXXd DiffusedMixture::epsilon(double t, const process::StateView& x) const {
  const Eigen::ArrayXXd s = score(t, x);  // checks t before the schedule is asked
  return -schedule_.sigma(t) * s;
}

Eigen::ArrayXXd DiffusedMixture::velocity(double t, const process::StateView& x) const {
  const Eigen::ArrayXXd epsilon_hat = epsilon(t, x), data_hat = posterior_mean(t, x);
  return schedule_.alpha(t) * epsilon_hat - schedule_.sigma(t) * data_hat;
}

}  // namespace kolmo::distribution
