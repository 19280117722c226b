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
// Numerics. Each component covariance is factorised once, C_k = V_k Λ_k V_kᵀ (symmetric
// eigendecomposition): Λ_k gives log det C_k and the positive semi-definiteness check, V_k Λ_k⁻¹ V_kᵀ
// the precision C_k⁻¹, V_k Λ_k^{1/2} V_kᵀ the sampling root. noised() maps the factors without a
// new decomposition, Λ ↦ α² Λ + σ², V unchanged. C_k counts as singular when its smallest
// eigenvalue is at most d · ε · (largest eigenvalue) — below the absolute error ε‖C_k‖ of a
// computed eigenvalue, the standard numerical-rank threshold (Golub & Van Loan 2013, §5.4.1).
// The density functions evaluate the batch in tiles of a few hundred points, component by
// component (residuals, the product with C_k⁻¹, the quadratic form), in loops over the points
// that vectorise (lib/src/distribution/mixture_tiles.hpp), and combine the components with
// log-sum-exp so that no term underflows. Far from every mean (|x| beyond ~1e150) the quadratic
// forms overflow: log p is then −inf (the true value is below the smallest double's logarithm),
// while the posterior weights, score and score divergence stay finite, from the differences of
// the quadratic forms (far_point_posterior).
//
// Batches follow process/sde.hpp: points are n × d, one row per point.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kolmo/process/sde.hpp"

namespace kolmo::distribution {

namespace detail {
struct MixtureConstants;
class MixtureTile;
}  // namespace detail

class GaussianMixture {
 public:
  /// Throws kolmo::Error naming the component: weights not positive or not summing to 1
  /// (to max(1e-12, K ε), the rounding of a K-term sum), means of the wrong length or not
  /// finite, a covariance not d × d, not finite, not symmetric (to 1e-12 relative) or not positive
  /// semi-definite (smallest eigenvalue below −d ε times the largest), or no components.
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

  /// Whether every C_k is positive definite, i.e. p has a density (see the header comment).
  [[nodiscard]] bool has_density() const;

  /// The density functions below throw kolmo::Error when points has d ≠ dimension() columns,
  /// a non-finite entry, or when !has_density() (naming the singular component).
  /// log p at each point: n × 1.
  [[nodiscard]] Eigen::ArrayXd log_density(const process::StateView& points) const;
  /// ∇log p: n × d.
  [[nodiscard]] Eigen::ArrayXXd score(const process::StateView& points) const;
  /// ∇·∇log p = Δ log p: n × 1.
  [[nodiscard]] Eigen::ArrayXd score_divergence(const process::StateView& points) const;
  /// The score's Jacobian (the Hessian of log p) applied to K ≥ 1 directions per point: row k n + i
  /// is ∇²log p(x_i) v_{k n + i}, K n × d for directions K n × d (direction k of point i in row
  /// k n + i; K = 1 is one direction per row). Each point's posterior is formed once for its K
  /// directions, which is what Hutchinson's K probes need. From ∇r_k = r_k (s_k − ∇log p):
  ///   ∇²log p v = Σ_k r_k [−C_k⁻¹ v + (s_k − ∇log p) ((s_k − ∇log p) · v)].
  [[nodiscard]] Eigen::ArrayXXd score_jacobian_product(const process::StateView& points,
                                                      const process::StateView& directions) const;
  /// Hutchinson's quadratic forms of the score's Jacobian for K ≥ 1 directions per point, laid out
  /// as for score_jacobian_product: entry (i, k) is zᵀ ∇²log p(x_i) z for z = row k n + i of the
  /// directions, n × K. The same posterior terms, without forming the products:
  ///   zᵀ ∇²log p z = Σ_k r_k [((s_k − ∇log p) · z)² − zᵀ C_k⁻¹ z].
  [[nodiscard]] Eigen::ArrayXXd score_jacobian_quadratic_forms(const process::StateView& points,
                                                              const process::StateView& directions) const;
  /// Posterior component probabilities r_k(x) = w_k N(x; μ_k, C_k) / p(x): n × K.
  [[nodiscard]] Eigen::ArrayXXd responsibilities(const process::StateView& points) const;
  /// The CDF in 1-D (throws for d > 1), Σ_k w_k Φ((x − m_k)/√Σ_k); a zero-variance component
  /// contributes the right-continuous step 1{x ≥ m_k}.
  [[nodiscard]] Eigen::ArrayXd cdf(const Eigen::ArrayXd& x) const;

  /// Draws for paths [first_path, first_path + count), count × d, at Purpose::initial_state (so
  /// it serves as an ensemble::InitialLaw::custom sampler): the point from the normals at components
  /// 0..d−1 and the component index from the uniform at component d — pure functions of
  /// (seed, path), bit-identical for any `threads`.
  [[nodiscard]] Eigen::ArrayXXd sample(std::uint64_t seed, std::uint64_t first_path, std::size_t count,
                                       int threads = 1) const;

 private:
  /// The factors of one component covariance C = V Λ Vᵀ and what the density needs from them.
  struct Factor {
    Eigen::VectorXd eigenvalues;   ///< Λ (entries ≥ −d ε max Λ)
    Eigen::MatrixXd eigenvectors;  ///< V, orthogonal
    bool singular = true;          ///< smallest eigenvalue ≤ d ε · largest: no density
    Eigen::MatrixXd precision;     ///< C⁻¹ (empty when singular)
    double log_normaliser = 0.0;   ///< −½ (d log 2π + log det C)
    double precision_trace = 0.0;  ///< tr C⁻¹
  };
  GaussianMixture(std::vector<double> weights, std::vector<Eigen::VectorXd> means,
                  std::vector<Eigen::MatrixXd> covariances, std::vector<Factor> factors);
  static Factor factor(Eigen::VectorXd eigenvalues, Eigen::MatrixXd eigenvectors);
  void check_points(const process::StateView& points, const char* where) const;
  [[nodiscard]] detail::MixtureConstants constants() const;
  /// r_k at a point so far from every mean that all log(w_k N_k) underflow to −inf.
  [[nodiscard]] Eigen::ArrayXd far_point_posterior(const Eigen::VectorXd& x) const;
  /// Checks the points, then calls consume(first_row, tile) for consecutive tiles of rows
  /// (lib/src/distribution/mixture_tiles.hpp), far points' posteriors mended.
  template <class Consume>
  void for_each_tile(const process::StateView& points, const char* where, Consume consume) const;

  std::vector<double> weights_;
  std::vector<Eigen::VectorXd> means_;
  std::vector<Eigen::MatrixXd> covariances_;
  std::vector<Factor> factors_;
};

}  // namespace kolmo::distribution
