#include "douglas_adi.hpp"

#include <algorithm>
#include <cmath>

#include "column_sums.hpp"

namespace kolmo::pde::detail {

DouglasStepper::DouglasStepper(const FokkerPlanck& equation, double implicit_coefficient, bool time_dependent)
    : equation_(equation), coefficient_(implicit_coefficient), time_dependent_(time_dependent),
      axes_(equation.grid().dimension()) {}

void DouglasStepper::assemble(double t, std::vector<Eigen::SparseMatrix<double>>& into,
                              Eigen::SparseMatrix<double>& mixed) {
  into = equation_.axis_operators(t);
  mixed = equation_.mixed_operator(t);
  mixed_ = mixed_ || mixed.nonZeros() > 0;
}

void DouglasStepper::sweep(double h, double theta, const std::vector<Eigen::VectorXd>& explicit_parts,
                           Eigen::VectorXd& y) {
  for (std::size_t k = 0; k < axes_.size(); ++k) {
    y -= theta * h * explicit_parts[k];
    solve_stage(k, y);
  }
}

bool DouglasStepper::factorise(std::size_t k) {
  const Grid& grid = equation_.grid();
  AxisSystem& axis = axes_[k];
  const Eigen::SparseMatrix<double>& l = (time_dependent_ ? next_ : now_)[k];  // L_k(t_{n+1})
  Eigen::SparseMatrix<double> identity(l.rows(), l.cols());
  identity.setIdentity();
  axis.system = identity - coefficient_ * l;
  axis.system_column_sums = (1.0 - coefficient_ * column_sums(l).array()).matrix();
  set_column_sums(axis.system, axis.system_column_sums);
  ++factorisations;

  // Lines along axis k: cells base + j·stride, j = 0 … n − 1; lower of j = 0 and upper of
  // j = n − 1 stay 0, so the lines together are one tridiagonal system with neighbours
  // `stride` apart. Axis 0 (stride 1) is solved as such by the partitioned solver; the other
  // axes by all lines at once (strided_lines.hpp).
  const std::size_t n = grid.axis(k).cells, stride = grid.stride(k);
  axis.use_lines = grid.axis(k).boundary != Boundary::periodic;
  if (axis.use_lines) {
    std::vector<double> lower(grid.cells(), 0.0), diagonal(grid.cells(), 0.0), upper(grid.cells(), 0.0);
    for (std::size_t c = 0; c < grid.cells(); ++c) {
      const std::size_t j = grid.coordinate(c, k);
      const auto i = static_cast<Eigen::Index>(c), s = static_cast<Eigen::Index>(stride);
      diagonal[c] = axis.system.coeff(i, i);
      if (j > 0) lower[c] = axis.system.coeff(i, i - s);
      if (j + 1 < n) upper[c] = axis.system.coeff(i, i + s);
    }
    axis.use_lines = TridiagonalLu::diagonally_dominant(lower, diagonal, upper, stride);
    if (axis.use_lines && stride == 1 && !axis.lines.factorise(lower, diagonal, upper)) return false;
    if (axis.use_lines && stride > 1 && !axis.strided.factorise(stride, n, lower, diagonal, upper)) return false;
  }
  if (!axis.use_lines) {
    axis.lu.compute(axis.system);
    return axis.lu.info() == Eigen::Success;
  }
  return true;
}

void DouglasStepper::solve_stage(std::size_t k, Eigen::VectorXd& y) {
  const Grid& grid = equation_.grid();
  AxisSystem& axis = axes_[k];
  const std::size_t stride = grid.stride(k);
  if (axis.use_lines && stride == 1) {  // keeps the right-hand side's mass itself
    const double correction = axis.lines.solve_keeping_mass({y.data(), static_cast<std::size_t>(y.size())});
    largest_mass_correction = std::max(largest_mass_correction, correction);
    return;
  }
  const double mass_before = y.sum();  // the right-hand side's own mass: what the exact solve keeps
  if (axis.use_lines) {
    axis.strided.solve({y.data(), static_cast<std::size_t>(y.size())});
  } else {
    y = axis.lu.solve(y);
  }
  restore_mass(y, mass_before, axis.system_column_sums.dot(y), largest_mass_correction);
}

bool DouglasStepper::step(double t, double h, double theta, Eigen::VectorXd& p) {
  // L_k at t (the explicit parts) and at t + h (the implicit ones); one assembly for all of a
  // run when the coefficients do not depend on time.
  if (!assembled_) {
    assemble(t, now_, mixed_now_);
    now_time_ = t;
    assembled_ = true;
  }
  if (time_dependent_) {
    if (now_time_ != t) {
      if (next_time_ == t && !next_.empty()) {
        now_ = std::move(next_);  // the previous step's end is this step's start
        mixed_now_ = std::move(mixed_next_);
      } else {
        assemble(t, now_, mixed_now_);
      }
      now_time_ = t;
    }
    assemble(t + h, next_, mixed_next_);
    next_time_ = t + h;
    factorised_ = false;
  }
  if (!factorised_) {
    for (std::size_t k = 0; k < axes_.size(); ++k) {
      if (!factorise(k)) return false;
    }
    factorised_ = true;
  }
  std::vector<Eigen::VectorXd> explicit_parts;
  Eigen::VectorXd y0 = p;
  for (const auto& l : now_) {
    explicit_parts.push_back(l * p);
    y0 += h * explicit_parts.back();
  }
  Eigen::VectorXd mixed_start;
  if (mixed_) {
    mixed_start = mixed_now_ * p;
    y0 += h * mixed_start;
  }
  Eigen::VectorXd y = y0;
  sweep(h, theta, explicit_parts, y);
  if (mixed_) {  // the Craig–Sneyd correction
    const Eigen::SparseMatrix<double>& mixed_end = time_dependent_ ? mixed_next_ : mixed_now_;
    y = y0 + 0.5 * h * (mixed_end * y - mixed_start);
    sweep(h, theta, explicit_parts, y);
  }
  p = std::move(y);
  return true;
}

}  // namespace kolmo::pde::detail
