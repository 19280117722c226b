#include "kolmo/pde/theta_method.hpp"

#include <Eigen/SparseLU>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::pde {
namespace {

constexpr const char* solve_name = "kolmo::pde::solve";
using SparseMatrix = Eigen::SparseMatrix<double>;

bool same_grid(const Grid& a, const Grid& b) {
  if (a.dimension() != b.dimension()) return false;
  for (std::size_t k = 0; k < a.dimension(); ++k) {
    const Axis &x = a.axis(k), &y = b.axis(k);
    if (x.lower != y.lower || x.upper != y.upper || x.cells != y.cells || x.boundary != y.boundary) return false;
  }
  return true;
}

std::uint64_t step_count(double t0, double t1, double dt) {
  require(std::isfinite(t1) && t1 > t0, solve_name, "t1", t1, "finite and after the initial time " + describe_value(t0));
  require(std::isfinite(dt) && dt > 0.0, solve_name, "method.dt", dt, "positive and finite");
  const double steps = (t1 - t0) / dt;
  const double rounded = std::round(steps);
  require(rounded >= 1.0 && std::abs(steps - rounded) <= 1e-9 * rounded, solve_name, "method.dt", dt,
          "a divisor of t1 − t0 = " + describe_value(t1 - t0));
  return static_cast<std::uint64_t>(rounded);
}

/// One factorised system matrix I − c h L.
class ImplicitSystem {
 public:
  bool factorise(const SparseMatrix& l, double coefficient) {
    SparseMatrix identity(l.rows(), l.cols());
    identity.setIdentity();
    matrix_ = identity - coefficient * l;
    lu_.compute(matrix_);
    ++factorisations;
    return lu_.info() == Eigen::Success;
  }
  [[nodiscard]] Eigen::VectorXd solve(const Eigen::VectorXd& rhs) const { return lu_.solve(rhs); }
  std::uint64_t factorisations = 0;

 private:
  SparseMatrix matrix_;
  Eigen::SparseLU<SparseMatrix> lu_;
};

}  // namespace

FokkerPlanckSolution solve(const FokkerPlanck& equation, const DensityField& initial, double t1,
                           const ThetaMethod& method, const std::vector<double>& snapshot_times) {
  const auto start = std::chrono::steady_clock::now();
  require(same_grid(equation.grid(), initial.grid()), solve_name, "initial.grid()", "a different grid",
          "the operator's grid");
  const double t0 = initial.time();
  const std::uint64_t steps = step_count(t0, t1, method.dt);
  const double h = (t1 - t0) / static_cast<double>(steps);
  const auto time_at = [&](double n) { return n >= static_cast<double>(steps) ? t1 : t0 + n * h; };

  std::vector<std::vector<std::size_t>> due(steps + 1);
  for (std::size_t s = 0; s < snapshot_times.size(); ++s) {
    const double position = (snapshot_times[s] - t0) / h;
    const double k = std::round(position);
    require(std::isfinite(position) && k >= 0 && k <= static_cast<double>(steps) && std::abs(position - k) <= 1e-9 * std::max(1.0, k),
            solve_name, "snapshot_times[" + std::to_string(s) + "]", snapshot_times[s],
            "a time t0 + k dt in [" + describe_value(t0) + ", " + describe_value(t1) + "]");
    due[static_cast<std::size_t>(k)].push_back(s);
  }

  const bool crank_nicolson = method.scheme == TimeScheme::crank_nicolson;
  const std::uint64_t rannacher = crank_nicolson ? std::min<std::uint64_t>(method.rannacher_steps, steps) : 0;
  FokkerPlanckSolution solution{initial, std::vector<DensityField>(snapshot_times.size(), initial), 0.0, {}, {}};
  Eigen::VectorXd p = initial.values();
  const Grid& grid = initial.grid();
  const auto record = [&](std::uint64_t n) {
    for (std::size_t s : due[n]) solution.snapshots[s] = DensityField::computed(grid, p, time_at(static_cast<double>(n)));
  };
  record(0);

  // With time-independent coefficients the same matrix serves every step: I − h L for implicit
  // Euler, I − (h/2) L for Crank–Nicolson and its implicit Euler half steps alike.
  ImplicitSystem system;
  SparseMatrix l = equation(t0);
  const double coefficient = crank_nicolson ? 0.5 * h : h;
  bool factorised = method.time_dependent ? true : system.factorise(l, coefficient);
  for (std::uint64_t n = 0; n < steps && solution.status.ok(); ++n) {
    const double t = time_at(static_cast<double>(n));
    const bool half_steps = n < rannacher;
    if (method.time_dependent) {
      if (crank_nicolson && !half_steps) {
        p += 0.5 * h * (equation(t) * p);  // explicit half with L(t_n)
        factorised = system.factorise(equation(time_at(static_cast<double>(n + 1))), coefficient);
      } else if (half_steps) {
        factorised = system.factorise(equation(t + 0.5 * h), coefficient);
        if (factorised) p = system.solve(p);
        if (factorised) factorised = system.factorise(equation(time_at(static_cast<double>(n + 1))), coefficient);
      } else {
        factorised = system.factorise(equation(time_at(static_cast<double>(n + 1))), coefficient);
      }
      if (factorised) p = system.solve(p);
    } else if (factorised) {
      if (half_steps) {
        p = system.solve(system.solve(p));
      } else {
        if (crank_nicolson) p += 0.5 * h * (l * p);
        p = system.solve(p);
      }
    }
    const double t_next = time_at(static_cast<double>(n + 1));
    if (!factorised) {
      solution.status = Status::failure(StatusCode::not_converged, "step " + std::to_string(n) + " at t = " + describe_value(t),
                                        "the sparse LU factorisation of I − θ dt L failed (singular matrix)");
    } else if (!p.allFinite()) {
      solution.status = Status::failure(StatusCode::non_finite, "t = " + describe_value(t_next),
                                        "the density became non-finite");
    } else {
      solution.stats.steps = n + 1;
      record(n + 1);
    }
  }
  const double t_end = time_at(static_cast<double>(solution.stats.steps));
  solution.density = DensityField::computed(grid, p, t_end);
  solution.absorbed_mass = initial.mass() - solution.density.mass();
  solution.stats.factorisations = system.factorisations;
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace kolmo::pde
