#pragma once
// Internal: the Gaussian-mixture density functions of distribution/gaussian_mixture.hpp on tiles
// of a few hundred points, as loops over points that vectorise (one point per vector lane) and
// are compiled once per instruction set (core/vector_clones.hpp). A tile's quantities live in
// one workspace laid out component-major and point-minor — x_j, s_kj, log terms and posterior
// weights are each a contiguous run over the tile's points — so that no temporaries are allocated
// per call, and the small d × d products of d ≤ 3 mixtures are written out rather than handed
// to a matrix–matrix kernel built for large operands (measured: docs/measurements.md, "Mixture
// score kernels"). The formulas are those of gaussian_mixture.hpp:
//
//   r = x − μ_k,  s_k = −C_k⁻¹ r,  log(w_k N(x; μ_k, C_k)) = log w_k − ½ (d log 2π + log det C_k) + ½ r · s_k,
//   posterior r_k = soft-max over k of the log terms (exp_nonpositive.hpp), ∇log p = Σ_k r_k s_k.
//
// The files are compiled with -ffp-contract=off and sum in a fixed order, so every clone gives the
// baseline's bits.

#include <cstddef>
#include <memory>
#include <vector>

namespace kolmo::distribution::detail {

/// The constants of a mixture with K components in d dimensions, flattened for the kernels.
struct MixtureConstants {
  std::size_t components = 0;           ///< K
  std::size_t dimension = 0;            ///< d
  std::vector<double> means;            ///< μ_kj at k d + j
  std::vector<double> precisions;       ///< (C_k⁻¹)_jl at (k d + j) d + l
  std::vector<double> log_constants;    ///< log w_k − ½ (d log 2π + log det C_k)
  std::vector<double> precision_traces; ///< tr C_k⁻¹
};

/// One tile's workspace and results: up to `capacity` points, each quantity a run of `capacity`
/// doubles over the points.
class MixtureTile {
 public:
  MixtureTile(const MixtureConstants& constants, std::size_t capacity);

  /// Fills the tile from `rows` ≤ capacity points, point i's coordinate j at x[j stride + i];
  /// returns false when some point's posterior is not finite (every log term −inf, or one NaN
  /// from overflowing products): the caller mends those rows' posterior
  /// (gaussian_mixture.cpp's far_point_posterior) before the functions below.
  bool evaluate(const double* x, std::ptrdiff_t stride, std::size_t rows);

  [[nodiscard]] std::size_t rows() const { return rows_; }
  [[nodiscard]] const MixtureConstants& constants() const { return *constants_; }
  /// Whether point i's posterior is finite (after evaluate()).
  [[nodiscard]] bool finite(std::size_t i) const;
  /// Sets point i's posterior weights r_0 … r_{K−1}.
  void set_posterior(std::size_t i, const double* weights);

  /// ∇log p = Σ_k r_k s_k into out[j out_stride + i].
  void score(double* out, std::ptrdiff_t out_stride);
  /// Δlog p = Σ_k r_k (|s_k − ∇log p|² − tr C_k⁻¹), components with r_k = 0 left out (so that a
  /// far point's negligible components cannot contribute 0 · inf), into out[i].
  void score_divergence(double* out);
  /// ∇²log p v = Σ_k r_k [(s_k − ∇log p)((s_k − ∇log p) · v) − C_k⁻¹ v], components with r_k = 0
  /// left out, for v[j v_stride + i], into out[j out_stride + i].
  void score_jacobian_product(const double* v, std::ptrdiff_t v_stride, double* out, std::ptrdiff_t out_stride);
  /// zᵀ ∇²log p z = Σ_k r_k [((s_k − ∇log p) · z)² − zᵀ C_k⁻¹ z] for `directions` directions per
  /// point — direction p's component j at z[p z_direction_stride + j z_stride + i] — into
  /// out[p out_stride + i]: Hutchinson's quadratic forms without the d-vectors ∇²log p z, with
  /// ∇log p formed once for all directions; components with r_k = 0 left out.
  void score_jacobian_quadratic_forms(const double* z, std::ptrdiff_t z_stride, std::ptrdiff_t z_direction_stride,
                                      std::size_t directions, double* out, std::ptrdiff_t out_stride);
  /// log Σ_k exp(log term k) with the largest term factored out; −inf where the terms are all −inf
  /// or overflowed (the density is then below the smallest double's logarithm).
  void log_density(double* out) const;
  /// r_k into out[k out_stride + i].
  void posterior(double* out, std::ptrdiff_t out_stride) const;

 private:
  const MixtureConstants* constants_;
  std::size_t capacity_;
  std::size_t rows_ = 0;
  // Runs of `capacity`: scratch d, component scores K d, log terms K, posterior K, row maxima 1,
  // sums Σ_k exp(l_k − max) 1, per-component scratch 2. Not zeroed: every run is written first.
  std::unique_ptr<double[]> buffer_;
};

/// Points per tile for K components in d dimensions: the workspace near 32 KiB (an L1 data cache),
/// between 8 and 256 points.
[[nodiscard]] std::size_t tile_capacity(std::size_t components, std::size_t dimension);

}  // namespace kolmo::distribution::detail
