#include "kolmo/sampling/edm.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* sample_name = "kolmo::sampling::sample(EdmHeun)";

/// A point of the path in EDM's variables: time, α(t) and the noise level σ̃ = σ/α.
struct Level {
  double t = 0.0, alpha = 1.0, sigma = 0.0;
};

Level level_at(const process::NoiseSchedule& schedule, double t) {
  return {t, schedule.alpha(t), schedule.sigma(t) / schedule.alpha(t)};
}

/// The ρ-spaced noise levels σ̃_0 > … > σ̃_{N−1} of eq. 5.
std::vector<double> karras_levels(double sigma_max, double sigma_min, std::size_t levels, double rho) {
  std::vector<double> sigma(levels);
  const double top = std::pow(sigma_max, 1.0 / rho), bottom = std::pow(sigma_min, 1.0 / rho);
  for (std::size_t i = 0; i < levels; ++i) {
    sigma[i] = std::pow(top + static_cast<double>(i) / static_cast<double>(levels - 1) * (bottom - top), rho);
  }
  return sigma;
}

/// The ρ-spaced levels σ̃_i and their times t_i (endpoints exactly t_max and t_min).
struct KarrasGrid {
  std::vector<double> times, sigma;
};

KarrasGrid karras_grid(const process::NoiseSchedule& schedule, double t_max, double t_min, std::size_t levels, double rho) {
  constexpr const char* where = "kolmo::sampling::karras_times";
  detail::require_truncation(schedule, t_max, t_min, where);
  require_at_least(where, "levels", levels, 2);
  require(std::isfinite(rho) && rho > 0.0, where, "rho", rho, "a finite number > 0");
  KarrasGrid grid{std::vector<double>(levels), karras_levels(level_at(schedule, t_max).sigma, level_at(schedule, t_min).sigma, levels, rho)};
  for (std::size_t i = 1; i + 1 < levels; ++i) grid.times[i] = schedule.t_of_lambda(-std::log(grid.sigma[i]));  // σ̃ = e^{−λ}
  grid.times.front() = t_max;
  grid.times.back() = t_min;
  return grid;
}

/// Alg. 2 of Karras et al. (2022), in the scaled state x̃ = x/α (header comment).
class EdmStepper final : public detail::BatchStepper {
 public:
  EdmStepper(const std::vector<Level>& levels, const std::vector<Level>& churned, const EdmHeun& method)
      : levels_(levels), churned_(churned), noise_inflation_(method.noise_inflation) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, detail::Denoiser& model) override {
    const Level& from = levels_[j];
    const Level& to = levels_[j + 1];
    const Level& hat = churned_[j];
    Eigen::ArrayXXd scaled = x / from.alpha;
    if (hat.sigma > from.sigma) scaled += (noise * noise_inflation_) * std::sqrt(hat.sigma * hat.sigma - from.sigma * from.sigma);
    const Eigen::ArrayXXd d = (scaled - model.data(hat.t, hat.alpha * scaled)) / hat.sigma;
    const double dt = to.sigma - hat.sigma;
    Eigen::ArrayXXd next = scaled + d * dt;
    if (to.sigma > 0.0) {
      const Eigen::ArrayXXd d_next = (next - model.data(to.t, to.alpha * next)) / to.sigma;
      next = scaled + ((d + d_next) / 2.0) * dt;
    }
    x = to.alpha * next;
  }

 private:
  const std::vector<Level>& levels_;
  const std::vector<Level>& churned_;
  double noise_inflation_;
};

}  // namespace

std::vector<double> karras_times(const process::NoiseSchedule& schedule, double t_max, double t_min, std::size_t levels,
                                 double rho) {
  return karras_grid(schedule, t_max, t_min, levels, rho).times;
}

SampleSolution sample(const SamplingProblem& problem, const EdmHeun& method, const SamplerOptions& options) {
  require(std::isfinite(method.churn) && method.churn >= 0.0, sample_name, "churn", method.churn, "a finite number >= 0");
  require(method.churn_min <= method.churn_max && method.churn_min >= 0.0, sample_name, "churn_min", method.churn_min,
          "between 0 and churn_max = " + describe_value(method.churn_max));
  require(std::isfinite(method.noise_inflation) && method.noise_inflation > 0.0, sample_name, "noise_inflation",
          method.noise_inflation, "a finite number > 0");
  KarrasGrid grid = karras_grid(problem.schedule, problem.t_max, problem.t_min, method.levels, method.rho);
  std::vector<double>& times = grid.times;
  std::vector<Level> levels, churned;
  for (std::size_t i = 0; i < method.levels; ++i) levels.push_back({times[i], problem.schedule.alpha(times[i]), grid.sigma[i]});
  levels.push_back({0.0, 1.0, 0.0});  // σ̃_N = 0: the data
  const double gamma = std::min(method.churn / static_cast<double>(method.levels), std::sqrt(2.0) - 1.0);
  const double horizon_level = level_at(problem.schedule, problem.schedule.horizon()).sigma;
  for (std::size_t i = 0; i < method.levels; ++i) {
    Level hat = levels[i];
    if (gamma > 0.0 && hat.sigma >= method.churn_min && hat.sigma <= method.churn_max) {
      hat.sigma = levels[i].sigma * (gamma + 1.0);
      require(hat.sigma <= horizon_level, sample_name, "churn_max", method.churn_max,
              "below the noise level whose churn would leave the schedule (σ̃ = " + describe_value(levels[i].sigma) +
                  " raised to " + describe_value(hat.sigma) + " > σ̃(T) = " + describe_value(horizon_level) + ")");
      hat.t = problem.schedule.t_of_lambda(-std::log(hat.sigma));
      hat.alpha = problem.schedule.alpha(hat.t);
    }
    churned.push_back(hat);
  }
  times.push_back(0.0);
  const bool stochastic = gamma > 0.0;
  return detail::run_sampler(problem,
                             {stochastic ? "edm-stochastic" : "edm-heun", times, stochastic, /*denoise_final=*/false,
                              [&levels, &churned, &method] { return std::make_unique<EdmStepper>(levels, churned, method); }},
                             options);
}

}  // namespace kolmo::sampling
