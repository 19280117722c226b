#include "kolmo/pde/theta_method.hpp"

#include <Eigen/SparseLU>
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>

#include "axis_bands.hpp"
#include "column_sums.hpp"
#include "douglas_adi.hpp"
#include "time_steps.hpp"
#include "tridiagonal_lu.hpp"
#include "kolmo/core/validate.hpp"

namespace kolmo::pde {
namespace {

using SparseMatrix = Eigen::SparseMatrix<double>;
using detail::solve_name;
using detail::step_count;

/// How a step ended: its factorisation failed, or p is (not) finite everywhere after it.
enum class Step { singular, finite, non_finite };

Step finiteness(const Eigen::VectorXd& p) { return detail::all_finite(p) ? Step::finite : Step::non_finite; }

/// The operator at the times the θ-method asks for, assembled (and its implicit system
/// I − c L factorised) only when the time changes — once per run for time-independent
/// coefficients. Every implicit solve is followed by the mass bookkeeping of column_sums.hpp.
/// A 1-D grid with walls gives tridiagonal systems: L is assembled as bands and solved by the
/// partitioned Thomas algorithm when I − c L is diagonally dominant (always, with exponential
/// fitting); otherwise, and in 2-D and 3-D, L is a sparse matrix and Eigen's pivoting sparse LU
/// solves.
class ThetaStepper {
 public:
  ThetaStepper(const FokkerPlanck& equation, double coefficient, bool time_dependent)
      : equation_(equation), coefficient_(coefficient), time_dependent_(time_dependent),
        banded_(equation.grid().dimension() == 1 && equation.grid().axis(0).boundary != Boundary::periodic) {}

  /// (I − c L(t_new)) p' = p.
  Step implicit_euler(double t_new, Eigen::VectorXd& p) {
    return implicit_solve(t_new, p, std::nullopt);  // the right-hand side's matrix is I: Σ p is kept
  }

  /// (I − c L(t_new)) p' = (I + c L(t_old)) p. For time-independent L as the implicit midpoint
  /// rule p' = 2 (I − c L)⁻¹ p − p (the same step: see TridiagonalLu::midpoint_keeping_mass),
  /// which saves the explicit product and its pass over p.
  Step crank_nicolson(double t_old, double t_new, Eigen::VectorXd& p) {
    if (!time_dependent_) return midpoint(t_new, p);
    const Operator& explicit_part = at(t_old);
    const double mass = (1.0 + coefficient_ * explicit_part.column_sums.array()).matrix().dot(p);  // columns of I + c L
    if (banded_) {
      detail::multiply(explicit_part.bands, p, product_);
    } else {
      product_ = explicit_part.matrix * p;
    }
    p += coefficient_ * product_;
    return implicit_solve(t_new, p, mass);
  }

  std::uint64_t factorisations = 0;
  double largest_mass_correction = 0.0;  ///< relative; round-off level unless a solve went wrong
  std::string linear_solver;

 private:
  struct Operator {
    double time = 0.0;
    bool assembled = false;
    AxisBands bands;              // 1-D with walls
    SparseMatrix matrix;          // otherwise
    Eigen::VectorXd column_sums;  // 0, or minus the absorbing loss rate
  };

  const Operator& at(double t) {
    for (const Operator& op : cache_) {
      if (op.assembled && (op.time == t || !time_dependent_)) return op;
    }
    Operator& slot = cache_[next_slot_];
    next_slot_ = 1 - next_slot_;
    slot.time = t;
    slot.assembled = true;
    if (banded_) {
      slot.bands = std::move(equation_.axis_bands(t).front());
      slot.column_sums = -slot.bands.loss;
    } else {
      slot.matrix = equation_.generator(t);
      slot.column_sums = detail::column_sums(slot.matrix);
    }
    return slot;
  }

  /// Factorises I − c L(t) unless that is done already. False if the factorisation fails.
  bool prepare(double t) {
    const Operator& op = at(t);
    if (factorised_ && factorised_time_ == op.time) return true;
    factorised_ = banded_ ? factorise_bands(op) : factorise_sparse(op);
    ++factorisations;
    factorised_time_ = op.time;
    return factorised_;
  }

  /// The tridiagonal system: Thomas (partitioned) when diagonally dominant, else the sparse LU.
  bool factorise_bands(const Operator& op) {
    detail::implicit_system(op.bands, coefficient_, banded_system_);
    const AxisBands& a = banded_system_.bands;
    system_column_sums_ = banded_system_.column_sums;
    const auto lower = detail::as_span(a.lower), diagonal = detail::as_span(a.diagonal), upper = detail::as_span(a.upper);
    use_tridiagonal_ = detail::TridiagonalLu::diagonally_dominant(lower, diagonal, upper);
    linear_solver = use_tridiagonal_ ? "tridiagonal" : "sparse_lu";
    if (use_tridiagonal_) return tridiagonal_.factorise(lower, diagonal, upper);
    lu_.compute(a.matrix());
    return lu_.info() == Eigen::Success;
  }

  bool factorise_sparse(const Operator& op) {
    SparseMatrix identity(op.matrix.rows(), op.matrix.cols());
    identity.setIdentity();
    SparseMatrix system = identity - coefficient_ * op.matrix;
    system_column_sums_ = (1.0 - coefficient_ * op.column_sums.array()).matrix();
    detail::set_column_sums(system, system_column_sums_);
    use_tridiagonal_ = false;
    linear_solver = "sparse_lu";
    lu_.compute(system);
    return lu_.info() == Eigen::Success;
  }

  /// Solves (I − c L(t_new)) p' = p in place; `mass_before` (default Σ p) is what the exact
  /// solve keeps: Σ_j (column sum of the system)_j p'_j.
  Step implicit_solve(double t_new, Eigen::VectorXd& p, std::optional<double> mass_before) {
    if (!prepare(t_new)) return Step::singular;
    if (use_tridiagonal_) return record(tridiagonal_.solve_keeping_mass(detail::as_span(p), mass_before));
    const double mass = mass_before.value_or(p.sum());
    p = lu_.solve(p);
    detail::restore_mass(p, mass, system_column_sums_.dot(p), largest_mass_correction);
    return finiteness(p);
  }

  /// p' = 2 (I − c L(t_new))⁻¹ p − p, keeping what the exact step keeps: with s the column
  /// sums of I − c L, Σ s_j p'_j = Σ (2 − s_j) p_j (the column sums of I + c L).
  Step midpoint(double t_new, Eigen::VectorXd& p) {
    if (!prepare(t_new)) return Step::singular;
    if (use_tridiagonal_) return record(tridiagonal_.midpoint_keeping_mass(detail::as_span(p)));
    const double mass = 2.0 * p.sum() - system_column_sums_.dot(p);
    p = 2.0 * lu_.solve(p) - p;
    detail::restore_mass(p, mass, system_column_sums_.dot(p), largest_mass_correction);
    return finiteness(p);
  }

  Step record(const detail::TridiagonalLu::Report& report) {
    largest_mass_correction = std::max(largest_mass_correction, report.mass_correction);
    return report.finite ? Step::finite : Step::non_finite;
  }

  const FokkerPlanck& equation_;
  double coefficient_;
  bool time_dependent_;
  bool banded_;  // 1-D with walls: L as bands, systems tridiagonal
  std::array<Operator, 2> cache_;
  int next_slot_ = 0;
  detail::ImplicitSystem banded_system_;
  Eigen::VectorXd system_column_sums_, product_;
  Eigen::SparseLU<SparseMatrix> lu_;
  detail::TridiagonalLu tridiagonal_;
  bool use_tridiagonal_ = false;
  bool factorised_ = false;
  double factorised_time_ = 0.0;
};

}  // namespace

FokkerPlanckSolution solve(const GridProblem<FokkerPlanck>& problem, const ThetaMethod& method,
                           const GridOptions& options) {
  const auto& [equation, initial, t1] = problem;
  const std::vector<double>& snapshot_times = options.snapshot_times;
  const auto start = std::chrono::steady_clock::now();
  require(equation.grid() == initial.grid(), solve_name, "initial.grid()", "a different grid",
          "the operator's grid");
  const double t0 = initial.time();
  const std::uint64_t steps = step_count(t0, t1, method.dt);
  const double h = (t1 - t0) / static_cast<double>(steps);
  const auto time_at = [&](double n) { return n >= static_cast<double>(steps) ? t1 : t0 + n * h; };

  const auto due = detail::snapshot_schedule(snapshot_times, t0, t1, h, steps);

  const bool crank_nicolson = method.scheme == TimeScheme::crank_nicolson;
  const std::uint64_t rannacher = crank_nicolson || method.scheme == TimeScheme::douglas_adi ? std::min<std::uint64_t>(method.rannacher_steps, steps) : 0;
  FokkerPlanckSolution solution{initial, std::vector<DensityField>(snapshot_times.size(), initial), 0.0, {}, {}};
  Eigen::VectorXd p = initial.values();
  const Grid& grid = initial.grid();
  const auto record = [&](std::uint64_t n) {
    for (std::size_t s : due[n]) solution.snapshots[s] = DensityField::computed(grid, p, time_at(static_cast<double>(n)));
  };
  record(0);

  // I − (h/2) L serves Crank–Nicolson and its implicit Euler half steps alike; I − (h/2) L_k
  // serves Douglas ADI with θ = ½ and its θ = 1 half steps.
  const bool adi = method.scheme == TimeScheme::douglas_adi;
  const bool time_dependent =
      detail::time_dependent(equation.sde().time_dependence(), method.time_dependent, "the SDE '" + equation.sde().name() + "'");
  ThetaStepper stepper(equation, crank_nicolson || adi ? 0.5 * h : h, time_dependent);
  detail::DouglasStepper douglas(equation, 0.5 * h, time_dependent);
  const auto advance = [&](std::uint64_t n, double t, double t_next) {
    if (adi) {
      const bool ok = n < rannacher ? douglas.step(t, 0.5 * h, 1.0, p) && douglas.step(t + 0.5 * h, 0.5 * h, 1.0, p)
                                    : douglas.step(t, h, 0.5, p);
      return ok ? finiteness(p) : Step::singular;
    }
    if (!crank_nicolson) return stepper.implicit_euler(t_next, p);
    if (n < rannacher) {
      const Step half = stepper.implicit_euler(t + 0.5 * h, p);
      return half == Step::finite ? stepper.implicit_euler(t_next, p) : half;
    }
    return stepper.crank_nicolson(t, t_next, p);
  };
  for (std::uint64_t n = 0; n < steps && solution.status.ok(); ++n) {
    const double t = time_at(static_cast<double>(n));
    const double t_next = time_at(static_cast<double>(n + 1));
    const Step outcome = advance(n, t, t_next);
    if (outcome == Step::singular) {
      solution.status = Status::failure(StatusCode::not_converged, "step " + std::to_string(n) + " at t = " + describe_value(t),
                                        "the sparse LU factorisation of I − θ dt L failed (singular matrix)");
    } else if (outcome == Step::non_finite) {
      solution.status = Status::failure(StatusCode::non_finite, "t = " + describe_value(t_next),
                                        "the density became non-finite");
    } else {
      solution.stats.steps = n + 1;
      record(n + 1);
    }
  }
  solution.stats.factorisations = adi ? douglas.factorisations : stepper.factorisations;
  solution.stats.largest_mass_correction = adi ? douglas.largest_mass_correction : stepper.largest_mass_correction;
  solution.stats.linear_solver = adi ? "adi_lines" : stepper.linear_solver;
  const double t_end = time_at(static_cast<double>(solution.stats.steps));
  solution.density = DensityField::computed(grid, p, t_end);
  solution.absorbed_mass = initial.mass() - solution.density.mass();
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace kolmo::pde
