#include "kolmo/sampling/dpm_solver_ancestral.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "exponential_integrator.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* sample_name = "kolmo::sampling::sample(DpmSolverPlusPlus2SAncestral)";

class AncestralStepper final : public detail::BatchStepper {
 public:
  AncestralStepper(const process::NoiseSchedule& schedule, const std::vector<double>& times,
                   const DpmSolverPlusPlus2SAncestral& method)
      : schedule_(schedule), times_(times), method_(method) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, detail::Denoiser& model) override {
    const double s = times_[j], t = times_[j + 1];
    const double alpha_s = schedule_.alpha(s), alpha_t = schedule_.alpha(t);
    const double sigma_s = schedule_.sigma(s) / alpha_s, sigma_t = schedule_.sigma(t) / alpha_t;  // σ̃
    const double sigma_up = std::min(
        sigma_t, method_.eta * std::sqrt(sigma_t * sigma_t * (sigma_s * sigma_s - sigma_t * sigma_t) / (sigma_s * sigma_s)));
    const double sigma_down = std::sqrt(sigma_t * sigma_t - sigma_up * sigma_up);
    const Eigen::ArrayXXd scaled = x / alpha_s;
    const Eigen::ArrayXXd denoised = model.data(s, x);
    Eigen::ArrayXXd next;
    if (sigma_down == 0.0) {
      next = scaled + (scaled - denoised) / sigma_s * (sigma_down - sigma_s);  // Euler to σ = 0
    } else {
      const double lambda_s = -std::log(sigma_s), h = -std::log(sigma_down) - lambda_s;
      const double lambda_u = lambda_s + 0.5 * h, sigma_u = std::exp(-lambda_u);
      const double u = schedule_.t_of_lambda(lambda_u);
      const Eigen::ArrayXXd midpoint = (sigma_u / sigma_s) * scaled - std::expm1(-0.5 * h) * denoised;
      const Eigen::ArrayXXd denoised_u = model.data(u, schedule_.alpha(u) * midpoint);
      next = (sigma_down / sigma_s) * scaled - std::expm1(-h) * denoised_u;
    }
    if (method_.eta > 0.0 && sigma_t > 0.0) next += noise * method_.noise_inflation * sigma_up;  // no draws when η = 0
    x = alpha_t * next;
  }

 private:
  const process::NoiseSchedule& schedule_;
  const std::vector<double>& times_;
  const DpmSolverPlusPlus2SAncestral& method_;
};

}  // namespace

SampleSolution sample(const SamplingProblem& problem, const DpmSolverPlusPlus2SAncestral& method, const SamplerOptions& options) {
  detail::require_ancestral_noise(sample_name, method.eta, method.noise_inflation);
  const std::vector<double> times = sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  return detail::run_sampler(problem,
                             {method.eta > 0.0 ? "dpm-solver++(2S)-ancestral" : "dpm-solver++(2S)", times, method.eta > 0.0,
                              method.denoise_final,
                              [&problem, &times, &method] {
                                return std::make_unique<AncestralStepper>(problem.schedule, times, method);
                              }},
                             options);
}

}  // namespace kolmo::sampling
