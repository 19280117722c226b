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
#include <cmath>

namespace kolmo::pde::detail {

/// Sets the (stored) diagonal of `m` so that column j sums exactly to target_j (see above).
inline void set_column_sums(Eigen::SparseMatrix<double>& m, const Eigen::VectorXd& target) {
  for (Eigen::Index col = 0; col < m.outerSize(); ++col) {
    double scale = std::abs(target(col));
    for (Eigen::SparseMatrix<double>::InnerIterator it(m, col); it; ++it) {
      if (it.row() != col) scale += std::abs(it.value());
    }
    const double quantum = std::ldexp(1.0, std::max(std::ilogb(std::max(scale, 1e-300)) + 1, -1000) - 50);
    double sum = 0.0;
    for (Eigen::SparseMatrix<double>::InnerIterator it(m, col); it; ++it) {
      if (it.row() == col) continue;
      it.valueRef() = std::nearbyint(it.value() / quantum) * quantum;
      sum += it.value();  // exact: multiples of `quantum` below 2^53 quantum
    }
    m.coeffRef(col, col) = target(col) - sum;
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
