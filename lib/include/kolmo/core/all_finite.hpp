#pragma once
// Whether every entry of a contiguous run of doubles is finite, in one vectorised pass (cloned per
// instruction set, core/vector_clones.hpp). The solvers call it once per step on their whole
// state, where Eigen's allFinite() would test element by element.

#include <cstddef>
#include <span>

namespace kolmo {

/// Whether every entry of `x` is finite (not ±∞, not NaN).
[[nodiscard]] bool all_finite(std::span<const double> x);

/// The same for a column-major Eigen array or view whose columns are contiguous (an ArrayXXd, a
/// block of its rows, an Eigen::Ref<const ArrayXXd> such as process::StateView), column by column.
template <class ColumnMajor>
[[nodiscard]] bool all_finite_columns(const ColumnMajor& x) {
  for (decltype(x.cols()) j = 0; j < x.cols(); ++j) {
    if (!all_finite({x.col(j).data(), static_cast<std::size_t>(x.rows())})) return false;
  }
  return true;
}

}  // namespace kolmo
