#include "kolmo/sampling/dpm_solver_adaptive.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "singlestep_updates.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* sample_name = "kolmo::sampling::sample(DpmSolverAdaptive)";

/// The whole adaptive walk from t_max to t_min, as one step of the driver's two-point grid.
class AdaptiveStepper final : public detail::BatchStepper {
 public:
  AdaptiveStepper(const SamplingProblem& problem, const DpmSolverAdaptive& method)
      : schedule_(problem.schedule), method_(method), updates_(method.prediction), t_max_(problem.t_max), t_min_(problem.t_min) {}

  void step(std::size_t, Eigen::ArrayXXd& x, const Eigen::ArrayXXd&, detail::Denoiser& model) override {
    const double t_min = t_min_;
    double s = t_max_, lambda_s = schedule_.lambda(s), h = method_.initial_step;
    const double lambda_end = schedule_.lambda(t_min);
    Eigen::ArrayXXd x_prev = x;
    std::uint64_t attempts = 0;
    while (std::abs(s - t_min) > method_.time_tolerance) {
      const double t = schedule_.t_of_lambda(lambda_s + h);
      const auto [x_lower, x_higher] = pair_of_updates(s, t, x, model);
      const Eigen::ArrayXXd delta =
          (method_.relative_tolerance * x_lower.abs().max(x_prev.abs())).max(method_.absolute_tolerance);
      const double error = (((x_higher - x_lower) / delta).square().rowwise().mean().sqrt()).maxCoeff();
      if (!std::isfinite(error) || ++attempts > method_.max_attempts) {
        // A numerical failure, not bad input: the batch's paths stop here and are reported
        // (the driver turns non-finite rows into failures with the time reached).
        x.setConstant(std::numeric_limits<double>::quiet_NaN());
        return;
      }
      if (error <= 1.0) {
        x = x_higher;
        x_prev = x_lower;
        s = t;
        lambda_s = schedule_.lambda(s);
      }
      // The reference rounds E^{−1/order} to single precision before it scales h.
      const auto factor = static_cast<double>(static_cast<float>(std::pow(error, -1.0 / method_.order)));
      h = std::min(method_.safety * h * factor, lambda_end - lambda_s);
    }
  }

 private:
  /// The lower- and higher-order updates over s → t, sharing their model values.
  std::pair<Eigen::ArrayXXd, Eigen::ArrayXXd> pair_of_updates(double s, double t, const Eigen::ArrayXXd& x,
                                                              detail::Denoiser& model) const {
    detail::SinglestepPoints p{detail::StepEnds::of(schedule_, s, t), {}, {}, 0.0, 0.0};
    const double lambda_s = schedule_.lambda(s);
    p.r1 = method_.order == 2 ? 0.5 : 1.0 / 3.0;
    p.to_s1 = detail::StepEnds::of(schedule_, s, schedule_.t_of_lambda(lambda_s + p.r1 * p.to_t.h));
    const Eigen::ArrayXXd m_s = updates_.model_value(model, s, x);
    if (method_.order == 2) {
      const Eigen::ArrayXXd m_1 = updates_.model_value(model, p.to_s1.t, updates_.first(p.to_s1, x, m_s));
      return {updates_.first(p.to_t, x, m_s), updates_.second(p, x, m_s, m_1)};
    }
    p.r2 = 2.0 / 3.0;
    p.to_s2 = detail::StepEnds::of(schedule_, s, schedule_.t_of_lambda(lambda_s + p.r2 * p.to_t.h));
    const Eigen::ArrayXXd m_1 = updates_.model_value(model, p.to_s1.t, updates_.first(p.to_s1, x, m_s));
    return {updates_.second(p, x, m_s, m_1), updates_.third(p, x, m_s, m_1, model)};
  }

  const process::NoiseSchedule& schedule_;
  const DpmSolverAdaptive& method_;
  detail::SinglestepUpdates updates_;
  double t_max_, t_min_;
};

}  // namespace

SampleSolution sample(const SamplingProblem& problem, const DpmSolverAdaptive& method, const SamplerOptions& options) {
  require(method.order == 2 || method.order == 3, sample_name, "order", method.order, "2 (DPM-Solver-12) or 3 (DPM-Solver-23)");
  require(std::isfinite(method.absolute_tolerance) && method.absolute_tolerance > 0.0, sample_name, "absolute_tolerance",
          method.absolute_tolerance, "a finite number > 0");
  require(std::isfinite(method.relative_tolerance) && method.relative_tolerance >= 0.0, sample_name, "relative_tolerance",
          method.relative_tolerance, "a finite number >= 0");
  require(std::isfinite(method.initial_step) && method.initial_step > 0.0, sample_name, "initial_step", method.initial_step,
          "a finite number > 0");
  require(method.safety > 0.0 && method.safety <= 1.0, sample_name, "safety", method.safety, "a number in (0, 1]");
  require(std::isfinite(method.time_tolerance) && method.time_tolerance > 0.0, sample_name, "time_tolerance",
          method.time_tolerance, "a finite number > 0");
  require_at_least(sample_name, "max_attempts", method.max_attempts, 1);
  const std::vector<double> times{problem.t_max, problem.t_min};
  std::string name = method.prediction == Prediction::noise ? "dpm-solver" : "dpm-solver++";
  name += method.order == 2 ? "-12" : "-23";
  return detail::run_sampler(problem,
                             {name, times, /*stochastic=*/false, /*denoise_final=*/false,
                              [&problem, &method] { return std::make_unique<AdaptiveStepper>(problem, method); }},
                             options);
}

}  // namespace kolmo::sampling
