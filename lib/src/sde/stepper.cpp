#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

Eigen::ArrayXXd Stepper::drift(double t, const process::StateView& x) {
  drift_evaluations_ += static_cast<std::uint64_t>(x.rows());
  return sde_.drift(t, x);
}

Eigen::ArrayXXd Stepper::diffusion(double t, const process::StateView& x) {
  diffusion_evaluations_ += static_cast<std::uint64_t>(x.rows());
  return sde_.diffusion(t, x);
}

Eigen::ArrayXXd Stepper::diffusion_derivative(double t, const process::StateView& x) {
  return sde_.diffusion_derivative(t, x);
}

Eigen::ArrayXXd Stepper::diffusion_derivative_product(double t, const process::StateView& x, const Eigen::ArrayXXd& g) {
  return sde_.diffusion_derivative_product(t, x, &g);
}

Eigen::MatrixXd Stepper::diffusion_matrix(double t) {
  ++diffusion_evaluations_;
  return sde_.diffusion_matrix(t);
}

Eigen::ArrayXXd Stepper::diffusion_times(double t, const process::StateView& x, const Eigen::ArrayXXd& dw) {
  if (sde_.noise() == process::NoiseKind::additive) return times_increments({}, diffusion_matrix(t), dw);
  return times_increments(diffusion(t, x), {}, dw);
}

Eigen::ArrayXXd Stepper::times_increments(const Eigen::ArrayXXd& g, const Eigen::MatrixXd& g_matrix,
                                          const Eigen::ArrayXXd& dw) const {
  switch (sde_.noise()) {
    case process::NoiseKind::additive:
      if (g_matrix.size() == 1) return g_matrix(0, 0) * dw;  // scalar noise: no matrix product
      return (dw.matrix() * g_matrix.transpose()).array();  // row p: (G dW_p)ᵀ
    case process::NoiseKind::diagonal:
      return g * dw;
    case process::NoiseKind::general: {
      const auto d = static_cast<Eigen::Index>(sde_.dimension());
      Eigen::ArrayXXd out = Eigen::ArrayXXd::Zero(dw.rows(), d);
      for (Eigen::Index j = 0; j < dw.cols(); ++j) {
        for (Eigen::Index i = 0; i < d; ++i) out.col(i) += g.col(i + d * j) * dw.col(j);
      }
      return out;
    }
  }
  return {};
}

}  // namespace kolmo::sde
