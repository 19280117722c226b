#include "sampler_run.hpp"

#include <algorithm>
#include <chrono>
#include <span>

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

/// The batch of paths [first_path, first_path + count): initial draw, the method's steps, the
/// optional final step to σ = 0, each followed by the finiteness check.
class BatchWalk {
 public:
  BatchWalk(const SamplingProblem& problem, const SamplerRun& run, std::uint64_t first_path, std::size_t count,
            ensemble::BatchObserver& observer)
      : problem_(problem), run_(run), first_path_(first_path), count_(count), observer_(observer) {}

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
    const std::size_t steps = run_.times.size() - 1;
    for (std::size_t j = 0; j < steps; ++j) {
      if (run_.stochastic) draw_noise(random::Purpose::brownian, j, noise);
      previous = x;
      stepper->step(j, x, noise, model);
      observer_.stop_failed(x, previous, run_.times[j + 1], first_path_);
      correct_at(j + 1, *stepper, x, noise, model);
    }
    if (run_.denoise_final) {
      previous = x;
      denoise(x, model);
      observer_.stop_failed(x, previous, 0.0, first_path_);
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

SampleResult run_sampler(const SamplingProblem& problem, const SamplerRun& run, const SamplerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  validate(problem, run, options);
  const std::size_t d = problem.model.dimension();

  const ensemble::Observations terminal_only{};
  ensemble::EnsembleSolution solution;  // the SDE engine's batch bookkeeping: terminal rows, failures
  ensemble::prepare_observations(solution, terminal_only, options.paths, d);
  const std::size_t batch = ensemble::batch_size(d);
  std::vector<std::uint64_t> evaluations((options.paths + batch - 1) / batch, 0);
  ensemble::run_in_waves(evaluations.size(), options.threads, solution,
                            [&](std::size_t index, ensemble::BatchRecord& record) {
                              const std::size_t first_row = index * batch;
                              const std::size_t count = std::min<std::uint64_t>(batch, options.paths - first_row);
                              ensemble::BatchObserver observer(terminal_only, d, first_row, count, record);
                              Denoiser model(problem.model, problem.schedule);
                              BatchWalk walk(problem, run, options.first_path + first_row, count, observer);
                              observer.snapshot(solution.terminal, walk.walk(model));
                              evaluations[index] = model.evaluations();
                            });
  ensemble::set_failure_status(solution, "reached a non-finite state");

  SampleResult result;
  result.status = std::move(solution.status);
  result.sampler = run.name;
  result.times = run.times;
  if (run.denoise_final) result.times.push_back(0.0);
  result.samples = std::move(solution.terminal);
  result.failures = std::move(solution.failures);
  result.stats.steps = run.times.size() - 1 + (run.denoise_final ? 1 : 0);  // predictor steps
  result.stats.model_evaluations = *std::max_element(evaluations.begin(), evaluations.end());
  result.stats.paths = options.paths;
  result.truncation = {run.times.back(), problem.schedule.alpha(run.times.back()), problem.schedule.sigma(run.times.back())};
  result.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace kolmo::sampling::detail
