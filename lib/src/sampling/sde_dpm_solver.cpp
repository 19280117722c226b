#include "kolmo/sampling/sde_dpm_solver.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include "exponential_integrator.hpp"
#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* sample_name = "kolmo::sampling::sample(SdeDpmSolverPlusPlus2M)";

class SdeDpmStepper final : public detail::BatchStepper {
 public:
  SdeDpmStepper(const std::vector<detail::StepEnds>& steps, const SdeDpmSolverPlusPlus2M& method)
      : steps_(steps), method_(method) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, detail::Denoiser& model) override {
    const detail::StepEnds& step = steps_[j];
    Eigen::ArrayXXd data = model.data(step.s, x);
    const double eta_h = method_.eta * step.h;
    const double kept = -std::expm1(-step.h - eta_h);  // 1 − e^{−(1+η)h}
    Eigen::ArrayXXd next = (step.sigma_t / step.sigma_s * std::exp(-eta_h)) * x + (step.alpha_t * kept) * data;
    if (j > 0) {
      const double r = steps_[j - 1].h / step.h;
      const double c = method_.form == SecondOrderForm::midpoint ? 0.5 * kept : kept / (-step.h - eta_h) + 1.0;
      next += (step.alpha_t * c * (1.0 / r)) * (data - previous_);
    }
    if (method_.eta > 0.0) next += noise * (step.sigma_t * std::sqrt(-std::expm1(-2.0 * eta_h)) * method_.noise_inflation);
    x = std::move(next);
    previous_ = std::move(data);
  }

 private:
  const std::vector<detail::StepEnds>& steps_;
  const SdeDpmSolverPlusPlus2M& method_;
  Eigen::ArrayXXd previous_;
};

}  // namespace

SampleSolution sample(const SamplingProblem& problem, const SdeDpmSolverPlusPlus2M& method, const SamplerOptions& options) {
  detail::require_ancestral_noise(sample_name, method.eta, method.noise_inflation);
  const std::vector<double> times = sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  const std::vector<detail::StepEnds> steps = detail::step_ends(problem.schedule, times);
  return detail::run_sampler(problem,
                             {method.eta > 0.0 ? "sde-dpm-solver++(2M)" : "dpm-solver++(2M)", times, method.eta > 0.0,
                              method.denoise_final,
                              [&steps, &method] { return std::make_unique<SdeDpmStepper>(steps, method); }},
                             options);
}

}  // namespace kolmo::sampling
