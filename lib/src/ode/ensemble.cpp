#include "kolmo/ode/ensemble.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include "batch_integrate.hpp"
#include "kolmo/ensemble/batches.hpp"
#include "kolmo/core/validate.hpp"

namespace kolmo::ode {
namespace {

constexpr const char* where = "kolmo::ode::solve";

/// The distinct observation times, in integration order, and where each request finds its time.
struct TimeTable {
  std::vector<double> times;                 // distinct, sorted in the integration direction
  std::vector<std::size_t> snapshot, moment, histogram;  // index into times per request
};

TimeTable make_table(const ensemble::Observations& observe, double t0, double t1) {
  std::vector<double> all = observe.snapshot_times;
  all.insert(all.end(), observe.moment_times.begin(), observe.moment_times.end());
  for (const ensemble::HistogramRequest& request : observe.histograms) all.push_back(request.time);
  const double lo = std::min(t0, t1), hi = std::max(t0, t1);
  for (double time : all) {
    require(std::isfinite(time) && time >= lo && time <= hi, where, "observation time", time,
            "a time in [" + describe_value(lo) + ", " + describe_value(hi) + "]");
  }
  TimeTable table;
  table.times = all;
  const bool forward = t1 > t0;
  std::sort(table.times.begin(), table.times.end(), [forward](double a, double b) { return forward ? a < b : a > b; });
  table.times.erase(std::unique(table.times.begin(), table.times.end()), table.times.end());
  const auto index_of = [&table](double time) {
    return static_cast<std::size_t>(std::find(table.times.begin(), table.times.end(), time) - table.times.begin());
  };
  for (double time : observe.snapshot_times) table.snapshot.push_back(index_of(time));
  for (double time : observe.moment_times) table.moment.push_back(index_of(time));
  for (const ensemble::HistogramRequest& request : observe.histograms) table.histogram.push_back(index_of(request.time));
  return table;
}

/// A batch of Rosenbrock paths, one ode::integrate each: a stiff method needs each state's
/// Jacobian, and its linear solves are per path anyway.
detail::BatchTrajectories path_by_path(const Flow& flow, const Eigen::ArrayXXd& x0, double t0, double t1, const Method& method,
                                       const std::optional<DivergenceMethod>& log_density, const std::vector<double>& times,
                                       std::uint64_t seed, std::uint64_t first_path) {
  const Eigen::Index n = x0.rows(), d = x0.cols();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  detail::BatchTrajectories batch;
  batch.terminal = Eigen::ArrayXXd::Constant(n, d, nan);
  batch.observed.assign(times.size(), Eigen::ArrayXXd::Constant(n, d, nan));
  if (log_density) {
    batch.log_density_change = Eigen::ArrayXd::Constant(n, nan);
    batch.log_density_standard_error = Eigen::ArrayXd::Constant(n, nan);
  }
  IntegrateOptions path_options{.log_density = log_density, .observe_times = times, .seed = seed};
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::VectorXd x_start = x0.row(i).transpose();
    if (!x_start.allFinite()) {
      batch.failures.push_back({i, t0, StatusCode::non_finite, "non-finite initial state", x_start});
      continue;
    }
    path_options.path = first_path + static_cast<std::uint64_t>(i);
    TrajectorySolution path = integrate(flow, x_start, t0, t1, method, path_options);
    batch.evaluations += path.velocity_evaluations;
    batch.steps = std::max(batch.steps, path.steps);
    if (path.status.ok() && path.observed.size() != times.size()) {
      path.status = Status::failure(StatusCode::not_converged, "t = " + describe_value(t1), "missing observations");
      path.failure_time = t1;
    }
    for (std::size_t k = 0; k < path.observed.size() && k < times.size(); ++k) {
      batch.observed[k].row(i) = path.observed[k].transpose().array();
    }
    if (!path.status.ok()) {
      batch.failures.push_back({i, path.failure_time, path.status.code, path.status.message, path.state});
      continue;
    }
    batch.terminal.row(i) = path.state.transpose().array();
    if (log_density) {
      batch.log_density_change(i) = path.log_density_change;
      batch.log_density_standard_error(i) = path.log_density_standard_error;
    }
  }
  return batch;
}

}  // namespace

FlowEnsembleSolution solve(const FlowProblem& problem, const Method& method, const FlowEnsembleOptions& options) {
  const Flow& flow = problem.flow;
  const ensemble::InitialLaw& initial = problem.initial;
  const double t0 = problem.t0, t1 = problem.t1;
  const std::uint64_t seed = problem.seed;
  const auto start = std::chrono::steady_clock::now();
  const std::size_t d = flow.dimension();
  require(initial.dimension() == d, where, "initial.dimension()", initial.dimension(),
          "the flow's dimension " + describe_value(d));
  require_at_least(where, "options.paths", options.paths, 1);
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
  if (initial.fixed_paths() > 0) {
    require(options.first_path + options.paths <= initial.fixed_paths(), where, "options.first_path + options.paths",
            options.first_path + options.paths, "at most the number of initial points, " + describe_value(initial.fixed_paths()));
  }
  ensemble::validate_histograms(options.observe, d, where);
  const TimeTable table = make_table(options.observe, t0, t1);

  FlowEnsembleSolution result;
  ensemble::EnsembleSolution& solution = result.ensemble;
  solution.scheme = "ode";
  solution.t0 = t0;
  solution.t1 = t1;
  solution.dt = std::numeric_limits<double>::quiet_NaN();  // adaptive: no single step
  ensemble::prepare_observations(solution, options.observe, options.paths, d, options.distributed);
  const auto paths = static_cast<Eigen::Index>(
      options.distributed.communicator ? ensemble::local_rows(options.paths, d, *options.distributed.communicator).count
                                       : options.paths);  // this process's rows
  if (options.log_density) {
    result.log_density_change.resize(paths);
    result.log_density_standard_error.resize(paths);
  }
  const ensemble::Observations& observe = options.observe;
  const std::size_t batch = ensemble::batch_size(d);
  const std::size_t batches = (options.paths + batch - 1) / batch;

  ensemble::run_in_waves(batches, options.threads, solution, [&](std::size_t index, ensemble::BatchRecord& record) {
    const std::size_t first_row = index * batch;
    const std::size_t count = std::min<std::uint64_t>(batch, options.paths - first_row);
    const std::uint64_t first_path = options.first_path + first_row;
    ensemble::BatchObserver observer(observe, d, first_row, count, record);
    const Eigen::ArrayXXd x0 = initial.sample(seed, first_path, count);
    const detail::BatchTrajectories batch_run = std::holds_alternative<Rosenbrock>(method)
                                            ? path_by_path(flow, x0, t0, t1, method, options.log_density, table.times, seed,
                                                           first_path)
                                            : detail::integrate_batch(flow, x0, t0, t1, method, options.log_density,
                                                                      table.times, seed, first_path);
    record.drift_evaluations += batch_run.evaluations;
    record.steps = std::max(record.steps, batch_run.steps);
    for (const detail::BatchFailure& failure : batch_run.failures) {
      // Where the path stopped: the last finite time; component and value those of the state at
      // the failure (the first non-finite component, if any).
      const Eigen::VectorXd& state = failure.last_state;
      std::size_t component = 0;
      while (component + 1 < d && std::isfinite(state(static_cast<Eigen::Index>(component)))) ++component;
      observer.stop(static_cast<std::size_t>(failure.row), {first_path + static_cast<std::uint64_t>(failure.row), failure.time,
                                                            component, state(static_cast<Eigen::Index>(component))});
    }
    const Eigen::ArrayXXd& terminal = batch_run.terminal;
    const std::vector<Eigen::ArrayXXd>& at_time = batch_run.observed;
    if (options.log_density) {
      const auto row = static_cast<Eigen::Index>(first_row - record.row_offset);  // this process's row
      result.log_density_change.segment(row, static_cast<Eigen::Index>(count)) = batch_run.log_density_change;
      result.log_density_standard_error.segment(row, static_cast<Eigen::Index>(count)) = batch_run.log_density_standard_error;
    }
    for (std::size_t s = 0; s < table.snapshot.size(); ++s) observer.snapshot(solution.snapshots[s].states, at_time[table.snapshot[s]]);
    if (observe.terminal) observer.snapshot(solution.terminal, terminal);
    for (std::size_t s = 0; s < table.moment.size(); ++s) observer.moments(s, at_time[table.moment[s]]);
    for (std::size_t s = 0; s < table.histogram.size(); ++s) observer.histogram(s, at_time[table.histogram[s]]);
  }, options.distributed);
  if (options.log_density) {
    ensemble::gather_path_values({&result.log_density_change, &result.log_density_standard_error}, options.paths,
                                 options.distributed);
  }
  ensemble::set_failure_status(solution, "failed to integrate (see the per-path status of ode::integrate)");
  result.velocity_evaluations = solution.stats.drift_evaluations;
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace kolmo::ode
