#include "kolmo/sde/ensemble.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <span>

#include "kolmo/core/validate.hpp"
#include "kolmo/random/brownian_increments.hpp"

namespace kolmo::sde {
namespace {

using detail::SchemeRun;

constexpr const char* solve_name = "kolmo::sde::solve";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Paths per batch: about 16k doubles of state, at most 1024 paths. Depends on d only, so the
/// partition of paths into batches (and with it every merged statistic) is thread-independent.
std::size_t batch_size(std::size_t dimension) {
  return std::clamp<std::size_t>(16384 / dimension, 64, 1024);
}

/// Batches processed between merges: bounds the per-batch accumulators held at once.
constexpr std::size_t batches_per_wave = 64;

/// Grid index of an observation time, or throws (outside the interval, or off the grid).
std::uint64_t grid_index(double time, double t0, double t1, std::uint64_t steps, const std::string& parameter) {
  const double lo = std::min(t0, t1);
  const double hi = std::max(t0, t1);
  require(std::isfinite(time) && time >= lo && time <= hi, solve_name, parameter, time,
          "a time in [" + describe_value(lo) + ", " + describe_value(hi) + "]");
  const double position = (time - t0) / (t1 - t0) * static_cast<double>(steps);
  const double k = std::round(position);
  require(std::abs(position - k) <= 1e-9, solve_name, parameter, time,
          "a time on the step grid t0 + k dt (dt = " + describe_value((t1 - t0) / static_cast<double>(steps)) + ")");
  return static_cast<std::uint64_t>(k);
}

/// Time of grid point k, landing on t1 exactly at the end.
double grid_time(std::uint64_t k, double t0, double t1, std::uint64_t steps) {
  if (k == steps) return t1;
  return t0 + (t1 - t0) * (static_cast<double>(k) / static_cast<double>(steps));
}

/// The observations due at each grid index, by position in the request lists.
struct Schedule {
  std::vector<std::vector<std::size_t>> snapshots;   // [grid index] -> snapshot numbers
  std::vector<std::vector<std::size_t>> moments;     // [grid index] -> moment numbers
  std::vector<std::vector<std::size_t>> histograms;  // [grid index] -> histogram numbers
};

Schedule make_schedule(const Observations& observe, double t0, double t1, std::uint64_t steps, std::size_t dimension) {
  Schedule schedule{std::vector<std::vector<std::size_t>>(steps + 1), std::vector<std::vector<std::size_t>>(steps + 1),
                    std::vector<std::vector<std::size_t>>(steps + 1)};
  for (std::size_t s = 0; s < observe.snapshot_times.size(); ++s) {
    const std::string parameter = "observe.snapshot_times[" + std::to_string(s) + "]";
    schedule.snapshots[grid_index(observe.snapshot_times[s], t0, t1, steps, parameter)].push_back(s);
  }
  for (std::size_t s = 0; s < observe.moment_times.size(); ++s) {
    const std::string parameter = "observe.moment_times[" + std::to_string(s) + "]";
    schedule.moments[grid_index(observe.moment_times[s], t0, t1, steps, parameter)].push_back(s);
  }
  for (std::size_t s = 0; s < observe.histograms.size(); ++s) {
    const HistogramRequest& request = observe.histograms[s];
    const std::string prefix = "observe.histograms[" + std::to_string(s) + "]";
    require(request.component < dimension, solve_name, prefix + ".component", request.component,
            "less than the dimension " + describe_value(dimension));
    require(request.edges.size() >= 2, solve_name, prefix + ".edges.size()", request.edges.size(), "at least 2 edges");
    for (std::size_t k = 0; k < request.edges.size(); ++k) {
      require_finite(solve_name, prefix + ".edges[" + std::to_string(k) + "]", request.edges[k]);
      if (k > 0) {
        require(request.edges[k] > request.edges[k - 1], solve_name, prefix + ".edges[" + std::to_string(k) + "]",
                request.edges[k], "edges strictly increasing");
      }
    }
    schedule.histograms[grid_index(request.time, t0, t1, steps, prefix + ".time")].push_back(s);
  }
  return schedule;
}

/// What one batch contributes to the merged statistics.
struct BatchRecord {
  std::vector<stats::RunningCovariance> moments;
  std::vector<std::vector<std::uint64_t>> counts;  // per histogram: bins, then below, above
  std::vector<PathFailure> failures;
  std::uint64_t drift_evaluations = 0;
  std::uint64_t diffusion_evaluations = 0;
  std::exception_ptr error;
};

/// Everything a batch needs to know about the run, shared read-only by all threads.
struct Run {
  const SdeProblem& problem;
  const SchemeRun& scheme;
  const EnsembleOptions& options;
  const Schedule& schedule;
  const random::BrownianIncrements& brownian;
  std::uint64_t steps;
  std::uint64_t factor;
  double h;
  std::size_t batch;
  EnsembleSolution& solution;  // batches write disjoint rows of terminal and snapshots
};

class BatchRunner {
 public:
  BatchRunner(const Run& run, std::size_t index, BatchRecord& record)
      : run_(run),
        record_(record),
        first_row_(index * run.batch),
        count_(std::min<std::uint64_t>(run.batch, run.options.paths - index * run.batch)),
        first_path_(run.options.first_path + first_row_),
        alive_(count_, true) {}

  void run() {
    const std::size_t d = run_.problem.sde.dimension();
    const std::size_t m = run_.scheme.wiener_dimension;
    Eigen::ArrayXXd x = run_.problem.initial.sample(run_.problem.seed, first_path_, count_);
    Eigen::ArrayXXd previous(static_cast<Eigen::Index>(count_), static_cast<Eigen::Index>(d));
    check_finite(x, x, run_.problem.t0);

    record_.moments.assign(run_.options.observe.moment_times.size(), stats::RunningCovariance(d));
    record_.counts.resize(run_.options.observe.histograms.size());
    for (std::size_t s = 0; s < record_.counts.size(); ++s) {
      record_.counts[s].assign(run_.options.observe.histograms[s].edges.size() + 1, 0);
    }

    const auto rows = static_cast<Eigen::Index>(count_);
    Eigen::ArrayXXd increments(rows, static_cast<Eigen::Index>(m));
    std::optional<Eigen::ArrayXXd> areas;
    if (run_.scheme.traits.needs_areas) areas.emplace(rows, static_cast<Eigen::Index>(m));
    const StepNoise noise{increments, areas ? &*areas : nullptr};
    const std::unique_ptr<Stepper> stepper = run_.scheme.make_stepper();

    observe(0, x);
    for (std::uint64_t k = 0; k < run_.steps; ++k) {
      const double t = grid_time(k, run_.problem.t0, run_.problem.t1, run_.steps);
      const std::span<double> dw(increments.data(), static_cast<std::size_t>(increments.size()));
      if (areas) {
        run_.brownian.fill_with_area(first_path_, count_, k, run_.factor, dw,
                                     {areas->data(), static_cast<std::size_t>(areas->size())});
      } else {
        run_.brownian.fill(first_path_, count_, k, run_.factor, dw);
      }
      previous = x;
      stepper->step(t, run_.h, x, noise);
      check_finite(x, previous, grid_time(k + 1, run_.problem.t0, run_.problem.t1, run_.steps));
      observe(k + 1, x);
    }
    record_.drift_evaluations = stepper->drift_evaluations();
    record_.diffusion_evaluations = stepper->diffusion_evaluations();
  }

 private:
  /// Stops every live path with a non-finite component (recording where) and freezes every
  /// stopped path at its last finite state, so the stepper never sees a NaN.
  void check_finite(Eigen::ArrayXXd& x, const Eigen::ArrayXXd& previous, double time) {
    if (x.allFinite() && dead_ == 0) return;
    for (std::size_t i = 0; i < count_; ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      if (alive_[i]) {
        for (Eigen::Index c = 0; c < x.cols(); ++c) {
          if (!std::isfinite(x(row, c))) {
            record_.failures.push_back({first_path_ + i, time, static_cast<std::size_t>(c), x(row, c)});
            alive_[i] = false;
            ++dead_;
            break;
          }
        }
      }
      if (alive_[i]) continue;
      if (previous.row(row).allFinite()) {
        x.row(row) = previous.row(row);
      } else {
        x.row(row).setZero();  // a path that started non-finite: any finite placeholder will do
      }
    }
  }

  void observe(std::uint64_t k, const Eigen::ArrayXXd& x) {
    const Observations& request = run_.options.observe;
    for (std::size_t s : run_.schedule.snapshots[k]) write_rows(run_.solution.snapshots[s].states, x);
    if (k == run_.steps && request.terminal) write_rows(run_.solution.terminal, x);
    for (std::size_t s : run_.schedule.moments[k]) add_moments(record_.moments[s], x);
    for (std::size_t s : run_.schedule.histograms[k]) add_counts(request.histograms[s], record_.counts[s], x);
  }

  void write_rows(Eigen::ArrayXXd& target, const Eigen::ArrayXXd& x) const {
    auto rows = target.middleRows(static_cast<Eigen::Index>(first_row_), static_cast<Eigen::Index>(count_));
    rows = x;
    for (std::size_t i = 0; i < count_; ++i) {
      if (!alive_[i]) rows.row(static_cast<Eigen::Index>(i)).setConstant(nan);
    }
  }

  void add_moments(stats::RunningCovariance& moments, const Eigen::ArrayXXd& x) const {
    if (dead_ == 0) {
      moments.add_rows(x.matrix());
      return;
    }
    Eigen::VectorXd row(x.cols());
    for (std::size_t i = 0; i < count_; ++i) {
      if (!alive_[i]) continue;
      row = x.row(static_cast<Eigen::Index>(i)).transpose();
      moments.add({row.data(), static_cast<std::size_t>(row.size())});
    }
  }

  void add_counts(const HistogramRequest& request, std::vector<std::uint64_t>& counts, const Eigen::ArrayXXd& x) const {
    const std::vector<double>& edges = request.edges;
    const std::size_t bins = edges.size() - 1;
    for (std::size_t i = 0; i < count_; ++i) {
      if (!alive_[i]) continue;
      const double value = x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(request.component));
      if (value < edges.front()) {
        ++counts[bins];
      } else if (value > edges.back()) {
        ++counts[bins + 1];
      } else {
        const auto upper = std::upper_bound(edges.begin(), edges.end(), value);
        const auto bin = static_cast<std::size_t>(upper - edges.begin()) - 1;
        ++counts[std::min(bin, bins - 1)];  // the last bin is closed on the right
      }
    }
  }

  const Run& run_;
  BatchRecord& record_;
  std::size_t first_row_;
  std::size_t count_;
  std::uint64_t first_path_;
  std::vector<bool> alive_;
  std::size_t dead_ = 0;
};

void validate(const SdeProblem& problem, const SchemeRun& scheme, const EnsembleOptions& options,
              std::uint64_t steps) {
  require_at_least(solve_name, "options.paths", options.paths, 1);
  require(options.threads >= 1, solve_name, "options.threads", options.threads, "at least 1");
  require(options.first_path <= random::max_path && options.paths <= random::max_path - options.first_path + 1,
          solve_name, "options.first_path + options.paths", options.first_path + options.paths, "at most 2^49");
  if (problem.initial.fixed_paths() > 0) {
    require(options.first_path + options.paths <= problem.initial.fixed_paths(), solve_name,
            "options.first_path + options.paths", options.first_path + options.paths,
            "at most the number of initial points, " + describe_value(problem.initial.fixed_paths()));
  }
  if (options.brownian_fine_steps != 0) {
    require(options.brownian_fine_steps % steps == 0, solve_name, "options.brownian_fine_steps",
            options.brownian_fine_steps, "a multiple of the scheme's " + describe_value(steps) + " steps");
  }
  require_at_least(solve_name, "scheme wiener dimension", scheme.wiener_dimension, 1);
}

void merge_wave(std::vector<BatchRecord>& records, std::size_t count, EnsembleSolution& solution) {
  for (std::size_t b = 0; b < count; ++b) {
    BatchRecord& record = records[b];
    if (record.error) std::rethrow_exception(record.error);
    for (std::size_t s = 0; s < record.moments.size(); ++s) solution.moments[s].moments.merge(record.moments[s]);
    for (std::size_t s = 0; s < record.counts.size(); ++s) {
      Histogram& histogram = solution.histograms[s];
      const std::size_t bins = histogram.counts.size();
      for (std::size_t k = 0; k < bins; ++k) histogram.counts[k] += record.counts[s][k];
      histogram.below += record.counts[s][bins];
      histogram.above += record.counts[s][bins + 1];
    }
    solution.failures.insert(solution.failures.end(), record.failures.begin(), record.failures.end());
    solution.stats.drift_evaluations += record.drift_evaluations;
    solution.stats.diffusion_evaluations += record.diffusion_evaluations;
    record = BatchRecord{};
  }
}

EnsembleSolution prepare_solution(const SdeProblem& problem, const SchemeRun& scheme, const EnsembleOptions& options,
                                  std::uint64_t steps) {
  const std::size_t d = problem.sde.dimension();
  const auto paths = static_cast<Eigen::Index>(options.paths);
  EnsembleSolution solution;
  solution.scheme = std::string(scheme.traits.name);
  solution.t0 = problem.t0;
  solution.t1 = problem.t1;
  solution.dt = (problem.t1 - problem.t0) / static_cast<double>(steps);
  if (options.observe.terminal) solution.terminal.resize(paths, static_cast<Eigen::Index>(d));
  for (double time : options.observe.snapshot_times) {
    solution.snapshots.push_back({time, Eigen::ArrayXXd(paths, static_cast<Eigen::Index>(d))});
  }
  for (double time : options.observe.moment_times) solution.moments.push_back({time, stats::RunningCovariance(d)});
  for (const HistogramRequest& request : options.observe.histograms) {
    solution.histograms.push_back(
        {request.time, request.component, request.edges, std::vector<std::uint64_t>(request.edges.size() - 1, 0)});
  }
  solution.stats.steps = steps;
  solution.stats.paths = options.paths;
  return solution;
}

void set_status(EnsembleSolution& solution) {
  if (solution.failures.empty()) return;
  const PathFailure& first = solution.failures.front();
  solution.status = Status::failure(
      StatusCode::non_finite,
      "path " + std::to_string(first.path) + " at t = " + describe_value(first.time) + " (component " +
          std::to_string(first.component) + " = " + describe_value(first.value) + ")",
      std::to_string(solution.failures.size()) + " of " + std::to_string(solution.stats.paths) +
          " paths reached a non-finite state and were stopped; they are NaN in terminal values and "
          "snapshots and left out of moments and histograms");
}

}  // namespace

std::uint64_t Histogram::total() const {
  std::uint64_t sum = below + above;
  for (std::uint64_t c : counts) sum += c;
  return sum;
}

std::uint64_t step_count(double t0, double t1, double dt) {
  constexpr const char* where = "kolmo::sde::step_count";
  require_finite(where, "t0", t0);
  require_finite(where, "t1", t1);
  require(t1 != t0, where, "t1", t1, "t1 != t0 = " + describe_value(t0));
  require(std::isfinite(dt) && dt != 0.0, where, "dt", dt, "a finite non-zero step");
  require((dt > 0) == (t1 > t0), where, "dt", dt,
          std::string("a ") + (t1 > t0 ? "positive" : "negative") + " step, since t1 = " + describe_value(t1) +
              (t1 > t0 ? " > " : " < ") + "t0 = " + describe_value(t0));
  const double ratio = (t1 - t0) / dt;
  require(ratio >= 1.0 - 1e-9, where, "dt", dt,
          "at most |t1 - t0| = " + describe_value(std::abs(t1 - t0)) + " (zero steps otherwise)");
  const double steps = std::round(ratio);
  require(std::abs(ratio - steps) <= 1e-9 * std::max(1.0, steps) && steps <= 4294967296.0, where, "dt", dt,
          "a step that divides t1 - t0 = " + describe_value(t1 - t0) + " into whole steps (at most 2^32)");
  return static_cast<std::uint64_t>(steps);
}

namespace detail {

EnsembleSolution run_ensemble(const SdeProblem& problem, const SchemeRun& scheme, const EnsembleOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t steps = step_count(problem.t0, problem.t1, scheme.dt);
  validate(problem, scheme, options, steps);
  const Schedule schedule = make_schedule(options.observe, problem.t0, problem.t1, steps, problem.sde.dimension());

  const std::uint64_t fine_steps = options.brownian_fine_steps == 0 ? steps : options.brownian_fine_steps;
  const random::BrownianIncrements brownian(problem.seed, problem.t0, problem.t1, fine_steps, scheme.wiener_dimension);
  EnsembleSolution solution = prepare_solution(problem, scheme, options, steps);
  const Run run{problem, scheme, options, schedule, brownian, steps, fine_steps / steps,
                (problem.t1 - problem.t0) / static_cast<double>(steps), batch_size(problem.sde.dimension()), solution};

  const std::size_t batches = (options.paths + run.batch - 1) / run.batch;
  std::vector<BatchRecord> records(batches_per_wave);
  for (std::size_t wave = 0; wave < batches; wave += batches_per_wave) {
    const std::size_t count = std::min(batches_per_wave, batches - wave);
    const auto items = static_cast<std::int64_t>(count);
#pragma omp parallel for schedule(dynamic, 1) num_threads(options.threads)
    for (std::int64_t item = 0; item < items; ++item) {
      const auto b = static_cast<std::size_t>(item);
      try {
        BatchRunner(run, wave + b, records[b]).run();
      } catch (...) {
        records[b].error = std::current_exception();
      }
    }
    merge_wave(records, count, solution);
  }
  set_status(solution);
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace detail
}  // namespace kolmo::sde
