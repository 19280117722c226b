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
#include "kolmo/ensemble/batches.hpp"

namespace kolmo::sde {
namespace {

using detail::SchemeRun;
using ensemble::BatchObserver;
using ensemble::BatchRecord;
using ensemble::batch_size;
using ensemble::grid_time;
using ensemble::prepare_observations;
using ensemble::run_in_waves;
using ensemble::set_failure_status;
using ensemble::validate_histograms;

constexpr const char* solve_name = "kolmo::sde::solve";

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
  validate_histograms(observe, dimension, solve_name);
  for (std::size_t s = 0; s < observe.histograms.size(); ++s) {
    const std::string parameter = "observe.histograms[" + std::to_string(s) + "].time";
    schedule.histograms[grid_index(observe.histograms[s].time, t0, t1, steps, parameter)].push_back(s);
  }
  return schedule;
}

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
        count_(std::min<std::uint64_t>(run.batch, run.options.paths - index * run.batch)),
        first_path_(run.options.first_path + index * run.batch),
        observer_(run.options.observe, run.problem.sde.dimension(), index * run.batch, count_, record) {}

  void run() {
    const std::size_t m = run_.scheme.wiener_dimension;
    Eigen::ArrayXXd x = run_.problem.initial.sample(run_.problem.seed, first_path_, count_);
    Eigen::ArrayXXd previous = x;  // the state one step back: two buffers, swapped every step
    observer_.stop_failed(x, previous, run_.problem.t0, first_path_, &run_.problem.sde);

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
      x.swap(previous);
      stepper->step_into(t, run_.h, previous, x, noise);
      const double t_next = grid_time(k + 1, run_.problem.t0, run_.problem.t1, run_.steps);
      observer_.stop_failed(x, previous, t_next, first_path_, &run_.problem.sde);
      observe(k + 1, x);
    }
    record_.drift_evaluations = stepper->drift_evaluations();
    record_.diffusion_evaluations = stepper->diffusion_evaluations();
    record_.steps = run_.steps;
  }

 private:
  void observe(std::uint64_t k, const Eigen::ArrayXXd& x) {
    for (std::size_t s : run_.schedule.snapshots[k]) observer_.snapshot(run_.solution.snapshots[s].states, x);
    if (k == run_.steps && run_.options.observe.terminal) observer_.snapshot(run_.solution.terminal, x);
    for (std::size_t s : run_.schedule.moments[k]) observer_.moments(s, x);
    for (std::size_t s : run_.schedule.histograms[k]) observer_.histogram(s, x);
  }

  const Run& run_;
  BatchRecord& record_;
  std::size_t count_;
  std::uint64_t first_path_;
  BatchObserver observer_;
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

EnsembleSolution prepare_solution(const SdeProblem& problem, const SchemeRun& scheme, const EnsembleOptions& options,
                                  std::uint64_t steps) {
  EnsembleSolution solution;
  solution.scheme = std::string(scheme.traits.name);
  solution.t0 = problem.t0;
  solution.t1 = problem.t1;
  solution.dt = (problem.t1 - problem.t0) / static_cast<double>(steps);
  prepare_observations(solution, options.observe, options.paths, problem.sde.dimension(), options.distributed);
  solution.stats.steps = steps;
  return solution;
}

}  // namespace

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
  run_in_waves(
      batches, options.threads, solution, [&run](std::size_t index, BatchRecord& record) { BatchRunner(run, index, record).run(); },
      options.distributed);
  set_failure_status(solution, "reached a non-finite state");
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace detail
}  // namespace kolmo::sde
