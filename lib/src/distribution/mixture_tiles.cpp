#include "mixture_tiles.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "exp_nonpositive.hpp"
#include "kolmo/core/vector_clones.hpp"  // compiled with -ffp-contract=off: every clone gives the same bits

namespace kolmo::distribution::detail {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

/// The tile's runs as raw pointers, for the cloned loops below (target_clones wants free functions).
struct Runs {
  std::size_t K, d, n, capacity;
  double* scratch;    // d runs: residuals x − μ_k, then ∇log p
  double* scores;     // K d runs: s_kj
  double* log_terms;  // K runs
  double* posterior;  // K runs
  double* top;        // max_k log term
  double* sums;       // Σ_k exp(l_k − top)
  double* per_point;  // two runs for a consumer's per-component sums

  Runs(const MixtureConstants& m, std::size_t rows, std::size_t cap, double* buffer)
      : K(m.components), d(m.dimension), n(rows), capacity(cap), scratch(buffer), scores(scratch + d * cap),
        log_terms(scores + K * d * cap), posterior(log_terms + K * cap), top(posterior + K * cap), sums(top + cap),
        per_point(sums + cap) {}
  [[nodiscard]] double* score(std::size_t k, std::size_t j) const { return scores + (k * d + j) * capacity; }
  [[nodiscard]] double* scratch_run(std::size_t j) const { return scratch + j * capacity; }
  [[nodiscard]] double* log_term(std::size_t k) const { return log_terms + k * capacity; }
  [[nodiscard]] double* weight(std::size_t k) const { return posterior + k * capacity; }
  [[nodiscard]] double* second_per_point() const { return per_point + capacity; }
  static std::size_t runs(std::size_t K, std::size_t d) { return d * (K + 1) + 2 * K + 4; }
};

/// Component k's scores and log term in d = D ≤ 3 dimensions, in one pass over the points with
/// μ_k and C_k⁻¹ in registers; the same operations in the same order as component() below, so
/// the same bits.
template <std::size_t D>
[[gnu::always_inline]] inline void component_in(const MixtureConstants& m, std::size_t k, const double* x,
                                                 std::ptrdiff_t stride, const Runs& t) {
  double mean[D], precision[D][D];
  const double* xs[D];
  double* s[D];
  for (std::size_t j = 0; j < D; ++j) {
    mean[j] = m.means[k * D + j];
    for (std::size_t l = 0; l < D; ++l) precision[j][l] = m.precisions[(k * D + j) * D + l];
    xs[j] = x + static_cast<std::ptrdiff_t>(j) * stride;
    s[j] = t.score(k, j);
  }
  const double c = m.log_constants[k];
  double* log_term = t.log_term(k);
  for (std::size_t i = 0; i < t.n; ++i) {
    double r[D];
    for (std::size_t j = 0; j < D; ++j) r[j] = xs[j][i] - mean[j];
    double q = 0.0;
    for (std::size_t j = 0; j < D; ++j) {
      double sj = 0.0;
      for (std::size_t l = 0; l < D; ++l) sj -= precision[j][l] * r[l];
      s[j][i] = sj;
      q += r[j] * sj;
    }
    log_term[i] = c + 0.5 * q;
  }
}

KOLMO_VECTOR_CLONES
void component_1d(const MixtureConstants& m, std::size_t k, const double* x, std::ptrdiff_t stride, const Runs& t) {
  component_in<1>(m, k, x, stride, t);
}
KOLMO_VECTOR_CLONES
void component_2d(const MixtureConstants& m, std::size_t k, const double* x, std::ptrdiff_t stride, const Runs& t) {
  component_in<2>(m, k, x, stride, t);
}
KOLMO_VECTOR_CLONES
void component_3d(const MixtureConstants& m, std::size_t k, const double* x, std::ptrdiff_t stride, const Runs& t) {
  component_in<3>(m, k, x, stride, t);
}

/// Residuals, component scores and log terms of component k, any d.
KOLMO_VECTOR_CLONES
void component(const MixtureConstants& m, std::size_t k, const double* x, std::ptrdiff_t stride, const Runs& t) {
  const std::size_t d = t.d, n = t.n;
  for (std::size_t j = 0; j < d; ++j) {
    const double mean = m.means[k * d + j];
    const double* xj = x + static_cast<std::ptrdiff_t>(j) * stride;
    double* rj = t.scratch_run(j);
    for (std::size_t i = 0; i < n; ++i) rj[i] = xj[i] - mean;
  }
  double* log_term = t.log_term(k);
  for (std::size_t i = 0; i < n; ++i) log_term[i] = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    double* s = t.score(k, j);
    const double* row = m.precisions.data() + (k * d + j) * d;
    for (std::size_t i = 0; i < n; ++i) s[i] = 0.0;
    for (std::size_t l = 0; l < d; ++l) {
      const double p = row[l];
      const double* rl = t.scratch_run(l);
      for (std::size_t i = 0; i < n; ++i) s[i] -= p * rl[i];
    }
    const double* rj = t.scratch_run(j);
    for (std::size_t i = 0; i < n; ++i) log_term[i] += rj[i] * s[i];  // −(x − μ)ᵀ C⁻¹ (x − μ), so far
  }
  const double c = m.log_constants[k];
  for (std::size_t i = 0; i < n; ++i) log_term[i] = c + 0.5 * log_term[i];
}

/// The soft-max of the log terms into the posterior, with the row maxima and sums kept for
/// log_density. True when every row is finite: the sum is in [1, K] then and NaN otherwise.
KOLMO_VECTOR_CLONES
bool soft_max(const Runs& t) {
  for (std::size_t i = 0; i < t.n; ++i) t.top[i] = -infinity;
  for (std::size_t k = 0; k < t.K; ++k) {
    const double* l = t.log_term(k);
    for (std::size_t i = 0; i < t.n; ++i) t.top[i] = l[i] > t.top[i] ? l[i] : t.top[i];
  }
  for (std::size_t i = 0; i < t.n; ++i) t.sums[i] = 0.0;
  for (std::size_t k = 0; k < t.K; ++k) {
    const double* l = t.log_term(k);
    double* r = t.weight(k);
    for (std::size_t i = 0; i < t.n; ++i) {
      r[i] = exp_nonpositive(l[i] - t.top[i]);  // NaN where every term is −inf (−inf − −inf)
      t.sums[i] += r[i];
    }
  }
  for (std::size_t k = 0; k < t.K; ++k) {
    double* r = t.weight(k);
    for (std::size_t i = 0; i < t.n; ++i) r[i] /= t.sums[i];
  }
  std::size_t failed = 0;
  for (std::size_t i = 0; i < t.n; ++i) failed += t.sums[i] <= static_cast<double>(t.K) ? 0 : 1;
  return failed == 0;
}

/// ∇log p = Σ_k r_k s_k into d runs of stride out_stride.
KOLMO_VECTOR_CLONES
void mean_score(const Runs& t, double* out, std::ptrdiff_t out_stride) {
  for (std::size_t j = 0; j < t.d; ++j) {
    double* o = out + static_cast<std::ptrdiff_t>(j) * out_stride;
    for (std::size_t i = 0; i < t.n; ++i) o[i] = 0.0;
    for (std::size_t k = 0; k < t.K; ++k) {
      const double* r = t.weight(k);
      const double* s = t.score(k, j);
      for (std::size_t i = 0; i < t.n; ++i) o[i] += r[i] * s[i];
    }
  }
}

KOLMO_VECTOR_CLONES
void divergence(const MixtureConstants& m, const Runs& t, double* out) {
  mean_score(t, t.scratch, static_cast<std::ptrdiff_t>(t.capacity));
  for (std::size_t i = 0; i < t.n; ++i) out[i] = 0.0;
  double* spread = t.per_point;  // |s_k − ∇log p|²
  for (std::size_t k = 0; k < t.K; ++k) {
    for (std::size_t i = 0; i < t.n; ++i) spread[i] = 0.0;
    for (std::size_t j = 0; j < t.d; ++j) {
      const double* s = t.score(k, j);
      const double* g = t.scratch_run(j);
      for (std::size_t i = 0; i < t.n; ++i) spread[i] += (s[i] - g[i]) * (s[i] - g[i]);
    }
    const double* r = t.weight(k);
    const double trace = m.precision_traces[k];
    for (std::size_t i = 0; i < t.n; ++i) out[i] += r[i] > 0.0 ? r[i] * (spread[i] - trace) : 0.0;
  }
}

KOLMO_VECTOR_CLONES
void jacobian_product(const MixtureConstants& m, const Runs& t, const double* v, std::ptrdiff_t v_stride, double* out,
                      std::ptrdiff_t out_stride) {
  mean_score(t, t.scratch, static_cast<std::ptrdiff_t>(t.capacity));
  for (std::size_t j = 0; j < t.d; ++j) {
    double* o = out + static_cast<std::ptrdiff_t>(j) * out_stride;
    for (std::size_t i = 0; i < t.n; ++i) o[i] = 0.0;
  }
  double* projection = t.per_point;  // (s_k − ∇log p) · v
  for (std::size_t k = 0; k < t.K; ++k) {
    for (std::size_t i = 0; i < t.n; ++i) projection[i] = 0.0;
    for (std::size_t j = 0; j < t.d; ++j) {
      const double* s = t.score(k, j);
      const double* g = t.scratch_run(j);
      const double* vj = v + static_cast<std::ptrdiff_t>(j) * v_stride;
      for (std::size_t i = 0; i < t.n; ++i) projection[i] += (s[i] - g[i]) * vj[i];
    }
    const double* r = t.weight(k);
    double* precision_v = t.second_per_point();  // (C_k⁻¹ v)_j
    for (std::size_t j = 0; j < t.d; ++j) {
      const double* row = m.precisions.data() + (k * t.d + j) * t.d;
      for (std::size_t i = 0; i < t.n; ++i) precision_v[i] = 0.0;
      for (std::size_t l = 0; l < t.d; ++l) {
        const double p = row[l];
        const double* vl = v + static_cast<std::ptrdiff_t>(l) * v_stride;
        for (std::size_t i = 0; i < t.n; ++i) precision_v[i] += p * vl[i];
      }
      const double* s = t.score(k, j);
      const double* g = t.scratch_run(j);
      double* o = out + static_cast<std::ptrdiff_t>(j) * out_stride;
      for (std::size_t i = 0; i < t.n; ++i) {
        const double term = (s[i] - g[i]) * projection[i] - precision_v[i];
        o[i] += r[i] > 0.0 ? r[i] * term : 0.0;
      }
    }
  }
}

/// Σ_k r_k [((s_k − g) · z)² − zᵀ C_k⁻¹ z] for one direction z, with g = ∇log p already in the
/// scratch runs, any d: component by component over runs, so that the work per point is O(K d²)
/// and no d-vector of the product ∇²log p z is formed.
KOLMO_VECTOR_CLONES
void quadratic_form(const MixtureConstants& m, const Runs& t, const double* z, std::ptrdiff_t z_stride, double* out) {
  for (std::size_t i = 0; i < t.n; ++i) out[i] = 0.0;
  double* projection = t.per_point;         // (s_k − g) · z
  double* curvature = t.second_per_point();  // zᵀ C_k⁻¹ z
  for (std::size_t k = 0; k < t.K; ++k) {
    for (std::size_t i = 0; i < t.n; ++i) projection[i] = 0.0;
    for (std::size_t i = 0; i < t.n; ++i) curvature[i] = 0.0;
    for (std::size_t j = 0; j < t.d; ++j) {
      const double* s = t.score(k, j);
      const double* g = t.scratch_run(j);
      const double* zj = z + static_cast<std::ptrdiff_t>(j) * z_stride;
      const double* row = m.precisions.data() + (k * t.d + j) * t.d;
      for (std::size_t i = 0; i < t.n; ++i) projection[i] += (s[i] - g[i]) * zj[i];
      for (std::size_t l = 0; l < t.d; ++l) {
        const double p = row[l];
        const double* zl = z + static_cast<std::ptrdiff_t>(l) * z_stride;
        for (std::size_t i = 0; i < t.n; ++i) curvature[i] += zj[i] * (p * zl[i]);
      }
    }
    const double* r = t.weight(k);
    for (std::size_t i = 0; i < t.n; ++i) {
      const double term = projection[i] * projection[i] - curvature[i];
      out[i] += r[i] > 0.0 ? r[i] * term : 0.0;
    }
  }
}

/// quadratic_form in d = D ≤ 3 dimensions: per component one pass over the points with C_k⁻¹ in
/// registers and the projection and curvature never stored — the same operations in the same
/// order as quadratic_form, so the same bits.
template <std::size_t D>
[[gnu::always_inline]] inline void quadratic_form_in(const MixtureConstants& m, const Runs& t, const double* z,
                                                      std::ptrdiff_t z_stride, double* out) {
  for (std::size_t i = 0; i < t.n; ++i) out[i] = 0.0;
  const double* zs[D];
  for (std::size_t j = 0; j < D; ++j) zs[j] = z + static_cast<std::ptrdiff_t>(j) * z_stride;
  for (std::size_t k = 0; k < t.K; ++k) {
    double precision[D][D];
    const double *s[D], *g[D];
    for (std::size_t j = 0; j < D; ++j) {
      for (std::size_t l = 0; l < D; ++l) precision[j][l] = m.precisions[(k * D + j) * D + l];
      s[j] = t.score(k, j);
      g[j] = t.scratch_run(j);
    }
    const double* r = t.weight(k);
    for (std::size_t i = 0; i < t.n; ++i) {
      double projection = 0.0, curvature = 0.0;
      for (std::size_t j = 0; j < D; ++j) {
        projection += (s[j][i] - g[j][i]) * zs[j][i];
        for (std::size_t l = 0; l < D; ++l) curvature += zs[j][i] * (precision[j][l] * zs[l][i]);
      }
      const double term = projection * projection - curvature;
      out[i] += r[i] > 0.0 ? r[i] * term : 0.0;
    }
  }
}

KOLMO_VECTOR_CLONES
void quadratic_form_1d(const MixtureConstants& m, const Runs& t, const double* z, std::ptrdiff_t z_stride, double* out) {
  quadratic_form_in<1>(m, t, z, z_stride, out);
}
KOLMO_VECTOR_CLONES
void quadratic_form_2d(const MixtureConstants& m, const Runs& t, const double* z, std::ptrdiff_t z_stride, double* out) {
  quadratic_form_in<2>(m, t, z, z_stride, out);
}
KOLMO_VECTOR_CLONES
void quadratic_form_3d(const MixtureConstants& m, const Runs& t, const double* z, std::ptrdiff_t z_stride, double* out) {
  quadratic_form_in<3>(m, t, z, z_stride, out);
}

}  // namespace

MixtureTile::MixtureTile(const MixtureConstants& constants, std::size_t capacity)
    : constants_(&constants),
      capacity_(capacity),
      buffer_(new double[Runs::runs(constants.components, constants.dimension) * capacity]) {}

bool MixtureTile::evaluate(const double* x, std::ptrdiff_t stride, std::size_t rows) {
  rows_ = rows;
  const Runs t(*constants_, rows_, capacity_, buffer_.get());
  using Component = void (*)(const MixtureConstants&, std::size_t, const double*, std::ptrdiff_t, const Runs&);
  constexpr Component fixed[] = {component_1d, component_2d, component_3d};
  const Component each = t.d <= 3 ? fixed[t.d - 1] : component;
  for (std::size_t k = 0; k < t.K; ++k) each(*constants_, k, x, stride, t);
  return soft_max(t);
}

bool MixtureTile::finite(std::size_t i) const {
  const Runs t(*constants_, rows_, capacity_, buffer_.get());
  return t.sums[i] <= static_cast<double>(t.K);
}

void MixtureTile::set_posterior(std::size_t i, const double* weights) {
  const Runs t(*constants_, rows_, capacity_, buffer_.get());
  for (std::size_t k = 0; k < t.K; ++k) t.weight(k)[i] = weights[k];
}

void MixtureTile::score(double* out, std::ptrdiff_t out_stride) {
  mean_score(Runs(*constants_, rows_, capacity_, buffer_.get()), out, out_stride);
}

void MixtureTile::score_divergence(double* out) {
  divergence(*constants_, Runs(*constants_, rows_, capacity_, buffer_.get()), out);
}

void MixtureTile::score_jacobian_product(const double* v, std::ptrdiff_t v_stride, double* out,
                                         std::ptrdiff_t out_stride) {
  jacobian_product(*constants_, Runs(*constants_, rows_, capacity_, buffer_.get()), v, v_stride, out, out_stride);
}

void MixtureTile::score_jacobian_quadratic_forms(const double* z, std::ptrdiff_t z_stride,
                                                 std::ptrdiff_t z_direction_stride, std::size_t directions, double* out,
                                                 std::ptrdiff_t out_stride) {
  const Runs t(*constants_, rows_, capacity_, buffer_.get());
  mean_score(t, t.scratch, static_cast<std::ptrdiff_t>(t.capacity));
  using Form = void (*)(const MixtureConstants&, const Runs&, const double*, std::ptrdiff_t, double*);
  constexpr Form fixed[] = {quadratic_form_1d, quadratic_form_2d, quadratic_form_3d};
  const Form each = t.d <= 3 ? fixed[t.d - 1] : quadratic_form;
  for (std::size_t p = 0; p < directions; ++p) {
    const auto offset = static_cast<std::ptrdiff_t>(p);
    each(*constants_, t, z + offset * z_direction_stride, z_stride, out + offset * out_stride);
  }
}

void MixtureTile::log_density(double* out) const {
  const Runs t(*constants_, rows_, capacity_, buffer_.get());
  for (std::size_t i = 0; i < t.n; ++i) {
    // NaN sums come from overflowed quadratic forms: the density is then below any double's log.
    const bool vanishing = t.top[i] == -infinity || !(t.sums[i] <= static_cast<double>(t.K));
    out[i] = vanishing ? -infinity : t.top[i] + std::log(t.sums[i]);
  }
}

void MixtureTile::posterior(double* out, std::ptrdiff_t out_stride) const {
  const Runs t(*constants_, rows_, capacity_, buffer_.get());
  for (std::size_t k = 0; k < t.K; ++k) {
    std::copy_n(t.weight(k), t.n, out + static_cast<std::ptrdiff_t>(k) * out_stride);
  }
}

std::size_t tile_capacity(std::size_t components, std::size_t dimension) {
  const std::size_t fit = (std::size_t{1} << 12) / Runs::runs(components, dimension);  // 4096 doubles = 32 KiB
  return std::clamp<std::size_t>(fit == 0 ? 8 : std::bit_floor(fit), 8, 256);
}

}  // namespace kolmo::distribution::detail
