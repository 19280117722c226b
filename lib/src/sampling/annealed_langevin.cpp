#include "kolmo/sampling/annealed_langevin.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* where = "kolmo::sampling::sample(AnnealedLangevin)";

/// No predictor: the levels are visited by the driver's corrector steps alone.
class AnnealedLangevinStepper final : public detail::BatchStepper {
 public:
  AnnealedLangevinStepper(const std::vector<double>& levels, const std::vector<double>& step_sizes)
      : levels_(levels), step_sizes_(step_sizes) {}

  void step(std::size_t /*j*/, Eigen::ArrayXXd& /*x*/, const Eigen::ArrayXXd& /*noise*/,
            detail::Denoiser& /*model*/) override {}

  /// x ← x + (α_i/2) s(x, σ_i) + √α_i z (Alg. 1, line 6).
  void correct(std::size_t i, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, detail::Denoiser& model) override {
    const double alpha = step_sizes_[i];
    x += (0.5 * alpha) * model.score(levels_[i], x) + std::sqrt(alpha) * noise;
  }

 private:
  const std::vector<double>& levels_;
  const std::vector<double>& step_sizes_;
};

std::vector<double> level_times(const SamplingProblem& problem, const AnnealedLangevin& method) {
  if (method.levels == 1) return {problem.t_min};
  return sampling_times(problem.schedule, problem.t_max, problem.t_min, method.levels - 1, method.spacing);
}

}  // namespace

double annealed_step_size(double epsilon, double sigma_i, double sigma_last) {
  const double ratio = sigma_i / sigma_last;
  return epsilon * ratio * ratio;
}

SampleSolution sample(const SamplingProblem& problem, const AnnealedLangevin& method, const SamplerOptions& options) {
  require_at_least(where, "method.levels", method.levels, 1);
  require_at_least(where, "method.steps_per_level", method.steps_per_level, 1);
  require(std::isfinite(method.epsilon) && method.epsilon > 0.0, where, "method.epsilon", method.epsilon,
          "finite and > 0");
  const std::vector<double> levels = level_times(problem, method);
  const double sigma_last = problem.schedule.sigma(levels.back());
  std::vector<double> step_sizes;
  for (double t : levels) step_sizes.push_back(annealed_step_size(method.epsilon, problem.schedule.sigma(t), sigma_last));

  detail::SamplerRun run{"annealed-langevin", levels, /*stochastic=*/false, method.denoise_final,
                         [&] { return std::make_unique<AnnealedLangevinStepper>(levels, step_sizes); }};
  run.corrector_steps = method.steps_per_level;
  run.correct_first_time = true;
  return detail::run_sampler(problem, run, options);
}

}  // namespace kolmo::sampling
