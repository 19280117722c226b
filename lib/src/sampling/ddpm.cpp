#include "kolmo/sampling/ddpm.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include "exponential_integrator.hpp"
#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

/// x_t = (α_t/α_s) e^{−2h} x_s + α_t (1 − e^{−2h}) x̂_0 + σ_t √(1 − e^{−2h}) z (ddpm.hpp).
class DdpmStepper final : public detail::BatchStepper {
 public:
  explicit DdpmStepper(const std::vector<detail::StepEnds>& steps) : steps_(steps) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, detail::Denoiser& model) override {
    const detail::StepEnds& step = steps_[j];
    const double fresh = detail::fresh_noise_fraction(step);
    const double keep = (step.alpha_t / step.alpha_s) * std::exp(-2.0 * step.h);
    x = keep * x + (step.alpha_t * fresh) * model.data(step.s, x) + (step.sigma_t * std::sqrt(fresh)) * noise;
  }

 private:
  const std::vector<detail::StepEnds>& steps_;
};

}  // namespace

SampleSolution sample(const SamplingProblem& problem, const Ddpm& method, const SamplerOptions& options) {
  const std::vector<double> times =
      sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  const std::vector<detail::StepEnds> steps = detail::step_ends(problem.schedule, times);
  return detail::run_sampler(problem,
                             {"ddpm-ancestral", times, /*stochastic=*/true, method.denoise_final,
                              [&steps] { return std::make_unique<DdpmStepper>(steps); }},
                             options);
}

}  // namespace kolmo::sampling
