#include "sampler_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <span>
#include <string>
#include <utility>

#include "kolmo/ensemble/batches.hpp"
#include "exponential_integrator.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/score/parameterisation.hpp"

namespace kolmo::sampling::detail {
namespace {

constexpr const char* where = "kolmo::sampling::sample";

void validate(const SamplingProblem& problem, const SamplerRun& run, const SamplerOptions& options) {
  require_at_least(where, "options.paths", options.paths, 1);
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
  require(options.first_path <= random::max_path && options.paths <= random::max_path - options.first_path + 1, where,
          "options.first_path + options.paths", options.first_path + options.paths, "at most 2^49");
  if (problem.initial.fixed_paths() > 0) {
    require(options.first_path + options.paths <= problem.initial.fixed_paths(), where,
            "options.first_path + options.paths", options.first_path + options.paths,
            "at most the number of initial points, " + describe_value(problem.initial.fixed_paths()));
  }
  const std::size_t fewest_times = run.correct_first_time && run.corrector_steps > 0 ? 1 : 2;
  require(run.times.size() >= fewest_times && run.times.size() - 1 <= random::max_step, where, "steps",
          run.times.size() - 1, fewest_times == 1 ? "at most 2^32 - 1" : "between 1 and 2^32 - 1");
  require(run.corrector_steps <= (random::max_step + 1) / run.times.size(), where, "corrector steps × times",
          run.corrector_steps * run.times.size(), "at most 2^32");
}

/// The times a sampler's paths visit, in order: t_max = t_0, …, t_M = t_min, and 0 after a final
/// denoising step.
std::vector<double> visited_times(const SamplerRun& run) {
  std::vector<double> times = run.times;
  if (run.denoise_final) times.push_back(0.0);
  return times;
}

/// The observations due at each visit, by position in the request lists.
struct ObservationSchedule {
  std::vector<std::vector<std::size_t>> snapshots, moments, histograms;  // [visit] -> request numbers
};

std::size_t visit_of(const std::vector<double>& visits, double time, const std::string& parameter) {
  for (std::size_t v = 0; v < visits.size(); ++v) {
    if (std::abs(visits[v] - time) <= 1e-9 * std::max(1.0, std::abs(time))) return v;
  }
  require(false, where, parameter, time,
          "a time the sampler visits (t_max = " + describe_value(visits.front()) + ", its grid times, t_min = " +
              describe_value(visits.back()) + ")");
  return 0;
}

ObservationSchedule observation_schedule(const ensemble::Observations& observe, const std::vector<double>& visits,
                                         std::size_t dimension) {
  ensemble::validate_histograms(observe, dimension, where);
  ObservationSchedule schedule{std::vector<std::vector<std::size_t>>(visits.size()),
                               std::vector<std::vector<std::size_t>>(visits.size()),
                               std::vector<std::vector<std::size_t>>(visits.size())};
  for (std::size_t s = 0; s < observe.snapshot_times.size(); ++s) {
    const std::string parameter = "options.observe.snapshot_times[" + std::to_string(s) + "]";
    schedule.snapshots[visit_of(visits, observe.snapshot_times[s], parameter)].push_back(s);
  }
  for (std::size_t s = 0; s < observe.moment_times.size(); ++s) {
    const std::string parameter = "options.observe.moment_times[" + std::to_string(s) + "]";
    schedule.moments[visit_of(visits, observe.moment_times[s], parameter)].push_back(s);
  }
  for (std::size_t s = 0; s < observe.histograms.size(); ++s) {
    const std::string parameter = "options.observe.histograms[" + std::to_string(s) + "].time";
    schedule.histograms[visit_of(visits, observe.histograms[s].time, parameter)].push_back(s);
  }
  return schedule;
}

/// The batch of paths [first_path, first_path + count): initial draw, the method's steps, the
/// optional final step to σ = 0, each followed by the finiteness check and the observations due.
class BatchWalk {
 public:
  /// `observe(v, x)` records what is due at visit v (ObservationSchedule).
  using Observe = std::function<void(std::size_t visit, const Eigen::ArrayXXd& x)>;

  BatchWalk(const SamplingProblem& problem, const SamplerRun& run, std::uint64_t first_path, std::size_t count,
            ensemble::BatchObserver& observer, Observe observe)
      : problem_(problem),
        run_(run),
        first_path_(first_path),
        count_(count),
        observer_(observer),
        observe_(std::move(observe)) {}

  /// Returns the batch's states at the end, rows of stopped paths frozen (the observer makes them NaN).
  Eigen::ArrayXXd walk(Denoiser& model) {
    const auto rows = static_cast<Eigen::Index>(count_);
    const auto d = static_cast<Eigen::Index>(problem_.model.dimension());
    Eigen::ArrayXXd x = problem_.initial.sample(problem_.seed, first_path_, count_);
    Eigen::ArrayXXd previous = x;
    observer_.stop_failed(x, previous, run_.times.front(), first_path_);

    const std::unique_ptr<BatchStepper> stepper = run_.make_stepper();
    Eigen::ArrayXXd noise;
    if (run_.stochastic || run_.corrector_steps > 0) noise.resize(rows, d);
    if (run_.correct_first_time) correct_at(0, *stepper, x, noise, model);
    observe_(0, x);
    const std::size_t steps = run_.times.size() - 1;
    for (std::size_t j = 0; j < steps; ++j) {
      if (run_.stochastic) draw_noise(random::Purpose::brownian, j, noise);
      previous = x;
      stepper->step(j, x, noise, model);
      observer_.stop_failed(x, previous, run_.times[j + 1], first_path_);
      correct_at(j + 1, *stepper, x, noise, model);
      observe_(j + 1, x);
    }
    if (run_.denoise_final) {
      previous = x;
      denoise(x, model);
      observer_.stop_failed(x, previous, 0.0, first_path_);
      observe_(steps + 1, x);
    }
    return x;
  }

 private:
  /// The K corrector steps at t_i, the k-th with the normals at (seed, langevin, path, i·K + k).
  void correct_at(std::size_t i, BatchStepper& stepper, Eigen::ArrayXXd& x, Eigen::ArrayXXd& noise, Denoiser& model) {
    for (std::size_t k = 0; k < run_.corrector_steps; ++k) {
      draw_noise(random::Purpose::langevin, i * run_.corrector_steps + k, noise);
      Eigen::ArrayXXd previous = x;
      stepper.correct(i, x, noise, model);
      observer_.stop_failed(x, previous, run_.times[i], first_path_);
    }
  }

  /// The normals at (seed, purpose, path, step, component): paths × d, column-major, which is
  /// the component-major layout of a batch fill.
  void draw_noise(random::Purpose purpose, std::size_t step, Eigen::ArrayXXd& noise) const {
    const random::BatchAddress address{problem_.seed, purpose, step, first_path_, count_,
                                       static_cast<std::size_t>(noise.cols()), 0};
    random::fill_standard_normals(address, std::span<double>(noise.data(), static_cast<std::size_t>(noise.size())));
  }

  /// x_0 = (α_0/α_s) x_s − σ_0 (e^h − 1) ε̂, the coefficient in its form finite at σ_0 = 0.
  void denoise(Eigen::ArrayXXd& x, Denoiser& model) const {
    const double t_min = run_.times.back();
    const StepEnds step = StepEnds::of(problem_.schedule, t_min, 0.0);
    x = first_order_step(step, x, model.epsilon(t_min, x));
  }

  const SamplingProblem& problem_;
  const SamplerRun& run_;
  std::uint64_t first_path_;
  std::size_t count_;
  ensemble::BatchObserver& observer_;
  Observe observe_;
};

}  // namespace

Eigen::ArrayXXd Denoiser::epsilon(double t, const Eigen::ArrayXXd& x) {
  ++evaluations_;
  return score::predict(model_, score::Parameterisation::epsilon, schedule_, t, x);
}

Eigen::ArrayXXd Denoiser::score(double t, const Eigen::ArrayXXd& x) {
  ++evaluations_;
  return model_.score(t, x);
}

void BatchStepper::correct(std::size_t /*i*/, Eigen::ArrayXXd& /*x*/, const Eigen::ArrayXXd& /*noise*/,
                           Denoiser& /*model*/) {}

Eigen::ArrayXXd Denoiser::data(double t, const Eigen::ArrayXXd& x) {
  ++evaluations_;
  return score::predict(model_, score::Parameterisation::data, schedule_, t, x);
}

SampleSolution run_sampler(const SamplingProblem& problem, const SamplerRun& run, const SamplerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  validate(problem, run, options);
  const std::size_t d = problem.model.dimension();

  const ensemble::Observations& observe = options.observe;
  const std::vector<double> visits = visited_times(run);
  const ObservationSchedule schedule = observation_schedule(observe, visits, d);
  ensemble::EnsembleSolution solution;  // the ensemble bookkeeping: observations, failures
  ensemble::prepare_observations(solution, observe, options.paths, d, options.distributed);
  const std::size_t batch = ensemble::batch_size(d);
  const std::size_t batches = (options.paths + batch - 1) / batch;
  ensemble::run_in_waves(batches, options.threads, solution, [&](std::size_t index, ensemble::BatchRecord& record) {
    const std::size_t first_row = index * batch;
    const std::size_t count = std::min<std::uint64_t>(batch, options.paths - first_row);
    ensemble::BatchObserver observer(observe, d, first_row, count, record);
    const auto observe_at = [&](std::size_t v, const Eigen::ArrayXXd& x) {
      for (std::size_t s : schedule.snapshots[v]) observer.snapshot(solution.snapshots[s].states, x);
      for (std::size_t s : schedule.moments[v]) observer.moments(s, x);
      for (std::size_t s : schedule.histograms[v]) observer.histogram(s, x);
    };
    Denoiser model(problem.model, problem.schedule);
    BatchWalk walk(problem, run, options.first_path + first_row, count, observer, observe_at);
    const Eigen::ArrayXXd end = walk.walk(model);
    if (observe.terminal) observer.snapshot(solution.terminal, end);
    record.evaluations_per_path = model.evaluations();
  }, options.distributed);
  ensemble::set_failure_status(solution, "reached a non-finite state");

  SampleSolution result;
  result.status = std::move(solution.status);
  result.sampler = run.name;
  result.times = visits;
  result.samples = std::move(solution.terminal);
  result.snapshots = std::move(solution.snapshots);
  result.moments = std::move(solution.moments);
  result.histograms = std::move(solution.histograms);
  result.failures = std::move(solution.failures);
  result.stats.steps = run.times.size() - 1 + (run.denoise_final ? 1 : 0);  // predictor steps
  result.stats.model_evaluations = solution.stats.evaluations_per_path;
  result.first_row = solution.first_row;
  result.stats.paths = options.paths;
  result.truncation = {run.times.back(), problem.schedule.alpha(run.times.back()), problem.schedule.sigma(run.times.back())};
  result.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace kolmo::sampling::detail
