#pragma once
// Internal: a tridiagonal system A x = b, factorised once and solved many times.
//
// Factors. A = L U without pivoting — the Thomas algorithm (Golub & Van Loan, Matrix
// Computations, 4th ed., §4.3.6): y_i = b_i − m_i y_{i−1}, then x_i = y_i / u_i − w_i x_{i+1}
// with multipliers m_i, pivots u_i and w_i = A_{i,i+1} / u_i. Without pivoting it is backward
// stable for matrices diagonally dominant by rows or by columns (ibid. §4.1.1 and §4.3.5;
// Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §9.5), which I − c L is for
// exponential fitting (an M-matrix whose columns sum to 1); callers check dominance and fall
// back to a pivoting sparse LU otherwise. Eigen has no banded solver, and its general sparse LU
// costs ~10× more per solve on a tridiagonal matrix.
//
// Solve. Both substitutions are first-order recurrences: in order, every cell waits for the
// previous cell's multiply and subtract (~12 cycles a cell for the pair). They are evaluated by
// the partitioned, SPIKE-type algorithm (Wang 1981, ACM TOMS 7(2):170–183; Polizzi & Sameh 2006,
// Parallel Computing 32(2):177–194) with the partition and everything that depends only on A
// computed at factorisation:
//   1. Local solves. The cells are cut into blocks of `block_length`; each block runs both
//      substitutions with its own rows of L and U, starting from zero at its ends. The blocks
//      are independent, so `lanes` of them advance in lockstep (one SIMD lane each, the
//      factors stored lane-interleaved): the chains overlap instead of waiting on each other.
//   2. Reduced system. With y⁻ the exact forward value at the last cell of the previous block and
//      x⁺ the exact solution at the first cell of the next, block b's solution is
//        x = x_local + G y⁻ + H x⁺,
//      where the spikes G (the local solve of the forward coupling −m_first e_1) and H (the
//      backward coupling, H_i = Π_{k ≥ i in the block} (−w_k)) depend on A alone. y⁻ and x⁺ of
//      every block follow from a recurrence over the blocks: one step per block, not per cell.
//   3. Correction. One contiguous pass adds the spike terms (and, below, a rescaling).
// Each cell is read and written twice (local solve, correction) instead of four times and more,
// and no step waits on a chain of cells. In exact arithmetic the result is Thomas's; in floating
// point the spikes are products formed by the same recurrences, so the extra rounding stays
// local (a few ulps per cell; see the unit test's residual bound).
//
// Mass. Σ_i (A x)_i = Σ_j s_j x_j with s_j the column sums of A, so the exact solution keeps
// Σ_j s_j x_j = Σ_i b_i. The *_keeping_mass solves rescale x so that it does after rounding too
// (column_sums.hpp explains why the pde solvers need this); the sum of the computed x is known
// from the local sums and the spike sums before the correction pass, which applies the factor.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace kolmo::pde::detail {

class TridiagonalLu {
 public:
  /// Blocks advanced together (SIMD lanes; 8 fill SSE2's registers without spilling).
  static constexpr std::size_t lanes = 8;
  /// Cells per block. Not a power of two: the lanes' streams then start 1088 bytes apart, in
  /// different L1 sets, where 1024 would make them compete for the same ones.
  static constexpr std::size_t block_length = 136;

  /// lower[i] = A(i, i−1), diagonal[i] = A(i, i), upper[i] = A(i, i+1) (lower[0] and
  /// upper[n−1] unused). False when n = 0 or a pivot is zero or not finite.
  bool factorise(std::span<const double> lower, std::span<const double> diagonal, std::span<const double> upper) {
    n_ = diagonal.size();
    if (n_ == 0) return false;
    multiplier_.assign(n_, 0.0);
    inverse_pivot_.assign(n_, 0.0);
    scaled_upper_.assign(n_, 0.0);
    double pivot = diagonal[0];
    for (std::size_t i = 0;; ++i) {
      if (!(std::isfinite(pivot) && pivot != 0.0)) return false;
      inverse_pivot_[i] = 1.0 / pivot;
      if (i + 1 == n_) break;
      scaled_upper_[i] = upper[i] * inverse_pivot_[i];
      multiplier_[i + 1] = lower[i + 1] * inverse_pivot_[i];
      pivot = diagonal[i + 1] - multiplier_[i + 1] * upper[i];
    }
    plan_blocks();
    compute_spikes();  // from the factors in natural order, before they are interleaved
    for (std::vector<double>* factor : {&multiplier_, &inverse_pivot_, &scaled_upper_}) interleave(*factor);
    record_column_sums(lower, diagonal, upper);
    return true;
  }

  /// x ← A⁻¹ x.
  void solve(std::span<double> x) {
    local_solves<Form::solution>(x);
    correct(x, 1.0, 1.0);
  }

  /// What a rescaled solve reports: the relative size of its rescaling (round-off unless the
  /// solve went wrong; 0 when nothing was rescaled) and whether every result is finite.
  struct Report {
    double mass_correction = 0.0;
    bool finite = true;
  };

  /// x ← A⁻¹ x, rescaled so that Σ_j s_j x_j equals `mass` (default: Σ_i x_i before the solve,
  /// which the exact solution keeps); nothing is rescaled unless the target and the computed
  /// sum are positive.
  Report solve_keeping_mass(std::span<double> x, std::optional<double> mass = std::nullopt) {
    local_solves<Form::solution>(x);
    return rescale(x, 1.0, mass.value_or(rhs_sum_));
  }

  /// p ← 2 A⁻¹ p − p: for A = I − (h/2) L the implicit midpoint rule, which for a
  /// time-independent L is Crank–Nicolson without its explicit product:
  /// (I − (h/2) L)⁻¹ (I + (h/2) L) = (I − (h/2) L)⁻¹ (2I − (I − (h/2) L)). The result is rescaled
  /// to keep what the exact one keeps, Σ s_j p'_j = 2 Σ p − Σ s_j p_j (Crank–Nicolson's
  /// Σ (columns of I − (h/2) L) p' = Σ (columns of I + (h/2) L) p). Reports as
  /// solve_keeping_mass does.
  Report midpoint_keeping_mass(std::span<double> p) {
    local_solves<Form::midpoint>(p);
    return rescale(p, 2.0, 2.0 * rhs_sum_ - weighted_rhs_sum_);
  }

  /// True when |A_ii| ≥ the off-diagonal magnitudes of row i for every i, or of column i for
  /// every i: the condition under which the factorisation needs no pivoting. With `stride` s
  /// the neighbours of i are i ± s (lower[i] = A(i, i − s), upper[i] = A(i, i + s); the lines
  /// of a grid axis, lower and upper 0 where a line ends).
  [[nodiscard]] static bool diagonally_dominant(std::span<const double> lower, std::span<const double> diagonal,
                                                std::span<const double> upper, std::size_t stride = 1) {
    const std::size_t n = diagonal.size();
    bool rows = true, columns = true;
    for (std::size_t i = 0; i < n; ++i) {
      const bool below = i >= stride, above = i + stride < n;
      const double row_off = (below ? std::abs(lower[i]) : 0.0) + (above ? std::abs(upper[i]) : 0.0);
      const double column_off = (below ? std::abs(upper[i - stride]) : 0.0) + (above ? std::abs(lower[i + stride]) : 0.0);
      rows = rows && std::abs(diagonal[i]) >= row_off;
      columns = columns && std::abs(diagonal[i]) >= column_off;
    }
    return rows || columns;
  }

 private:
  // Block b covers [b ℓ, (b + 1) ℓ), the last one also the remainder n − B ℓ (so it has
  // between ℓ and 2ℓ − 1 cells, or n < ℓ when it is the only one).
  [[nodiscard]] std::size_t start(std::size_t b) const { return b * block_length; }
  [[nodiscard]] std::size_t end(std::size_t b) const { return b + 1 == blocks_ ? n_ : (b + 1) * block_length; }
  [[nodiscard]] std::size_t block_of(std::size_t i) const { return std::min(i / block_length, blocks_ - 1); }

  void plan_blocks() {
    blocks_ = std::max<std::size_t>(1, n_ / block_length);
    const std::size_t full = n_ < block_length ? 0 : blocks_ - (n_ % block_length != 0 ? 1 : 0);
    grouped_ = full / lanes * lanes;
    local_sum_.assign(blocks_, 0.0);
    local_start_.assign(blocks_, 0.0);
    forward_end_.assign(blocks_, 0.0);
    block_sum_.assign(blocks_, 0.0);
    before_.assign(blocks_, 0.0);
    after_.assign(blocks_, 0.0);
  }

  // The factors of the first `grouped_` blocks, `lanes` at a time, lane-interleaved in place:
  // element j of the group's blocks 0 … lanes − 1 side by side, so that step j of a lockstep
  // sweep loads one contiguous vector. The remaining blocks keep the natural order (one lane).
  void interleave(std::vector<double>& factor) const {
    std::array<double, lanes * block_length> natural;
    for (std::size_t first = 0; first < grouped_ * block_length; first += natural.size()) {
      std::copy_n(factor.begin() + static_cast<std::ptrdiff_t>(first), natural.size(), natural.begin());
      for (std::size_t lane = 0; lane < lanes; ++lane) {
        for (std::size_t j = 0; j < block_length; ++j) factor[first + j * lanes + lane] = natural[lane * block_length + j];
      }
    }
  }

  // G: the forward coupling g_i = Π_{k = start..i} (−m_k) through the block's backward
  // substitution; H: H_i = Π_{k = i..end−1} (−w_k). Also the per-block sums of both (for the
  // mass) and the gain Π (−m_k) of a whole block (for the reduced recurrence). m of the first
  // cell and w of the last are 0, so the outermost blocks get no coupling.
  void compute_spikes() {
    const std::vector<double>& m = multiplier_, &inverse_pivot = inverse_pivot_, &w = scaled_upper_;
    left_spike_.assign(n_, 0.0);
    right_spike_.assign(n_, 0.0);
    gain_.assign(blocks_, 0.0);
    for (std::size_t b = 0; b < blocks_; ++b) {
      double g = 1.0, h = 1.0, x = 0.0;
      for (std::size_t i = start(b); i < end(b); ++i) left_spike_[i] = g *= -m[i];
      gain_[b] = g;
      for (std::size_t i = end(b); i-- > start(b);) {
        x = left_spike_[i] = left_spike_[i] * inverse_pivot[i] - w[i] * x;
        right_spike_[i] = h *= -w[i];
      }
    }
    // Entries below the smallest normal number contribute nothing above round-off, but would
    // make the correction pass compute with subnormals (slow on many CPUs): zero them.
    const auto flush = [](double v) { return std::abs(v) < std::numeric_limits<double>::min() ? 0.0 : v; };
    std::transform(left_spike_.begin(), left_spike_.end(), left_spike_.begin(), flush);
    std::transform(right_spike_.begin(), right_spike_.end(), right_spike_.begin(), flush);
    left_sum_.assign(blocks_, 0.0);
    right_sum_.assign(blocks_, 0.0);
    for (std::size_t b = 0; b < blocks_; ++b) {
      for (std::size_t i = start(b); i < end(b); ++i) {
        left_sum_[b] += left_spike_[i];
        right_sum_[b] += right_spike_[i];
      }
    }
  }

  // Column sums s_j = 1 + e_j with the few j where e_j ≠ 0 listed (none for zero-flux walls,
  // the cells beside an absorbing wall otherwise): Σ s_j x_j = Σ x_j + Σ e_j x_j. Off-diagonals
  // are added first: for matrices from set_column_sums that sum is exact, and so is s_j.
  void record_column_sums(std::span<const double> lower, std::span<const double> diagonal,
                          std::span<const double> upper) {
    excess_.clear();
    for (std::size_t j = 0; j < n_; ++j) {
      const double off = (j + 1 < n_ ? lower[j + 1] : 0.0) + (j > 0 ? upper[j - 1] : 0.0);
      const double s = off + diagonal[j];
      if (s != 1.0) excess_.emplace_back(j, s - 1.0);
    }
  }

  // What a solve leaves in b: x = A⁻¹ b, or the implicit midpoint step 2x − b.
  enum class Form { solution, midpoint };

  // Step 1 for every block, leaving x_local (or 2 x_local − b) in b, then step 2: the
  // coupling values before_ (y⁻) and after_ (x⁺) of every block, and the sums Σ b, Σ s b and
  // Σ s (the result after step 3 without rescaling).
  template <Form F>
  void local_solves(std::span<double> b) {
    constexpr double a = F == Form::midpoint ? 2.0 : 1.0, c = F == Form::midpoint ? 1.0 : 0.0;
    weighted_rhs_sum_ = 0.0;
    for (const auto& [j, e] : excess_) weighted_rhs_sum_ += e * b[j];  // before b is overwritten
    alignas(16) std::array<double, lanes * block_length> forward, rhs;
    std::size_t block = 0;
    for (; block < grouped_; block += lanes) sweep<lanes, F>(b.data() + start(block), block_length, block, forward.data(), rhs.data());
    for (; block < blocks_; ++block) {  // < 2ℓ cells: fits the tiles
      sweep<1, F>(b.data() + start(block), end(block) - start(block), block, forward.data(), rhs.data());
    }
    double y = 0.0, x = 0.0;
    for (std::size_t k = 0; k < blocks_; ++k) {
      before_[k] = y;
      y = forward_end_[k] + gain_[k] * y;
    }
    rhs_sum_ = result_sum_ = 0.0;
    for (std::size_t k = blocks_; k-- > 0;) {
      after_[k] = x;
      x = local_start_[k] + left_spike_[start(k)] * before_[k] + right_spike_[start(k)] * x;
      rhs_sum_ += block_sum_[k];
      result_sum_ += a * (local_sum_[k] + left_sum_[k] * before_[k] + right_sum_[k] * after_[k]);
    }
    weighted_rhs_sum_ += rhs_sum_;
    result_sum_ -= c * rhs_sum_;
    for (const auto& [j, e] : excess_) {
      const std::size_t k = block_of(j);
      result_sum_ += e * (b[j] + a * (left_spike_[j] * before_[k] + right_spike_[j] * after_[k]));
    }
  }

  // Both substitutions on P consecutive blocks of `length` cells in lockstep, the forward
  // values (and for the midpoint form b) kept lane-interleaved in L1-resident tiles for the
  // backward sweep. Records per block Σ b, Σ x_local, x_local at its first cell and y at its last.
  template <std::size_t P, Form F>
  void sweep(double* b, std::size_t length, std::size_t block, double* forward, double* rhs) {
    using Lanes = Eigen::Array<double, static_cast<int>(P), 1>;
    using Cells = Eigen::Map<Lanes, Eigen::Unaligned, Eigen::InnerStride<>>;  // cell j of each block
    using Stored = Eigen::Map<const Lanes>;
    using Tile = Eigen::Map<Lanes>;
    const Eigen::InnerStride<> stride(static_cast<Eigen::Index>(length));
    const std::size_t offset = start(block);  // a group's factors start where its cells do
    const double* m = multiplier_.data() + offset;
    const double* inverse_pivot = inverse_pivot_.data() + offset;
    const double* w = scaled_upper_.data() + offset;
    Lanes y = Lanes::Zero(), b_sum = Lanes::Zero();
    for (std::size_t j = 0; j < length; ++j) {
      const Lanes value = Cells(b + j, stride);
      b_sum += value;
      y = value - Stored(m + j * P) * y;
      Tile(forward + j * P) = y;
      if constexpr (F == Form::midpoint) Tile(rhs + j * P) = value;
    }
    Lanes x = Lanes::Zero(), x_sum = Lanes::Zero();
    for (std::size_t j = length; j-- > 0;) {
      x = Tile(forward + j * P) * Stored(inverse_pivot + j * P) - Stored(w + j * P) * x;
      x_sum += x;
      if constexpr (F == Form::midpoint) {
        const Lanes step = 2.0 * x - Tile(rhs + j * P);  // vectorised here, then scattered
        Cells(b + j, stride) = step;
      } else {
        Cells(b + j, stride) = x;
      }
    }
    Tile(forward_end_.data() + block) = y;
    Tile(local_start_.data() + block) = x;
    Tile(local_sum_.data() + block) = x_sum;
    Tile(block_sum_.data() + block) = b_sum;
  }

  // Step 3 with the factor ρ that makes Σ s_j v_j equal `target`.
  Report rescale(std::span<double> v, double a, double target) {
    if (!(target > 0.0 && result_sum_ > 0.0)) return {0.0, correct(v, a, 1.0)};
    return {std::abs(result_sum_ / target - 1.0), correct(v, a, target / result_sum_)};
  }

  // Step 3: v ← ρ (v + a (G y⁻ + H x⁺)) in every block, and whether every value is finite:
  // v · 0 is ±0 if v is finite, else NaN, which a sum keeps. Chunks of 8 keep the check's sums
  // in registers, four independent SIMD chains, instead of a second pass with one chain.
  bool correct(std::span<double> v, double a, double rho) const {
    using Chunk = Eigen::Array<double, 8, 1>;
    using Stored = Eigen::Map<const Chunk>;
    Chunk probe = Chunk::Zero();
    double tail_probe = 0.0;
    for (std::size_t k = 0; k < blocks_; ++k) {
      const double gy = rho * a * before_[k], hx = rho * a * after_[k];
      std::size_t i = start(k);
      for (; i + 8 <= end(k); i += 8) {
        Eigen::Map<Chunk> x(v.data() + i);
        const Chunk result = rho * x + gy * Stored(left_spike_.data() + i) + hx * Stored(right_spike_.data() + i);
        x = result;
        probe += result * 0.0;
      }
      for (; i < end(k); ++i) {
        v[i] = rho * v[i] + gy * left_spike_[i] + hx * right_spike_[i];
        tail_probe += v[i] * 0.0;
      }
    }
    return !std::isnan(probe.sum() + tail_probe);
  }

  std::size_t n_ = 0, blocks_ = 1, grouped_ = 0;
  std::vector<double> multiplier_, inverse_pivot_, scaled_upper_;  // m, 1/u, w: lane-interleaved (see interleave)
  std::vector<double> left_spike_, right_spike_;                   // G and H, natural order
  std::vector<double> gain_, left_sum_, right_sum_;                 // per block
  std::vector<std::pair<std::size_t, double>> excess_;              // (j, s_j − 1) where s_j ≠ 1
  // Per-solve scratch, per block: Σ x_local, x_local at the first cell, y at the last, Σ b, y⁻, x⁺.
  std::vector<double> local_sum_, local_start_, forward_end_, block_sum_, before_, after_;
  double rhs_sum_ = 0.0, weighted_rhs_sum_ = 0.0, result_sum_ = 0.0;  // Σ b, Σ s b, Σ s (result before rescaling)
};

}  // namespace kolmo::pde::detail
