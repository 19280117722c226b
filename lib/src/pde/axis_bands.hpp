#pragma once
// Internal: what the implicit steppers do with an axis operator L_k in bands (AxisBands,
// pde/fokker_planck.hpp) — its product with a vector, and the implicit system I − c L_k with the
// exact column sums of column_sums.hpp — without a sparse matrix in between.

#include <Eigen/Core>
#include <span>

#include "column_sums.hpp"
#include "kolmo/pde/fokker_planck.hpp"

namespace kolmo::pde::detail {

/// An Eigen vector's values as the span the line solvers take.
inline std::span<const double> as_span(const Eigen::VectorXd& v) { return {v.data(), static_cast<std::size_t>(v.size())}; }
inline std::span<double> as_span(Eigen::VectorXd& v) { return {v.data(), static_cast<std::size_t>(v.size())}; }

/// y = L_k p for an axis with walls (not periodic). lower is 0 at the first cell of every line
/// and upper at the last, so offsetting the whole grid by one stride pairs every entry with its
/// neighbour: one contiguous, vectorised pass instead of a sparse product.
inline void multiply(const AxisBands& l, const Eigen::VectorXd& p, Eigen::VectorXd& y) {
  const auto n = p.size(), s = static_cast<Eigen::Index>(l.stride), inner = n - 2 * s;  // n ≥ 3 s
  y.resize(n);
  y.segment(s, inner) = l.diagonal.segment(s, inner).cwiseProduct(p.segment(s, inner)) +
                        l.lower.segment(s, inner).cwiseProduct(p.segment(0, inner)) +
                        l.upper.segment(s, inner).cwiseProduct(p.segment(2 * s, inner));
  y.head(s) = l.diagonal.head(s).cwiseProduct(p.head(s)) + l.upper.head(s).cwiseProduct(p.segment(s, s));
  y.tail(s) = l.diagonal.tail(s).cwiseProduct(p.tail(s)) + l.lower.tail(s).cwiseProduct(p.segment(n - 2 * s, s));
}

/// I − c L_k as bands, with its columns made to sum exactly to what the exact system's do,
/// 1 + c loss (mass leaves only through absorbing faces).
struct ImplicitSystem {
  AxisBands bands;  // its loss is unused
  Eigen::VectorXd column_sums;
};

/// Forms I − c L into `system`, reusing its storage (a factorisation per axis, and per step
/// with time-dependent coefficients, would otherwise allocate — and page-fault — afresh).
inline void implicit_system(const AxisBands& l, double c, ImplicitSystem& system) {
  system.bands.stride = l.stride;
  system.bands.length = l.length;
  system.bands.periodic = l.periodic;
  system.bands.lower = -c * l.lower;
  system.bands.diagonal = (1.0 - c * l.diagonal.array()).matrix();
  system.bands.upper = -c * l.upper;
  system.column_sums = (1.0 + c * l.loss.array()).matrix();
  set_column_sums(system.bands, system.column_sums);
}

}  // namespace kolmo::pde::detail
