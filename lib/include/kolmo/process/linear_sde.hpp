#pragma once
// The general linear (time-homogeneous) SDE with additive noise
//
//   dX_t = (A X_t + b) dt + G dW_t,   X ∈ R^d,  W ∈ R^m,  Q = G Gᵀ,
//
// and its exact Gaussian transition X_t | X_0 = x0 ~ N(Φ(t) x0 + c(t), Σ(t)) with
//
//   Φ(t) = e^{At},   c(t) = ∫_0^t e^{As} b ds,   Σ(t) = ∫_0^t e^{As} Q e^{Aᵀs} ds,
//
// computed by block matrix exponentials (Van Loan 1978, "Computing integrals involving the
// matrix exponential", IEEE TAC 23(3), Thm 1):
//
//   exp([[A, b], [0, 0]] t)   = [[Φ(t), c(t)], [0, 1]],
//   exp([[−A, Q], [0, Aᵀ]] t) = [[·, F12], [0, Φ(t)ᵀ]]   and   Σ(t) = Φ(t) F12,
//
// with Eigen's matrix exponential (scaling and squaring, Higham 2005). Σ(t) solves the moment
// ODE Σ' = AΣ + ΣAᵀ + Q, Σ(0) = 0; when every eigenvalue of A has negative real part the law
// tends to N(−A⁻¹b, Σ∞) with A Σ∞ + Σ∞ Aᵀ + Q = 0 (the Lyapunov equation).
// Multi-dimensional OU, Brownian motion with drift (A = 0) and the VP/VE forward processes with
// constant coefficients are all instances.

#include <Eigen/Dense>
#include <string>

#include "kolmo/process/sde.hpp"

namespace kolmo::process {

/// The law of X_t given X_0 = x0: N(propagator · x0 + offset, covariance).
struct GaussianTransition {
  Eigen::MatrixXd propagator;  ///< Φ(t) = e^{At}
  Eigen::VectorXd offset;      ///< c(t) = ∫_0^t e^{As} b ds
  Eigen::MatrixXd covariance;  ///< Σ(t), symmetric positive semi-definite

  [[nodiscard]] Eigen::VectorXd mean(const Eigen::VectorXd& x0) const { return propagator * x0 + offset; }
};

class LinearSde {
 public:
  /// Throws kolmo::Error unless drift_matrix is d×d (d >= 1), drift_offset has d entries,
  /// diffusion_matrix is d×m (m >= 1), and every entry is finite.
  LinearSde(Eigen::MatrixXd drift_matrix, Eigen::VectorXd drift_offset, Eigen::MatrixXd diffusion_matrix);

  /// Brownian motion with drift, dX = v dt + G dW (A = 0): X_t = x0 + v t + G W_t on every path.
  static LinearSde brownian_motion(Eigen::VectorXd velocity, Eigen::MatrixXd diffusion_matrix);
  /// The multi-dimensional Ornstein–Uhlenbeck process dX = Θ(μ − X) dt + G dW (A = −Θ, b = Θμ).
  static LinearSde ornstein_uhlenbeck(const Eigen::MatrixXd& theta, const Eigen::VectorXd& mu,
                                      Eigen::MatrixXd diffusion_matrix);

  /// The equation as data for kolmo::sde::solve: additive noise, ∇·f = tr A.
  [[nodiscard]] Sde sde(std::string name = "linear-sde") const;

  [[nodiscard]] Eigen::Index dimension() const { return drift_matrix_.rows(); }
  [[nodiscard]] Eigen::Index noise_dimension() const { return diffusion_matrix_.cols(); }
  [[nodiscard]] const Eigen::MatrixXd& drift_matrix() const { return drift_matrix_; }
  [[nodiscard]] const Eigen::VectorXd& drift_offset() const { return drift_offset_; }
  [[nodiscard]] const Eigen::MatrixXd& diffusion_matrix() const { return diffusion_matrix_; }
  /// Q = G Gᵀ, the diffusion coefficient's outer product (twice the D of the Fokker–Planck equation).
  [[nodiscard]] const Eigen::MatrixXd& noise_covariance() const { return noise_covariance_; }

  /// f(x) = A x + b. Throws kolmo::Error if x has the wrong size.
  [[nodiscard]] Eigen::VectorXd drift(const Eigen::VectorXd& x) const;

  /// The exact transition over a time t >= 0 (finite); throws kolmo::Error otherwise.
  [[nodiscard]] GaussianTransition transition(double t) const;

  /// True when every eigenvalue of A has negative real part, so a stationary law exists.
  [[nodiscard]] bool is_stable() const;
  /// −A⁻¹ b. Throws kolmo::Error unless is_stable().
  [[nodiscard]] Eigen::VectorXd stationary_mean() const;
  /// Σ∞ solving A Σ∞ + Σ∞ Aᵀ + Q = 0, by the Kronecker form (I⊗A + A⊗I) vec Σ∞ = −vec Q:
  /// O(d⁶) work, meant for the small d of verification problems. Throws unless is_stable().
  [[nodiscard]] Eigen::MatrixXd stationary_covariance() const;

 private:
  void require_stable(const char* where) const;

  Eigen::MatrixXd drift_matrix_;
  Eigen::VectorXd drift_offset_;
  Eigen::MatrixXd diffusion_matrix_;
  Eigen::MatrixXd noise_covariance_;
};

}  // namespace kolmo::process
