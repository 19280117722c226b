#include "kolmo/ode/ensemble.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

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
  ensemble::prepare_observations(solution, options.observe, options.paths, d);
  const auto paths = static_cast<Eigen::Index>(options.paths);
  if (options.log_density) {
    result.log_density_change.resize(paths);
    result.log_density_standard_error.resize(paths);
  }
  const ensemble::Observations& observe = options.observe;
  const std::size_t batch = ensemble::batch_size(d);
  std::vector<std::uint64_t> evaluations((options.paths + batch - 1) / batch, 0);

  ensemble::run_in_waves(evaluations.size(), options.threads, solution, [&](std::size_t index, ensemble::BatchRecord& record) {
    const std::size_t first_row = index * batch;
    const std::size_t count = std::min<std::uint64_t>(batch, options.paths - first_row);
    const std::uint64_t first_path = options.first_path + first_row;
    ensemble::BatchObserver observer(observe, d, first_row, count, record);
    const Eigen::ArrayXXd x0 = initial.sample(seed, first_path, count);
    const Eigen::ArrayXXd unset = Eigen::ArrayXXd::Constant(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d),
                                                            std::numeric_limits<double>::quiet_NaN());
    std::vector<Eigen::ArrayXXd> at_time(table.times.size(), unset);
    Eigen::ArrayXXd terminal(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d));

    IntegrateOptions path_options;
    path_options.log_density = options.log_density;
    path_options.observe_times = table.times;
    path_options.seed = seed;
    for (std::size_t i = 0; i < count; ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      path_options.path = first_path + i;
      const Eigen::VectorXd x_start = x0.row(row).transpose();
      TrajectorySolution path;
      if (x_start.allFinite()) {
        path = integrate(flow, x_start, t0, t1, method, path_options);
      } else {
        path.status = Status::failure(StatusCode::non_finite, "t = " + describe_value(t0), "non-finite initial state");
        path.failure_time = t0;
        path.state = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(d));
      }
      evaluations[index] += path.velocity_evaluations;
      record.steps = std::max(record.steps, path.steps);
      if (path.status.ok() && path.observed.size() != table.times.size()) {
        path.status = Status::failure(StatusCode::not_converged, "t = " + describe_value(t1), "missing observations");
        path.failure_time = t1;
      }
      if (!path.status.ok()) {
        // Where the path stopped: the last finite time; component and value are those of the
        // state Odeint returned (the first non-finite component, if any).
        std::size_t component = 0;
        while (component + 1 < d && std::isfinite(path.state(static_cast<Eigen::Index>(component)))) ++component;
        observer.stop(i, {first_path + i, path.failure_time, component, path.state(static_cast<Eigen::Index>(component))});
      }
      terminal.row(row) = path.state.transpose().array();
      for (std::size_t k = 0; k < path.observed.size() && k < at_time.size(); ++k) {
        at_time[k].row(row) = path.observed[k].transpose().array();
      }
      if (options.log_density) {
        result.log_density_change(static_cast<Eigen::Index>(first_row) + row) =
            path.status.ok() ? path.log_density_change : std::numeric_limits<double>::quiet_NaN();
        result.log_density_standard_error(static_cast<Eigen::Index>(first_row) + row) = path.log_density_standard_error;
      }
    }
    for (std::size_t s = 0; s < table.snapshot.size(); ++s) observer.snapshot(solution.snapshots[s].states, at_time[table.snapshot[s]]);
    if (observe.terminal) observer.snapshot(solution.terminal, terminal);
    for (std::size_t s = 0; s < table.moment.size(); ++s) observer.moments(s, at_time[table.moment[s]]);
    for (std::size_t s = 0; s < table.histogram.size(); ++s) observer.histogram(s, at_time[table.histogram[s]]);
  });
  ensemble::set_failure_status(solution, "failed to integrate (see the per-path status of ode::integrate)");
  for (std::uint64_t e : evaluations) result.velocity_evaluations += e;
  solution.stats.drift_evaluations = result.velocity_evaluations;
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace kolmo::ode
