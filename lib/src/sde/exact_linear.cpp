#include "kolmo/sde/exact_linear.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <utility>

#include "scheme_support.hpp"

namespace kolmo::sde {
namespace {

class ExactLinearStepper final : public Stepper {
 public:
  ExactLinearStepper(const process::Sde& sde, process::LinearSde linear)
      : Stepper(sde), linear_(std::move(linear)) {}

  void step(double, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    if (h != cached_h_) cache_transition(h);
    // Rows are paths: x_pᵀ Φᵀ + cᵀ + z_pᵀ Lᵀ, with z = ΔW / sqrt|h| standard normal.
    const Eigen::MatrixXd z = noise.increments.matrix() / std::sqrt(std::abs(h));
    x = ((x.matrix() * propagator_transpose_).rowwise() + offset_ + z * root_transpose_).array();
  }

 private:
  void cache_transition(double h) {
    // h < 0 runs the reversed clock: the linear SDE with drift −(Ax + b).
    const process::LinearSde equation =
        h > 0 ? linear_
              : process::LinearSde(-linear_.drift_matrix(), -linear_.drift_offset(), linear_.diffusion_matrix());
    const process::GaussianTransition transition = equation.transition(std::abs(h));
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(transition.covariance);
    const Eigen::VectorXd root_values = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    root_transpose_ = (eigen.eigenvectors() * root_values.asDiagonal() * eigen.eigenvectors().transpose()).transpose();
    propagator_transpose_ = transition.propagator.transpose();
    offset_ = transition.offset.transpose();
    cached_h_ = h;
  }

  process::LinearSde linear_;
  double cached_h_ = 0.0;
  Eigen::MatrixXd propagator_transpose_;
  Eigen::RowVectorXd offset_;
  Eigen::MatrixXd root_transpose_;
};

}  // namespace

std::unique_ptr<Stepper> ExactLinear::make_stepper(const process::Sde& sde) const {
  require(static_cast<Eigen::Index>(sde.dimension()) == linear.dimension(), "kolmo::sde::ExactLinear",
          "linear.dimension()", linear.dimension(),
          "the SDE's dimension " + describe_value(sde.dimension()));
  return std::make_unique<ExactLinearStepper>(sde, linear);
}

}  // namespace kolmo::sde
