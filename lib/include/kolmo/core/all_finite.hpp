#pragma once
// Whether every entry of a contiguous run of doubles is finite, in one vectorised pass (cloned per
// instruction set, core/vector_clones.hpp). The solvers call it once per step on their whole
// state, where Eigen's allFinite() would test element by element.

#include <span>

namespace kolmo {

/// Whether every entry of `x` is finite (not ±∞, not NaN).
[[nodiscard]] bool all_finite(std::span<const double> x);

}  // namespace kolmo
