#pragma once
// A Gaussian mixture in d dimensions with full covariances,
//
//   p(x) = Σ_k w_k N(x; m_k, Σ_k),   w_k > 0, Σ w_k = 1, Σ_k symmetric positive semi-definite,
//
// and everything a diffusion model needs from it in closed form. Under a forward process that
// is affine in the data, X_t = α X_0 + σ ε with ε ~ N(0, I) independent (process/noise_schedule.hpp),
// the marginal is again a mixture with components N(α m_k, α² Σ_k + σ² I) (noised()). For any
// mixture with positive-definite component covariances C_k:
//
//   log p(x)       = log Σ_k w_k N(x; μ_k, C_k)                          (log-sum-exp)
//   ∇log p(x)      = Σ_k r_k(x) s_k(x),   s_k = −C_k⁻¹ (x − μ_k),  r_k = posterior weights
//   Δlog p(x)      = Σ_k r_k (−tr C_k⁻¹ + |s_k|²) − |∇log p|²           (divergence of the score)
//
// The empirical distribution of a finite data set (empirical()) is the zero-covariance case: its
// noised marginal at σ > 0 is an isotropic mixture and its Tweedie denoiser is the "ideal
// denoiser" (Karras et al. 2022, App. B.3). A singular C_k (σ = 0 with a singular Σ_k) has no
// density; the density functions then throw kolmo::Error.
//
// Batches follow process/sde.hpp: points are n × d, one row per point.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kolmo/process/sde.hpp"

namespace kolmo::distribution {

class GaussianMixture {
 public:
  /// Throws kolmo::Error naming the component: weights not positive or not summing to 1
  /// (to 1e-12), means of the wrong length, a covariance not symmetric or not positive
  /// semi-definite (Eigen's LDLT), or no components.
  GaussianMixture(std::vector<double> weights, std::vector<Eigen::VectorXd> means,
                  std::vector<Eigen::MatrixXd> covariances);
  /// One Gaussian N(mean, covariance).
  static GaussianMixture gaussian(const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance);
  /// The empirical law of the rows of `data` (n × d, finite): equal weights, zero covariances.
  static GaussianMixture empirical(const Eigen::ArrayXXd& data);

  [[nodiscard]] std::size_t dimension() const;
  [[nodiscard]] std::size_t components() const;
  [[nodiscard]] const std::vector<double>& weights() const;
  [[nodiscard]] const std::vector<Eigen::VectorXd>& means() const;
  [[nodiscard]] const std::vector<Eigen::MatrixXd>& covariances() const;
  [[nodiscard]] Eigen::VectorXd mean() const;
  [[nodiscard]] Eigen::MatrixXd covariance() const;

  /// The law of α X + σ ε (ε ~ N(0, I) independent of X): components N(α m_k, α² Σ_k + σ² I).
  /// Throws unless α and σ are finite and σ ≥ 0.
  [[nodiscard]] GaussianMixture noised(double alpha, double sigma) const;

  /// log p at each point: n × 1.
  [[nodiscard]] Eigen::ArrayXd log_density(const process::StateView& points) const;
  /// ∇log p: n × d.
  [[nodiscard]] Eigen::ArrayXXd score(const process::StateView& points) const;
  /// ∇·∇log p = Δ log p: n × 1.
  [[nodiscard]] Eigen::ArrayXd score_divergence(const process::StateView& points) const;
  /// The CDF in 1-D (throws for d > 1).
  [[nodiscard]] Eigen::ArrayXd cdf(const Eigen::ArrayXd& x) const;

  /// Draws for paths [first_path, first_path + count), count × d, at Purpose::initial_state (so
  /// it serves as an sde::InitialLaw::custom sampler): the point from the normals at components
  /// 0..d−1 and the component index from the uniform at component d — pure functions of
  /// (seed, path), bit-identical for any `threads`.
  [[nodiscard]] Eigen::ArrayXXd sample(std::uint64_t seed, std::uint64_t first_path, std::size_t count,
                                       int threads = 1) const;

 private:
  std::vector<double> weights_;
  std::vector<Eigen::VectorXd> means_;
  std::vector<Eigen::MatrixXd> covariances_;
};

}  // namespace kolmo::distribution
