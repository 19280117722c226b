#include "kolmo/sampling/ddim.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include "exponential_integrator.hpp"
#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

/// x_t = α_t x̂_0 + √(σ_t² − c_t²) ε̂ + c_t z with c_t = η σ_t √(1 − e^{−2h}) (ddim.hpp).
class DdimStepper final : public detail::BatchStepper {
 public:
  DdimStepper(const std::vector<detail::StepEnds>& steps, double eta) : steps_(steps), eta_(eta) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, detail::Denoiser& model) override {
    const detail::StepEnds& step = steps_[j];
    const double fresh = detail::fresh_noise_fraction(step);
    const double c = eta_ * step.sigma_t * std::sqrt(fresh);
    const double direction = step.sigma_t * std::sqrt(1.0 - eta_ * eta_ * fresh);  // √(σ_t² − c_t²)
    const Eigen::ArrayXXd epsilon = model.epsilon(step.s, x);
    const Eigen::ArrayXXd data = (x - step.sigma_s * epsilon) / step.alpha_s;
    x = step.alpha_t * data + direction * epsilon;
    if (c > 0.0) x += c * noise;
  }

 private:
  const std::vector<detail::StepEnds>& steps_;
  double eta_;
};

}  // namespace

SampleSolution sample(const SamplingProblem& problem, const Ddim& method, const SamplerOptions& options) {
  require(std::isfinite(method.eta) && method.eta >= 0.0 && method.eta <= 1.0, "kolmo::sampling::sample(Ddim)",
          "eta", method.eta, "a value in [0, 1] (0: deterministic DDIM, 1: DDPM ancestral)");
  const std::vector<double> times =
      sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  const std::vector<detail::StepEnds> steps = detail::step_ends(problem.schedule, times);
  return detail::run_sampler(problem,
                             {"ddim(eta=" + describe_value(method.eta) + ")", times,
                              /*stochastic=*/method.eta > 0.0, method.denoise_final,
                              [&steps, &method] { return std::make_unique<DdimStepper>(steps, method.eta); }},
                             options);
}

}  // namespace kolmo::sampling
