#include "kolmo/sampling/dpm_solver_plus_plus.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include "exponential_integrator.hpp"
#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

/// Alg. 2 of Lu et al. (2022b); keeps the previous step's data prediction Q_{i−2}.
class DpmSolverPlusPlus2MStepper final : public detail::BatchStepper {
 public:
  explicit DpmSolverPlusPlus2MStepper(const std::vector<detail::StepEnds>& steps) : steps_(steps) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd&, detail::Denoiser& model) override {
    const detail::StepEnds& step = steps_[j];
    Eigen::ArrayXXd data = model.data(step.s, x);  // Q_{i−1}
    // D_i = (1 + 1/(2 r_i)) Q_{i−1} − (1/(2 r_i)) Q_{i−2}, r_i = h_{i−1}/h_i; the first step is first order.
    const Eigen::ArrayXXd d =
        j == 0 ? data : Eigen::ArrayXXd((1.0 + half_inverse_ratio(j)) * data - half_inverse_ratio(j) * previous_data_);
    x = (step.sigma_t / step.sigma_s) * x - (step.alpha_t * std::expm1(-step.h)) * d;
    previous_data_ = std::move(data);
  }

 private:
  /// 1/(2 r_j) = h_j / (2 h_{j−1}).
  [[nodiscard]] double half_inverse_ratio(std::size_t j) const { return steps_[j].h / (2.0 * steps_[j - 1].h); }

  const std::vector<detail::StepEnds>& steps_;
  Eigen::ArrayXXd previous_data_;
};

}  // namespace

SampleSolution sample(const SamplingProblem& problem, const DpmSolverPlusPlus2M& method, const SamplerOptions& options) {
  require(method.steps >= 2, "kolmo::sampling::sample(DpmSolverPlusPlus2M)", "steps", method.steps,
          "at least 2 for the two-step (second-order) method");
  const std::vector<double> times =
      sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  const std::vector<detail::StepEnds> steps = detail::step_ends(problem.schedule, times);
  return detail::run_sampler(problem,
                             {"dpm-solver++(2M)", times, /*stochastic=*/false, method.denoise_final,
                              [&steps] { return std::make_unique<DpmSolverPlusPlus2MStepper>(steps); }},
                             options);
}

}  // namespace kolmo::sampling
