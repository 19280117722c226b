#include "kolmo/sampling/dpm_solver.hpp"

#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "exponential_integrator.hpp"
#include "singlestep_updates.hpp"
#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* fixed_name = "kolmo::sampling::sample(DpmSolver)";
constexpr const char* fast_name = "kolmo::sampling::sample(DpmSolverFast)";

// The intermediate points of Lu et al. (2022a): r1 = 1/2 for order 2 (Alg. 1), r1 = 1/3 and
// r2 = 2/3 for order 3 (Alg. 2).
constexpr double r1_order2 = 0.5;
constexpr double r1_order3 = 1.0 / 3.0, r2_order3 = 2.0 / 3.0;

/// One step s → t of some order with its intermediate points (orders 2 and 3).
struct DpmStep {
  int order = 1;
  detail::SinglestepPoints points;
};

/// The k-th of `order` − 1 intermediate times of the step s → t by the run's spacing.
double spaced_inner_time(const process::NoiseSchedule& schedule, double s, double t, int k, int order, StepSpacing spacing) {
  const double fraction = static_cast<double>(k) / order;
  if (spacing == StepSpacing::uniform_time) return s + (t - s) * fraction;
  const double lambda_s = schedule.lambda(s);
  return schedule.t_of_lambda(lambda_s + (schedule.lambda(t) - lambda_s) * fraction);
}

DpmStep dpm_step(const process::NoiseSchedule& schedule, double s, double t, int order, InnerPoints inner,
                 StepSpacing spacing) {
  DpmStep step{order, {detail::StepEnds::of(schedule, s, t), {}, {}, 0.0, 0.0}};
  detail::SinglestepPoints& p = step.points;
  if (order == 1) return step;
  if (inner == InnerPoints::lambda) {
    const double lambda_s = schedule.lambda(s);
    p.r1 = order == 2 ? r1_order2 : r1_order3;
    p.to_s1 = detail::StepEnds::of(schedule, s, schedule.t_of_lambda(lambda_s + p.r1 * p.to_t.h));
    if (order == 3) {
      p.r2 = r2_order3;
      p.to_s2 = detail::StepEnds::of(schedule, s, schedule.t_of_lambda(lambda_s + p.r2 * p.to_t.h));
    }
    return step;
  }
  // r_k = (λ(inner_k) − λ_s)/h, as the official implementation computes them.
  p.to_s1 = detail::StepEnds::of(schedule, s, spaced_inner_time(schedule, s, t, 1, order, spacing));
  p.r1 = p.to_s1.h / p.to_t.h;
  if (order == 3) {
    p.to_s2 = detail::StepEnds::of(schedule, s, spaced_inner_time(schedule, s, t, 2, order, spacing));
    p.r2 = p.to_s2.h / p.to_t.h;
  }
  return step;
}

class DpmSolverStepper final : public detail::BatchStepper {
 public:
  DpmSolverStepper(const std::vector<DpmStep>& steps, Prediction prediction) : steps_(steps), updates_(prediction) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd&, detail::Denoiser& model) override {
    const DpmStep& step = steps_[j];
    const detail::SinglestepPoints& p = step.points;
    const Eigen::ArrayXXd m_s = updates_.model_value(model, p.to_t.s, x);
    if (step.order == 1) {
      x = updates_.first(p.to_t, x, m_s);
      return;
    }
    const Eigen::ArrayXXd m_1 = updates_.model_value(model, p.to_s1.t, updates_.first(p.to_s1, x, m_s));
    x = step.order == 2 ? updates_.second(p, x, m_s, m_1) : updates_.third(p, x, m_s, m_1, model);
  }

 private:
  const std::vector<DpmStep>& steps_;
  detail::SinglestepUpdates updates_;
};

std::string solver_name(Prediction prediction, const std::string& layout) {
  return (prediction == Prediction::noise ? "dpm-solver" : "dpm-solver++") + layout;
}

SampleSolution run_steps(const SamplingProblem& problem, std::string name, const std::vector<double>& times,
                         const std::vector<DpmStep>& steps, Prediction prediction, bool denoise_final,
                         const SamplerOptions& options) {
  return detail::run_sampler(problem,
                             {std::move(name), times, /*stochastic=*/false, denoise_final,
                              [&steps, prediction] { return std::make_unique<DpmSolverStepper>(steps, prediction); }},
                             options);
}

}  // namespace

std::vector<int> fast_orders(int order, std::size_t nfe) {
  require(order >= 1 && order <= 3, fast_name, "order", order, "1, 2 or 3");
  require_at_least(fast_name, "nfe", nfe, 1);
  std::vector<int> orders;
  if (order == 1) return std::vector<int>(nfe, 1);
  if (order == 2) {
    orders.assign(nfe / 2, 2);
    if (nfe % 2 == 1) orders.push_back(1);
    return orders;
  }
  const std::size_t k = nfe / 3 + 1;  // Lu et al. (2022a), App. D.1
  if (nfe % 3 == 0) {
    orders.assign(k - 2, 3);
    orders.insert(orders.end(), {2, 1});
  } else {
    orders.assign(k - 1, 3);
    orders.push_back(nfe % 3 == 1 ? 1 : 2);
  }
  return orders;
}

SampleSolution sample(const SamplingProblem& problem, const DpmSolver& method, const SamplerOptions& options) {
  require(method.order >= 1 && method.order <= 3, fixed_name, "order", method.order, "1, 2 or 3");
  const std::vector<double> times =
      sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  std::vector<DpmStep> steps;
  for (std::size_t j = 0; j + 1 < times.size(); ++j) {
    steps.push_back(dpm_step(problem.schedule, times[j], times[j + 1], method.order, method.inner_points, method.spacing));
  }
  // "dpm-solver-3" or "dpm-solver++(3S)" (appended piecewise: GCC 12 misreads "x" + std::string as overlapping).
  std::string layout = method.prediction == Prediction::noise ? "-" : "(";
  layout += std::to_string(method.order);
  if (method.prediction == Prediction::data) layout += "S)";
  return run_steps(problem, solver_name(method.prediction, layout), times, steps, method.prediction, method.denoise_final,
                   options);
}

SampleSolution sample(const SamplingProblem& problem, const DpmSolverFast& method, const SamplerOptions& options) {
  const std::vector<int> orders = fast_orders(method.order, method.nfe);
  std::vector<double> times;
  if (method.spacing == StepSpacing::uniform_lambda) {
    // Equal steps in λ whatever their order (Lu et al. 2022a, App. D.1).
    times = sampling_times(problem.schedule, problem.t_max, problem.t_min, orders.size(), method.spacing);
  } else {
    // Every step ends on the nfe-interval grid, an order-k step spanning k of its intervals.
    const std::vector<double> fine = sampling_times(problem.schedule, problem.t_max, problem.t_min, method.nfe, method.spacing);
    std::size_t at = 0;
    times.push_back(fine[at]);
    for (int order : orders) times.push_back(fine[at += static_cast<std::size_t>(order)]);
  }
  std::vector<DpmStep> steps;
  for (std::size_t j = 0; j < orders.size(); ++j) {
    steps.push_back(dpm_step(problem.schedule, times[j], times[j + 1], orders[j], method.inner_points, method.spacing));
  }
  return run_steps(problem, solver_name(method.prediction, "-fast(" + std::to_string(method.order) + ")"), times, steps,
                   method.prediction, method.denoise_final, options);
}

}  // namespace kolmo::sampling
