#pragma once
// Internal: exact mass bookkeeping for the finite-volume matrices. Mass is Σ p_i |cell|, so a
// matrix conserves it when its columns sum to 0 (the operator L) or 1 (the implicit system
// I − c L). With independently rounded entries a column sums to its target only up to ~1 ulp,
// and since the matrix is the same every step, that error is a fixed, systematic mass drift
// (~1e-16 per step: 1e-12 after 10^4 steps). So every column is made to sum to its target
// exactly, in real arithmetic over the stored doubles: the off-diagonal entries are rounded to
// a multiple of q = 2^(e − 50), 2^e ≥ the column's scale (a relative change ≤ 2^-50, far below
// any discretisation error), which makes their sum exact, and the diagonal is set to
// target − sum, exact too. What remains is the rounding of the solves, which changes from step
// to step and does not accumulate systematically.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "kolmo/pde/fokker_planck.hpp"

namespace kolmo::pde::detail {

/// The grid q = 2^(e − 50), 2^e ≥ `scale` (|target| + Σ |off-diagonals| of a column), to which
/// the column's off-diagonal entries are rounded, and 1/q: powers of two, so v · (1/q) is v / q
/// exactly. Both are put together from scale's exponent bits where they are normal numbers (the
/// assembly rounds every column: ilogb and ldexp calls per column would dominate it).
struct ColumnQuantum {
  double step, inverse;  // inverse 0 where 1/q would overflow (scale below ~1e-292)
};

[[nodiscard]] inline ColumnQuantum column_quantum(double scale) {
  const auto biased = static_cast<std::uint64_t>(std::bit_cast<std::uint64_t>(scale) >> 52 & 0x7ff);  // scale ≥ 0
  if (biased >= 50 && biased <= 2046) {  // e = biased − 1022: q has exponent field biased − 49, 1/q 2095 − biased
    return {std::bit_cast<double>((biased - 49) << 52), std::bit_cast<double>((2095 - biased) << 52)};
  }
  const double q = std::ldexp(1.0, std::max(std::ilogb(std::max(scale, 1e-300)) + 1, -1000) - 50);
  return {q, std::isfinite(1.0 / q) ? 1.0 / q : 0.0};
}

/// v rounded to the nearest multiple of q (ties to even): |v / q| < 2^50, where adding and
/// subtracting 1.5 · 2^52 rounds to an integer in the default rounding mode, as nearbyint does.
[[nodiscard]] inline double round_to(double v, const ColumnQuantum& q) {
  constexpr double shift = 0x1.8p52;
  const double x = q.inverse != 0.0 ? v * q.inverse : v / q.step;
  return ((x + shift) - shift) * q.step;
}

/// Sets the (stored) diagonal of `m` so that column j sums exactly to target_j (see above).
inline void set_column_sums(Eigen::SparseMatrix<double>& m, const Eigen::VectorXd& target) {
  for (Eigen::Index col = 0; col < m.outerSize(); ++col) {
    double scale = std::abs(target(col));
    for (Eigen::SparseMatrix<double>::InnerIterator it(m, col); it; ++it) {
      if (it.row() != col) scale += std::abs(it.value());
    }
    const ColumnQuantum quantum = column_quantum(scale);
    double sum = 0.0;
    for (Eigen::SparseMatrix<double>::InnerIterator it(m, col); it; ++it) {
      if (it.row() == col) continue;
      it.valueRef() = round_to(it.value(), quantum);
      sum += it.value();  // exact: multiples of `quantum` below 2^53 quantum
    }
    m.coeffRef(col, col) = target(col) - sum;
  }
}

/// The same for an axis operator in bands: column j holds upper of the cell before j (row
/// before), diagonal[j] and lower of the cell after j (row after), where those cells exist.
/// `target` may be an expression (read once per column).
template <class Target>
void set_column_sums(AxisBands& bands, const Eigen::MatrixBase<Target>& target) {
  const auto cells = static_cast<Eigen::Index>(bands.diagonal.size());
  const auto s = static_cast<Eigen::Index>(bands.stride), n = static_cast<Eigen::Index>(bands.length);
  for (Eigen::Index base = 0; base < cells; base += s * n) {
    for (Eigen::Index j = 0; j < n; ++j) {
      for (Eigen::Index col = base + j * s; col < base + (j + 1) * s; ++col) {
        double* from_before = j > 0 || bands.periodic ? &bands.upper(j > 0 ? col - s : col + (n - 1) * s) : nullptr;
        double* from_after = j + 1 < n || bands.periodic ? &bands.lower(j + 1 < n ? col + s : col - (n - 1) * s) : nullptr;
        const ColumnQuantum quantum = column_quantum(std::abs(target(col)) + (from_before ? std::abs(*from_before) : 0.0) +
                                                     (from_after ? std::abs(*from_after) : 0.0));
        double sum = 0.0;
        for (double* entry : {from_before, from_after}) {
          if (entry == nullptr) continue;
          *entry = round_to(*entry, quantum);
          sum += *entry;  // exact, as above
        }
        bands.diagonal(col) = target(col) - sum;
      }
    }
  }
}

/// Σ_i m_ij for every column j.
[[nodiscard]] inline Eigen::VectorXd column_sums(const Eigen::SparseMatrix<double>& m) {
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(m.cols());
  for (Eigen::Index col = 0; col < m.outerSize(); ++col) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(m, col); it; ++it) sums(col) += it.value();
  }
  return sums;
}

/// After a solve of a system whose exact solution keeps Σ_j (column sum)_j p_j = mass_before:
/// rescales p so that it does again (mass_after is that sum for the computed p), and records
/// the relative size of the correction — round-off unless the solve went wrong.
inline void restore_mass(Eigen::VectorXd& p, double mass_before, double mass_after, double& largest_correction) {
  if (mass_after > 0.0 && mass_before > 0.0) {
    largest_correction = std::max(largest_correction, std::abs(mass_after / mass_before - 1.0));
    p *= mass_before / mass_after;
  }
}

}  // namespace kolmo::pde::detail
