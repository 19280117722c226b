#include "kolmo/sampling/dpm_solver_multistep.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "exponential_integrator.hpp"
#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* sample_name = "kolmo::sampling::sample(DpmSolverMultistep)";

/// Keeps the model values and half log-SNRs of the last three times reached (newest first).
class MultistepStepper final : public detail::BatchStepper {
 public:
  MultistepStepper(const std::vector<detail::StepEnds>& steps, const std::vector<int>& orders, Prediction prediction)
      : steps_(steps), orders_(orders), prediction_(prediction) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd&, detail::Denoiser& model) override {
    const detail::StepEnds& step = steps_[j];
    history_.push_front(prediction_ == Prediction::noise ? model.epsilon(step.s, x) : model.data(step.s, x));
    if (history_.size() > 3) history_.pop_back();
    const detail::IntegratorCoefficients c = prediction_ == Prediction::noise ? detail::IntegratorCoefficients::noise(step)
                                                                              : detail::IntegratorCoefficients::data(step);
    const Eigen::ArrayXXd& m0 = history_[0];
    if (orders_[j] == 1) {
      x = c.decay * x - c.first * m0;
      return;
    }
    const double r0 = steps_[j - 1].h / step.h;
    const Eigen::ArrayXXd d1_0 = (m0 - history_[1]) / r0;
    if (orders_[j] == 2) {
      x = c.decay * x - c.first * m0 - (0.5 * c.first) * d1_0;
      return;
    }
    const double r1 = steps_[j - 2].h / step.h;
    const Eigen::ArrayXXd d1_1 = (history_[1] - history_[2]) / r1;
    const Eigen::ArrayXXd d1 = d1_0 + (r0 / (r0 + r1)) * (d1_0 - d1_1);
    const Eigen::ArrayXXd d2 = (d1_0 - d1_1) / (r0 + r1);
    x = c.decay * x - c.first * m0 - c.difference * d1 - c.second_difference * d2;
  }

 private:
  const std::vector<detail::StepEnds>& steps_;
  const std::vector<int>& orders_;
  Prediction prediction_;
  std::deque<Eigen::ArrayXXd> history_;
};

}  // namespace

int multistep_order(const DpmSolverMultistep& method, std::size_t step) {
  int order = std::min<int>(method.order, static_cast<int>(step) + 1);
  if (method.lower_order_final && method.steps < 10) order = std::min<int>(order, static_cast<int>(method.steps - step));
  return order;
}

SampleSolution sample(const SamplingProblem& problem, const DpmSolverMultistep& method, const SamplerOptions& options) {
  require(method.order >= 1 && method.order <= 3, sample_name, "order", method.order, "1, 2 or 3");
  const std::vector<double> times =
      sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  const std::vector<detail::StepEnds> steps = detail::step_ends(problem.schedule, times);
  std::vector<int> orders;
  for (std::size_t j = 0; j < steps.size(); ++j) orders.push_back(multistep_order(method, j));
  const std::string name = std::string(method.prediction == Prediction::noise ? "dpm-solver" : "dpm-solver++") + "(" +
                           std::to_string(method.order) + "M)";
  const Prediction prediction = method.prediction;
  return detail::run_sampler(problem,
                             {name, times, /*stochastic=*/false, method.denoise_final,
                              [&steps, &orders, prediction] {
                                return std::make_unique<MultistepStepper>(steps, orders, prediction);
                              }},
                             options);
}

}  // namespace kolmo::sampling
