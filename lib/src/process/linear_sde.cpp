#include "kolmo/process/linear_sde.hpp"

#include <string>
#include <utility>

#include <unsupported/Eigen/MatrixFunctions>

#include "kolmo/core/validate.hpp"

namespace kolmo::process {
namespace {

constexpr const char* class_name = "kolmo::process::LinearSde";

std::string shape(const Eigen::MatrixXd& m) { return std::to_string(m.rows()) + "x" + std::to_string(m.cols()); }

void require_all_finite(const Eigen::MatrixXd& m, const char* parameter) {
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      if (!std::isfinite(m(i, j))) {
        require_finite(class_name,
                       std::string(parameter) + "(" + std::to_string(i) + ", " + std::to_string(j) + ")", m(i, j));
      }
    }
  }
}

}  // namespace

LinearSde::LinearSde(Eigen::MatrixXd drift_matrix, Eigen::VectorXd drift_offset, Eigen::MatrixXd diffusion_matrix)
    : drift_matrix_(std::move(drift_matrix)),
      drift_offset_(std::move(drift_offset)),
      diffusion_matrix_(std::move(diffusion_matrix)) {
  const Eigen::Index d = drift_matrix_.rows();
  require(d >= 1 && drift_matrix_.cols() == d, class_name, "drift_matrix", shape(drift_matrix_),
          "a square d x d matrix with d >= 1");
  require(drift_offset_.size() == d, class_name, "drift_offset.size()", drift_offset_.size(),
          "d = " + std::to_string(d));
  require(diffusion_matrix_.rows() == d && diffusion_matrix_.cols() >= 1, class_name, "diffusion_matrix",
          shape(diffusion_matrix_), "d x m with d = " + std::to_string(d) + " and m >= 1");
  require_all_finite(drift_matrix_, "drift_matrix");
  require_all_finite(drift_offset_, "drift_offset");
  require_all_finite(diffusion_matrix_, "diffusion_matrix");
  noise_covariance_ = diffusion_matrix_ * diffusion_matrix_.transpose();
}

LinearSde LinearSde::brownian_motion(Eigen::VectorXd velocity, Eigen::MatrixXd diffusion_matrix) {
  const auto d = velocity.size();
  return LinearSde(Eigen::MatrixXd::Zero(d, d), std::move(velocity), std::move(diffusion_matrix));
}

LinearSde LinearSde::ornstein_uhlenbeck(const Eigen::MatrixXd& theta, const Eigen::VectorXd& mu,
                                        Eigen::MatrixXd diffusion_matrix) {
  constexpr const char* where = "kolmo::process::LinearSde::ornstein_uhlenbeck";
  require(theta.rows() == theta.cols() && theta.rows() == mu.size(), where, "theta",
          describe_value(theta.rows()) + "x" + describe_value(theta.cols()),
          "a square matrix matching mu (size " + describe_value(mu.size()) + ")");
  return LinearSde(-theta, theta * mu, std::move(diffusion_matrix));
}

Sde LinearSde::sde(std::string name) const {
  const Eigen::MatrixXd a_transpose = drift_matrix_.transpose();
  const Eigen::RowVectorXd b = drift_offset_.transpose();
  const Eigen::MatrixXd g = diffusion_matrix_;
  const double trace = drift_matrix_.trace();
  // Rows are paths: f(x_p)ᵀ = x_pᵀ Aᵀ + bᵀ.
  return Sde::additive(
             std::move(name), static_cast<std::size_t>(dimension()), static_cast<std::size_t>(noise_dimension()),
             [a_transpose, b](double, const StateView& x) -> Eigen::ArrayXXd {
               return ((x.matrix() * a_transpose).rowwise() + b).array();
             },
             [g](double) -> Eigen::MatrixXd { return g; })
      .with_drift_divergence([trace](double, const StateView& x) -> Eigen::ArrayXXd {
        return Eigen::ArrayXXd::Constant(x.rows(), 1, trace);
      })
      .with_time_dependence(TimeDependence::autonomous);
}

Eigen::VectorXd LinearSde::drift(const Eigen::VectorXd& x) const {
  require(x.size() == dimension(), "kolmo::process::LinearSde::drift", "x.size()", x.size(),
          "d = " + std::to_string(dimension()));
  return drift_matrix_ * x + drift_offset_;
}

GaussianTransition LinearSde::transition(double t) const {
  require_non_negative("kolmo::process::LinearSde::transition", "t", t);
  const Eigen::Index d = dimension();

  // Mean: exp([[A, b], [0, 0]] t) = [[Φ, c], [0, 1]].
  Eigen::MatrixXd affine = Eigen::MatrixXd::Zero(d + 1, d + 1);
  affine.topLeftCorner(d, d) = drift_matrix_ * t;
  affine.topRightCorner(d, 1) = drift_offset_ * t;
  const Eigen::MatrixXd affine_exp = affine.exp();

  // Covariance: exp([[−A, Q], [0, Aᵀ]] t) = [[·, F12], [0, Φᵀ]], Σ = Φ F12 (Van Loan 1978).
  Eigen::MatrixXd van_loan = Eigen::MatrixXd::Zero(2 * d, 2 * d);
  van_loan.topLeftCorner(d, d) = -drift_matrix_ * t;
  van_loan.topRightCorner(d, d) = noise_covariance_ * t;
  van_loan.bottomRightCorner(d, d) = drift_matrix_.transpose() * t;
  const Eigen::MatrixXd van_loan_exp = van_loan.exp();

  GaussianTransition transition;
  transition.propagator = affine_exp.topLeftCorner(d, d);
  transition.offset = affine_exp.topRightCorner(d, 1);
  const Eigen::MatrixXd covariance = van_loan_exp.bottomRightCorner(d, d).transpose() * van_loan_exp.topRightCorner(d, d);
  transition.covariance = (covariance + covariance.transpose()) / 2;  // symmetric to the last bit
  return transition;
}

bool LinearSde::is_stable() const {
  return (drift_matrix_.eigenvalues().real().array() < 0).all();
}

void LinearSde::require_stable(const char* where) const {
  require(is_stable(), where, "drift_matrix", "with max Re(eigenvalue) = " +
                                                   describe_value(drift_matrix_.eigenvalues().real().maxCoeff()),
          "every eigenvalue with negative real part (no stationary law otherwise)");
}

Eigen::VectorXd LinearSde::stationary_mean() const {
  require_stable("kolmo::process::LinearSde::stationary_mean");
  return -drift_matrix_.partialPivLu().solve(drift_offset_);
}

Eigen::MatrixXd LinearSde::stationary_covariance() const {
  require_stable("kolmo::process::LinearSde::stationary_covariance");
  const Eigen::Index d = dimension();
  const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(d, d);
  // Column-major vec: vec(AΣ) = (I⊗A) vec Σ, vec(ΣAᵀ) = (A⊗I) vec Σ.
  Eigen::MatrixXd kronecker_sum(d * d, d * d);
  for (Eigen::Index i = 0; i < d; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) {
      kronecker_sum.block(i * d, j * d, d, d) = (i == j ? drift_matrix_ : Eigen::MatrixXd::Zero(d, d)) +
                                                drift_matrix_(i, j) * identity;
    }
  }
  const Eigen::VectorXd vec_q = Eigen::Map<const Eigen::VectorXd>(noise_covariance_.data(), d * d);
  const Eigen::VectorXd vec_sigma = kronecker_sum.partialPivLu().solve(-vec_q);
  const Eigen::MatrixXd sigma = Eigen::Map<const Eigen::MatrixXd>(vec_sigma.data(), d, d);
  return (sigma + sigma.transpose()) / 2;
}

}  // namespace kolmo::process
