#include "douglas_adi.hpp"

#include <algorithm>
#include <cmath>

#include "axis_bands.hpp"
#include "column_sums.hpp"

namespace kolmo::pde::detail {

DouglasStepper::DouglasStepper(const FokkerPlanck& equation, double implicit_coefficient, bool time_dependent)
    : equation_(equation), coefficient_(implicit_coefficient), time_dependent_(time_dependent),
      axes_(equation.grid().dimension()) {}

void DouglasStepper::assemble(double t, std::vector<AxisOperator>& into, Eigen::SparseMatrix<double>& mixed) {
  into.clear();
  for (AxisBands& bands : equation_.axis_bands(t)) {
    Eigen::SparseMatrix<double> matrix = bands.periodic ? bands.matrix() : Eigen::SparseMatrix<double>();
    into.push_back({std::move(bands), std::move(matrix)});
  }
  if (equation_.grid().dimension() != 2) return;  // mixed derivatives are discretised in 2-D only
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
  AxisSystem& axis = axes_[k];
  const AxisBands& l = (time_dependent_ ? next_ : now_)[k].bands;  // L_k(t_{n+1})
  implicit_system(l, coefficient_, system_);
  const AxisBands& a = system_.bands;
  axis.system_column_sums = system_.column_sums;
  ++factorisations;
  // The lines along a wall-bounded axis are one tridiagonal system with neighbours `stride`
  // apart (lower and upper 0 where a line ends): along axis 0 the partitioned solver takes them
  // as such, along the others all lines advance together (strided_lines.hpp).
  const auto lower = as_span(a.lower), diagonal = as_span(a.diagonal), upper = as_span(a.upper);
  if (!l.periodic && TridiagonalLu::diagonally_dominant(lower, diagonal, upper, l.stride)) {
    axis.solver = l.stride == 1 ? AxisSystem::Solver::lines : AxisSystem::Solver::strided;
    return l.stride == 1 ? axis.lines.factorise(lower, diagonal, upper)
                         : axis.strided.factorise(l.stride, l.length, lower, diagonal, upper);
  }
  axis.solver = AxisSystem::Solver::lu;
  axis.lu.compute(a.matrix());
  return axis.lu.info() == Eigen::Success;
}

void DouglasStepper::solve_stage(std::size_t k, Eigen::VectorXd& y) {
  AxisSystem& axis = axes_[k];
  if (axis.solver == AxisSystem::Solver::lines) {  // keeps the right-hand side's mass itself
    const double correction = axis.lines.solve_keeping_mass(as_span(y)).mass_correction;
    largest_mass_correction = std::max(largest_mass_correction, correction);
    return;
  }
  const double mass_before = y.sum();  // the right-hand side's own mass: what the exact solve keeps
  if (axis.solver == AxisSystem::Solver::strided) {
    axis.strided.solve(as_span(y));
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
  // Buffers kept from step to step: a fresh grid-sized allocation per step costs page faults.
  // Y_0 itself is kept only for the Craig–Sneyd correction; otherwise it is formed in y.
  explicit_parts_.resize(now_.size());
  Eigen::VectorXd& y0 = mixed_ ? y0_ : y_;
  y0 = p;
  for (std::size_t k = 0; k < now_.size(); ++k) {
    if (now_[k].bands.periodic) {
      explicit_parts_[k] = now_[k].matrix * p;
    } else {
      multiply(now_[k].bands, p, explicit_parts_[k]);
    }
    y0 += h * explicit_parts_[k];
  }
  if (mixed_) {
    mixed_start_ = mixed_now_ * p;
    y0_ += h * mixed_start_;
    y_ = y0_;
  }
  sweep(h, theta, explicit_parts_, y_);
  if (mixed_) {  // the Craig–Sneyd correction
    const Eigen::SparseMatrix<double>& mixed_end = time_dependent_ ? mixed_next_ : mixed_now_;
    y_ = y0_ + 0.5 * h * (mixed_end * y_ - mixed_start_);
    sweep(h, theta, explicit_parts_, y_);
  }
  p.swap(y_);
  return true;
}

}  // namespace kolmo::pde::detail
