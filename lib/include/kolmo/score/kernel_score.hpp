#pragma once
// A kernel score estimator fitted by implicit score matching in closed form (the "lite" kernel
// exponential family of Strathmann et al. 2015, §4; Sriperumbudur et al. 2017 for the full model):
//
//   f(x) = Σ_j a_j k(x, c_j),   s(x) = ∇f(x) = Σ_j a_j ∇_x k(x, c_j),
//   k(x, y) = exp(−|x − y|²/(2ℓ²)),  ∇_x k = −k (x − y)/ℓ²,  Δ_x k = k (|x − y|²/ℓ⁴ − d/ℓ²),
//
// with centres c_j the first m data points. The ISM loss on the data x_1…x_n is quadratic in a:
//
//   J(a) = (1/n) Σ_i [∇·s(x_i) + ½ |s(x_i)|²] = bᵀa + ½ aᵀ G a,
//   b_j = (1/n) Σ_i Δ_x k(x_i, c_j),  G_jl = (1/n) Σ_i ∇_x k(x_i, c_j) · ∇_x k(x_i, c_l),
//
// and with a ridge ½ λ |a|² its minimiser solves (G + λ I) a = −b (Eigen's Cholesky LLᵀ, G + λI
// being symmetric positive definite for λ > 0). The fit reports J(a), the ridge-penalised
// value and the solve's relative residual |(G + λI) a + b| / |b|.
//
// The model is time-independent (it ignores t) and supplies its exact divergence and
// Jacobian–vector product:
//   ∇·s = Σ_j a_j k_j (|x − c_j|²/ℓ⁴ − d/ℓ²),  ∇s v = −Σ_j a_j k_j [v/ℓ² − (x − c_j)((x − c_j)·v)/ℓ⁴].
//
// Bandwidth: given, or the median heuristic (Gretton et al. 2012, §8): ℓ = the median distance
// between pairs of the first 1000 data points.

#include <Eigen/Core>
#include <cstddef>

#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

struct KernelScoreOptions {
  double bandwidth = 0.0;        ///< ℓ > 0, or 0 for the median heuristic
  double ridge = 1e-3;           ///< λ > 0
  std::size_t basis_points = 0;  ///< m centres (the first m rows); 0 = every data point
};

struct KernelScoreFit {
  ScoreModel model;
  Eigen::VectorXd coefficients;  ///< a
  Eigen::ArrayXXd centres;       ///< m × d
  double bandwidth = 0.0;        ///< ℓ used
  double ism_loss = 0.0;         ///< J(a) on the data
  double regularised_loss = 0.0; ///< J(a) + ½ λ |a|²
  double relative_residual = 0.0;
};

/// Fits to `data` (n × d, n ≥ 2, finite). Throws kolmo::Error on empty or non-finite data, a
/// negative or non-finite bandwidth, a ridge ≤ 0, more basis points than data, or a data set
/// whose pairwise distances are all 0 (no median bandwidth).
[[nodiscard]] KernelScoreFit fit_kernel_score(const Eigen::ArrayXXd& data, const KernelScoreOptions& options = {});

}  // namespace kolmo::score
