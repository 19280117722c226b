#include "kolmo/pde/method_of_lines.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "kolmo/core/rosenbrock.hpp"
#include "kolmo/core/validate.hpp"
#include "time_steps.hpp"

namespace kolmo::pde {
namespace {

constexpr const char* solve_name = "kolmo::pde::solve (method of lines)";

/// L(t), cached for the last time asked (Odeint evaluates the right-hand side and the Jacobian
/// at the same t several times per step).
class OperatorAt {
 public:
  OperatorAt(const FokkerPlanck& equation, bool time_dependent) : equation_(equation), time_dependent_(time_dependent) {}

  const Eigen::SparseMatrix<double>& operator()(double t) {
    if (!assembled_ || (time_dependent_ && t != time_)) {
      matrix_ = equation_.generator(t);
      time_ = t;
      assembled_ = true;
    }
    return matrix_;
  }

 private:
  const FokkerPlanck& equation_;
  bool time_dependent_;
  Eigen::SparseMatrix<double> matrix_;
  double time_ = 0.0;
  bool assembled_ = false;
};

}  // namespace

FokkerPlanckSolution solve(const GridProblem<FokkerPlanck>& problem, const MethodOfLines& method,
                           const GridOptions& options) {
  const auto& [equation, initial, t1] = problem;
  const std::vector<double>& snapshot_times = options.snapshot_times;
  const auto start = std::chrono::steady_clock::now();
  const Grid& grid = initial.grid();
  require(equation.grid() == grid, solve_name, "initial.grid()", "a different grid", "the operator's grid");
  require(grid.cells() <= MethodOfLines::max_cells, solve_name, "grid.cells()", grid.cells(),
          "at most " + describe_value(MethodOfLines::max_cells) + " (rosenbrock4 factorises dense matrices)");
  require_positive(solve_name, "method.absolute_tolerance", method.absolute_tolerance);
  require_positive(solve_name, "method.relative_tolerance", method.relative_tolerance);
  const double t0 = initial.time();
  require(std::isfinite(t1) && t1 > t0, solve_name, "t1", t1, "finite and after the initial time " + describe_value(t0));
  std::vector<double> times{t0};
  for (std::size_t s = 0; s < snapshot_times.size(); ++s) {
    require_closed_interval(solve_name, "snapshot_times[" + std::to_string(s) + "]", snapshot_times[s], t0, t1);
    times.push_back(snapshot_times[s]);
  }
  times.push_back(t1);
  std::sort(times.begin() + 1, times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());

  const auto n = static_cast<Eigen::Index>(grid.cells());
  const bool time_dependent =
      detail::time_dependent(equation.sde().time_dependence(), method.time_dependent, "the SDE '" + equation.sde().name() + "'");
  OperatorAt l(equation, time_dependent);
  const auto rhs = [&](const std::vector<double>& y, std::vector<double>& dydt, double t) {
    Eigen::Map<Eigen::VectorXd>(dydt.data(), n) = l(t) * Eigen::Map<const Eigen::VectorXd>(y.data(), n);
  };
  const auto jacobian = [&](const std::vector<double>& y, std::vector<double>& row_major, std::vector<double>& dfdt,
                            double t) {
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(row_major.data(), n, n) = l(t);
    Eigen::Map<Eigen::VectorXd> rate(dfdt.data(), n);
    rate.setZero();
    if (time_dependent) {  // ∂_t (L p) by a central difference: error ~1e-11 relative
      const double delta = 1e-5 * std::max(1.0, std::abs(t));
      const Eigen::Map<const Eigen::VectorXd> p(y.data(), n);
      const Eigen::VectorXd ahead = equation.generator(t + delta) * p;
      rate = (ahead - equation.generator(t - delta) * p) / (2 * delta);
    }
  };

  FokkerPlanckSolution solution{initial, std::vector<DensityField>(snapshot_times.size(), initial), 0.0, {}, {}};
  std::vector<double> y(initial.values().data(), initial.values().data() + n);
  std::vector<double> at_end;  // from the observer: dense output may step past t1
  const auto observe = [&](const std::vector<double>& state, double t) {
    if (t == t1) at_end = state;
    for (std::size_t s = 0; s < snapshot_times.size(); ++s) {
      if (snapshot_times[s] == t) {
        solution.snapshots[s] = DensityField::computed(grid, Eigen::Map<const Eigen::VectorXd>(state.data(), n), t);
      }
    }
  };
  try {
    solution.stats.steps = kolmo::rosenbrock_integrate(rhs, jacobian, y, times, method.absolute_tolerance,
                                                             method.relative_tolerance,
                                                             static_cast<int>(std::min<std::uint64_t>(method.max_steps, 1u << 30)),
                                                             observe);
  } catch (const std::runtime_error& error) {
    solution.status = Status::failure(StatusCode::not_converged, "between t = " + describe_value(t0) + " and " + describe_value(t1),
                                      std::string("Odeint's rosenbrock4 gave up: ") + error.what());
  }
  solution.stats.factorisations = solution.stats.steps;
  solution.stats.linear_solver = "rosenbrock4_dense";
  if (at_end.size() == y.size()) y = at_end;
  const Eigen::Map<const Eigen::VectorXd> p(y.data(), n);
  if (solution.status.ok() && !p.allFinite()) {
    solution.status = Status::failure(StatusCode::non_finite, "t = " + describe_value(t1), "the density became non-finite");
  }
  solution.density = DensityField::computed(grid, p, solution.status.ok() ? t1 : t0);
  solution.absorbed_mass = initial.mass() - solution.density.mass();
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace kolmo::pde
