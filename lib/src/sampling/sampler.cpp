#include "kolmo/sampling/sampler.hpp"

#include <cmath>
#include <utility>

#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {

namespace detail {

void require_truncation(const process::NoiseSchedule& schedule, double t_max, double t_min, const char* where) {
  const double horizon = schedule.horizon();
  require(std::isfinite(t_max) && t_max > 0.0 && t_max <= horizon, where, "t_max", t_max,
          "0 < t_max <= T = " + describe_value(horizon) + " (the schedule's horizon)");
  require(std::isfinite(t_min) && t_min > 0.0 && t_min < t_max, where, "t_min", t_min,
          "0 < t_min < t_max = " + describe_value(t_max) +
              " (t_min = 0 would evaluate the score where sigma = 0 and it is undefined)");
}

}  // namespace detail

SamplingProblem::SamplingProblem(score::ScoreModel model_, process::NoiseSchedule schedule_, ensemble::InitialLaw initial_,
                                 double t_max_, double t_min_, std::uint64_t seed_)
    : model(std::move(model_)),
      schedule(std::move(schedule_)),
      initial(std::move(initial_)),
      t_max(t_max_),
      t_min(t_min_),
      seed(seed_) {
  constexpr const char* where = "kolmo::sampling::SamplingProblem";
  require(model.dimension() == initial.dimension(), where, "model.dimension()", model.dimension(),
          "the initial law's dimension " + describe_value(initial.dimension()));
  detail::require_truncation(schedule, t_max, t_min, where);
}

std::vector<double> sampling_times(const process::NoiseSchedule& schedule, double t_max, double t_min,
                                   std::size_t steps, StepSpacing spacing) {
  constexpr const char* where = "kolmo::sampling::sampling_times";
  detail::require_truncation(schedule, t_max, t_min, where);
  require_at_least(where, "steps", steps, 1);
  const double m = static_cast<double>(steps);
  std::vector<double> times(steps + 1);
  if (spacing == StepSpacing::uniform_time) {
    for (std::size_t j = 0; j <= steps; ++j) times[j] = t_max + (t_min - t_max) * (static_cast<double>(j) / m);
  } else {
    // Equal steps h = (λ(t_min) − λ(t_max))/M in the half log-SNR (Lu et al. 2022, §3.4).
    const double lambda_max = schedule.lambda(t_max), lambda_min = schedule.lambda(t_min);
    for (std::size_t j = 1; j < steps; ++j) {
      times[j] = schedule.t_of_lambda(lambda_max + (lambda_min - lambda_max) * (static_cast<double>(j) / m));
    }
  }
  times.front() = t_max;  // the endpoints exactly, whatever the rounding of t_of_lambda
  times.back() = t_min;
  for (std::size_t j = 1; j <= steps; ++j) {
    require(times[j] < times[j - 1], where, "steps", steps,
            "a grid that stays strictly decreasing in floating point (t[" + std::to_string(j) +
                "] = " + describe_value(times[j]) + " is not below t[" + std::to_string(j - 1) +
                "] = " + describe_value(times[j - 1]) + ")");
  }
  return times;
}

}  // namespace kolmo::sampling
