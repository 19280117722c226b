#include "kolmo/sampling/dpm_solver.hpp"

#include <memory>
#include <string>
#include <vector>

#include "exponential_integrator.hpp"
#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

// The intermediate points of Lu et al. (2022): r1 = 1/2 for order 2 (Alg. 1), r1 = 1/3 and
// r2 = 2/3 for order 3 (Alg. 2).
constexpr double r1_order2 = 0.5;
constexpr double r1_order3 = 1.0 / 3.0, r2_order3 = 2.0 / 3.0;

/// One step s → t and, for orders 2 and 3, the steps s → s1 (and s → s2) to its intermediate
/// points at λ_s + r h.
struct DpmStep {
  detail::StepEnds to_t;
  detail::StepEnds to_s1;
  detail::StepEnds to_s2;
};

std::vector<DpmStep> dpm_steps(const process::NoiseSchedule& schedule, const std::vector<double>& times, int order) {
  std::vector<DpmStep> steps;
  for (const detail::StepEnds& ends : detail::step_ends(schedule, times)) {
    DpmStep step{ends, {}, {}};
    const double lambda_s = schedule.lambda(ends.s);
    const double r1 = order == 2 ? r1_order2 : r1_order3;
    if (order >= 2) step.to_s1 = detail::StepEnds::of(schedule, ends.s, schedule.t_of_lambda(lambda_s + r1 * ends.h));
    if (order == 3) {
      step.to_s2 = detail::StepEnds::of(schedule, ends.s, schedule.t_of_lambda(lambda_s + r2_order3 * ends.h));
    }
    steps.push_back(step);
  }
  return steps;
}

class DpmSolverStepper final : public detail::BatchStepper {
 public:
  DpmSolverStepper(const std::vector<DpmStep>& steps, int order) : steps_(steps), order_(order) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd&, detail::Denoiser& model) override {
    const DpmStep& step = steps_[j];
    const Eigen::ArrayXXd epsilon_s = model.epsilon(step.to_t.s, x);
    if (order_ == 1) {
      x = detail::first_order_step(step.to_t, x, epsilon_s);
    } else if (order_ == 2) {
      x = second_order(step, x, epsilon_s, model);
    } else {
      x = third_order(step, x, epsilon_s, model);
    }
  }

 private:
  /// Alg. 1 (r1 = 1/2): the first-order step plus σ_t/(2 r1) (e^h − 1) times the difference of
  /// the noise predictions at s1 and s.
  static Eigen::ArrayXXd second_order(const DpmStep& step, const Eigen::ArrayXXd& x, const Eigen::ArrayXXd& epsilon_s,
                                      detail::Denoiser& model) {
    const Eigen::ArrayXXd u = detail::first_order_step(step.to_s1, x, epsilon_s);
    const Eigen::ArrayXXd d1 = model.epsilon(step.to_s1.t, u) - epsilon_s;
    return detail::first_order_step(step.to_t, x, epsilon_s) -
           (detail::noise_coefficient(step.to_t) / (2.0 * r1_order2)) * d1;
  }

  /// Alg. 2 (r1 = 1/3, r2 = 2/3).
  static Eigen::ArrayXXd third_order(const DpmStep& step, const Eigen::ArrayXXd& x, const Eigen::ArrayXXd& epsilon_s,
                                     detail::Denoiser& model) {
    const Eigen::ArrayXXd u1 = detail::first_order_step(step.to_s1, x, epsilon_s);
    const Eigen::ArrayXXd d1 = model.epsilon(step.to_s1.t, u1) - epsilon_s;
    const double r2h = r2_order3 * step.to_t.h;
    const Eigen::ArrayXXd u2 =
        detail::first_order_step(step.to_s2, x, epsilon_s) -
        (step.to_s2.sigma_t * r2_order3 / r1_order3 * detail::expm1_over_h_minus_one(r2h)) * d1;
    const Eigen::ArrayXXd d2 = model.epsilon(step.to_s2.t, u2) - epsilon_s;
    return detail::first_order_step(step.to_t, x, epsilon_s) -
           (step.to_t.sigma_t / r2_order3 * detail::expm1_over_h_minus_one(step.to_t.h)) * d2;
  }

  const std::vector<DpmStep>& steps_;
  int order_;
};

}  // namespace

SampleSolution sample(const SamplingProblem& problem, const DpmSolver& method, const SamplerOptions& options) {
  require(method.order >= 1 && method.order <= 3, "kolmo::sampling::sample(DpmSolver)", "order", method.order,
          "1, 2 or 3");
  const std::vector<double> times =
      sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  const std::vector<DpmStep> steps = dpm_steps(problem.schedule, times, method.order);
  return detail::run_sampler(problem,
                             {"dpm-solver-" + std::to_string(method.order), times, /*stochastic=*/false,
                              method.denoise_final,
                              [&steps, &method] { return std::make_unique<DpmSolverStepper>(steps, method.order); }},
                             options);
}

}  // namespace kolmo::sampling
