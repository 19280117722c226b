#pragma once
// Internal: the tridiagonal systems along axis k > 0 of a grid, all solved together. Along such
// an axis a line's cells are `stride` apart, but the s = stride lines that start in one slab
// are adjacent in memory: cell base + j·s + i is element j of line i. So the Thomas algorithm
// (Golub & Van Loan §4.3.6) runs over all of them at once — each elimination step is one
// contiguous, vectorisable pass over a slab of s cells — with its factors kept in the grid's
// own layout: no gathering of strided lines, and no recurrence latency, since the s lines are
// independent. Callers check diagonal dominance (no pivoting) as for TridiagonalLu.

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace kolmo::pde::detail {

class StridedLines {
 public:
  /// The systems of `cells` cells along an axis of `length` cells whose neighbours are
  /// `stride` apart; lower/diagonal/upper in the grid layout (lower of j = 0 and upper of
  /// j = length − 1 unused). False when a pivot is zero or not finite.
  bool factorise(std::size_t stride, std::size_t length, std::span<const double> lower, std::span<const double> diagonal,
                 std::span<const double> upper) {
    stride_ = stride;
    length_ = length;
    const std::size_t cells = diagonal.size();
    multiplier_.assign(cells, 0.0);
    inverse_pivot_.assign(cells, 0.0);
    scaled_upper_.assign(cells, 0.0);
    for (std::size_t base = 0; base < cells; base += stride * length) {
      for (std::size_t j = 0; j < length; ++j) {
        for (std::size_t i = 0; i < stride; ++i) {
          const std::size_t c = base + j * stride + i;
          double pivot = diagonal[c];
          if (j > 0) {
            multiplier_[c] = lower[c] * inverse_pivot_[c - stride];
            pivot -= multiplier_[c] * upper[c - stride];
          }
          if (!(std::isfinite(pivot) && pivot != 0.0)) return false;
          inverse_pivot_[c] = 1.0 / pivot;
          scaled_upper_[c] = upper[c] * inverse_pivot_[c];
        }
      }
    }
    return true;
  }

  /// Overwrites y with the solution of every line's system.
  void solve(std::span<double> y) const {
    const std::size_t s = stride_, n = length_;
    for (std::size_t base = 0; base < y.size(); base += s * n) {
      for (std::size_t j = 1; j < n; ++j) {
        const std::size_t row = base + j * s;
        for (std::size_t i = row; i < row + s; ++i) y[i] -= multiplier_[i] * y[i - s];
      }
      const std::size_t last = base + (n - 1) * s;
      for (std::size_t i = last; i < last + s; ++i) y[i] *= inverse_pivot_[i];
      for (std::size_t j = n - 1; j-- > 0;) {
        const std::size_t row = base + j * s;
        for (std::size_t i = row; i < row + s; ++i) y[i] = y[i] * inverse_pivot_[i] - scaled_upper_[i] * y[i + s];
      }
    }
  }

 private:
  std::size_t stride_ = 1, length_ = 0;
  std::vector<double> multiplier_, inverse_pivot_, scaled_upper_;
};

}  // namespace kolmo::pde::detail
