#pragma once
// Internal: whether every entry of a contiguous run of doubles is finite, in one vectorised pass
// (cloned per instruction set, core/vector_clones.hpp). The solvers call it once per step on
// their whole state, so it replaces Eigen's allFinite() with its element-by-element test.

#include <span>

namespace kolmo::detail {

/// Whether every entry of `x` is finite (not ±∞, not NaN).
[[nodiscard]] bool all_finite(std::span<const double> x);

}  // namespace kolmo::detail
