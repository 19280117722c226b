#pragma once
// Internal: LU factors of a tridiagonal matrix without pivoting — the Thomas algorithm (Golub &
// Van Loan, Matrix Computations, 4th ed., §4.3.6) — factorised once, solved many times. Without
// pivoting it is backward stable for matrices diagonally dominant by rows or by columns (ibid.
// §4.1.1 and §4.3.5), which I − c L is for exponential fitting (an M-matrix whose columns sum to
// 1); callers check dominance and fall back to a pivoting sparse LU otherwise. Eigen has no
// banded solver, and its general sparse LU costs ~10× more per solve on a tridiagonal matrix.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace kolmo::pde::detail {

class TridiagonalLu {
 public:
  /// lower[i] = A(i, i−1), diagonal[i] = A(i, i), upper[i] = A(i, i+1) (lower[0] and
  /// upper[n−1] unused). False when a pivot is zero or not finite.
  bool factorise(std::span<const double> lower, std::span<const double> diagonal, std::span<const double> upper) {
    const std::size_t n = diagonal.size();
    multiplier_.assign(n, 0.0);
    inverse_pivot_.assign(n, 0.0);
    scaled_upper_.assign(n, 0.0);
    double pivot = diagonal[0];
    for (std::size_t i = 0;; ++i) {
      if (!(std::isfinite(pivot) && pivot != 0.0)) return false;
      inverse_pivot_[i] = 1.0 / pivot;
      if (i + 1 == n) break;
      scaled_upper_[i] = upper[i] * inverse_pivot_[i];
      multiplier_[i + 1] = lower[i + 1] * inverse_pivot_[i];
      pivot = diagonal[i + 1] - multiplier_[i + 1] * upper[i];
    }
    plan_blocks(n);
    return true;
  }

  /// Overwrites x with A⁻¹ x: y = L⁻¹ x (y_i = x_i − m_i y_{i−1}), then x = U⁻¹ y
  /// (x_i = y_i / u_i − (c_i / u_i) x_{i+1}).
  ///
  /// Both are first-order linear recurrences, whose sequential evaluation waits a multiply
  /// and a subtract per element. They are evaluated in `blocks_` independent pieces at once
  /// (the partitioned recurrence of Stone 1973 / Wang 1981): each piece from a zero start, then
  /// the true start value is carried in through the precomputed influence of a piece's start
  /// on each of its elements (a product of multipliers), exact up to rounding.
  void solve(std::span<double> x) const {
    const std::size_t n = x.size();
    const auto forward = [](std::size_t j) { return j; };
    const auto reversed = [n](std::size_t j) { return n - 1 - j; };
    recur_blocks(x, multiplier_, forward, n);
    carry(x, forward_influence_, forward, n);
    for (std::size_t i = 0; i < n; ++i) x[i] *= inverse_pivot_[i];
    recur_blocks(x, scaled_upper_shifted_, reversed, n);
    carry(x, backward_influence_, reversed, n);
  }

  /// True when |A_ii| ≥ the off-diagonal magnitudes of row i for every i, or of column i for
  /// every i: the condition under which the factorisation needs no pivoting.
  [[nodiscard]] static bool diagonally_dominant(std::span<const double> lower, std::span<const double> diagonal,
                                                std::span<const double> upper) {
    const std::size_t n = diagonal.size();
    bool rows = true, columns = true;
    for (std::size_t i = 0; i < n; ++i) {
      const double row_off = (i > 0 ? std::abs(lower[i]) : 0.0) + (i + 1 < n ? std::abs(upper[i]) : 0.0);
      const double column_off = (i > 0 ? std::abs(upper[i - 1]) : 0.0) + (i + 1 < n ? std::abs(lower[i + 1]) : 0.0);
      rows = rows && std::abs(diagonal[i]) >= row_off;
      columns = columns && std::abs(diagonal[i]) >= column_off;
    }
    return rows || columns;
  }

 private:
  static constexpr std::size_t max_blocks = 8;

  // Block b covers recurrence positions [first(b), first(b + 1)); the last block also takes
  // the remainder of n / blocks_.
  [[nodiscard]] std::size_t first(std::size_t b, std::size_t n) const { return b == blocks_ ? n : b * block_length_; }

  // With coefficient k_j (in recurrence order j), v_j −= k_j v_{j−1} inside a block; the first
  // element of a block has no predecessor there. The blocks advance in lockstep with their
  // running values in registers, so the `blocks_` chains overlap in the CPU instead of each
  // waiting a multiply, a subtract and a store-to-load round trip per element.
  template <class Index>
  void recur_blocks(std::span<double> v, const std::vector<double>& k, Index index, std::size_t n) const {
    std::array<double, max_blocks> running{};
    for (std::size_t b = 0; b < blocks_; ++b) running[b] = v[index(first(b, n))];
    for (std::size_t offset = 1; offset < block_length_; ++offset) {
      for (std::size_t b = 0; b < blocks_; ++b) {
        const std::size_t j = b * block_length_ + offset;
        running[b] = v[index(j)] - k[j] * running[b];
        v[index(j)] = running[b];
      }
    }
    double last = running[blocks_ - 1];  // the remainder of the last block, sequentially
    for (std::size_t j = blocks_ * block_length_; j < n; ++j) {
      last = v[index(j)] - k[j] * last;
      v[index(j)] = last;
    }
  }

  // The true value before block b's start reaches element j of the block times its influence
  // g_j = Π_{i = start..j} (−k_i): first the block ends in order, then every element. The
  // first block starts from the true (zero) value already and needs nothing.
  template <class Index>
  void carry(std::span<double> v, const std::vector<double>& influence, Index index, std::size_t n) const {
    for (std::size_t b = 1; b < blocks_; ++b) {
      const std::size_t end = first(b + 1, n) - 1;
      v[index(end)] += influence[end] * v[index(first(b, n) - 1)];
    }
    for (std::size_t b = 1; b < blocks_; ++b) {
      const std::size_t start = first(b, n), end = first(b + 1, n) - 1;
      const double before = v[index(start - 1)];
      for (std::size_t j = start; j < end; ++j) v[index(j)] += influence[j] * before;
    }
  }

  void plan_blocks(std::size_t n) {
    blocks_ = n >= 256 ? max_blocks : 1;
    block_length_ = n / blocks_;
    // Backward coefficients in recurrence order j (index n − 1 − j): w_{n−1−j}, where the
    // recurrence reads x_i −= w_i x_{i+1}.
    scaled_upper_shifted_.assign(n, 0.0);
    for (std::size_t j = 1; j < n; ++j) scaled_upper_shifted_[j] = scaled_upper_[n - 1 - j];
    forward_influence_ = influences(multiplier_, n);
    backward_influence_ = influences(scaled_upper_shifted_, n);
  }

  [[nodiscard]] std::vector<double> influences(const std::vector<double>& k, std::size_t n) const {
    std::vector<double> g(n, 0.0);
    for (std::size_t b = 0; b < blocks_; ++b) {
      double product = 1.0;
      for (std::size_t j = first(b, n); j < first(b + 1, n); ++j) {
        product *= -k[j];
        g[j] = product;
      }
    }
    return g;
  }

  std::vector<double> multiplier_, inverse_pivot_, scaled_upper_, scaled_upper_shifted_;
  std::vector<double> forward_influence_, backward_influence_;
  std::size_t blocks_ = 1, block_length_ = 0;
};

}  // namespace kolmo::pde::detail
