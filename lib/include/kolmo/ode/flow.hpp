#pragma once
// An ODE flow dx/dt = v(t, x) as data, evaluated on batches of states like an SDE's drift
// (process/sde.hpp layout: one row per path), with the extras log-density transport and stiff
// integrators need:
//   divergence  ∇·v (paths × 1), for the instantaneous change of variables
//               d log p(x(t), t)/dt = −∇·v(t, x(t))   (Chen et al. 2018, "Neural ODEs", Thm 1);
//   jacobian    ∂v/∂x at one state (d × d), for Rosenbrock steppers and exact traces;
//   jacobian_vector_product   ∂v/∂x (x_p) z_p per row (paths × d), for Hutchinson's trace
//               estimate zᵀ (∂v/∂x) z on a batch without forming the matrix; z may hold K probes
//               per path, stacked direction-major (process::stacked_directions), which a flow
//               supplied with_stacked_jacobian_vector_product takes in one call;
//   jacobian_quadratic_forms  z_kᵀ (∂v/∂x) z_k for K probes per path (paths × K), the estimates
//               themselves: fused when supplied (with_jacobian_quadratic_forms; the probability
//               flow of a mixture score never forms the K paths × d products), otherwise the
//               Jacobian–vector product dotted with z.
// The probability-flow ODE of a diffusion is such a flow; so is the drift of any SDE
// (Flow::drift_of), e.g. the linear flow dx/dt = A x + b behind the Liouville check.

#include <Eigen/Core>
#include <functional>
#include <string>

#include "kolmo/process/sde.hpp"

namespace kolmo::ode {

/// ∂v/∂x at (t, x) for one state x (d entries): a d × d matrix.
using Jacobian = std::function<Eigen::MatrixXd(double t, const Eigen::VectorXd& x)>;

class Flow {
 public:
  /// Throws kolmo::Error on an empty name or velocity, or dimension 0.
  Flow(std::string name, std::size_t dimension, process::BatchCoefficient velocity);
  /// The drift of `sde` as a flow, with its divergence when the SDE supplies one.
  static Flow drift_of(const process::Sde& sde);

  Flow& with_divergence(process::BatchCoefficient divergence);
  Flow& with_jacobian(Jacobian jacobian);
  /// ∂v/∂x z called with one direction per row (z paths × d).
  Flow& with_jacobian_vector_product(process::DirectionalCoefficient product);
  /// ∂v/∂x z called with K ≥ 1 directions per path in one call (z K paths × d, direction-major).
  Flow& with_stacked_jacobian_vector_product(process::DirectionalCoefficient product);
  /// z_kᵀ (∂v/∂x) z_k directly: (t, x paths × d, z K paths × d direction-major) -> paths × K.
  /// Must equal the Jacobian–vector product dotted with z.
  Flow& with_jacobian_quadratic_forms(process::DirectionalCoefficient forms);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] std::size_t dimension() const { return dimension_; }
  [[nodiscard]] bool has_divergence() const { return static_cast<bool>(divergence_); }
  [[nodiscard]] bool has_jacobian() const { return static_cast<bool>(jacobian_); }
  [[nodiscard]] bool has_jacobian_vector_product() const { return static_cast<bool>(jacobian_vector_product_); }
  /// Supplied fused, or computable from the Jacobian–vector product.
  [[nodiscard]] bool has_jacobian_quadratic_forms() const {
    return static_cast<bool>(jacobian_quadratic_forms_) || has_jacobian_vector_product();
  }

  /// v(t, x): paths × d (shape checked, like Sde::drift).
  [[nodiscard]] Eigen::ArrayXXd velocity(double t, const process::StateView& x) const;
  /// ∇·v: paths × 1. Throws unless supplied.
  [[nodiscard]] Eigen::ArrayXXd divergence(double t, const process::StateView& x) const;
  /// ∂v/∂x at one state: d × d. Throws unless supplied.
  [[nodiscard]] Eigen::MatrixXd jacobian(double t, const Eigen::VectorXd& x) const;
  /// ∂v/∂x (x_p) z per direction: z paths × d, or K paths × d with K directions per path stacked
  /// direction-major; the result has z's shape (shapes checked). Throws unless supplied.
  [[nodiscard]] Eigen::ArrayXXd jacobian_vector_product(double t, const process::StateView& x,
                                                        const process::StateView& z) const;
  /// z_kᵀ (∂v/∂x)(x_p) z_k: paths × K for z K paths × d stacked direction-major (K ≥ 1); the fused
  /// forms when supplied, else the product dotted with z (shapes checked). Throws unless one of
  /// the two was supplied.
  [[nodiscard]] Eigen::ArrayXXd jacobian_quadratic_forms(double t, const process::StateView& x,
                                                         const process::StateView& z) const;

 private:
  std::string name_;
  std::size_t dimension_;
  process::BatchCoefficient velocity_;
  process::BatchCoefficient divergence_;
  Jacobian jacobian_;
  process::DirectionalCoefficient jacobian_vector_product_;
  process::DirectionalCoefficient jacobian_quadratic_forms_;
};

}  // namespace kolmo::ode
