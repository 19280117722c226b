#include "kolmo/sampling/uni_pc.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "exponential_integrator.hpp"
#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* sample_name = "kolmo::sampling::sample(UniPc)";

/// What step j does: its order and whether it runs the corrector.
struct UniPcStep {
  int order = 1;
  bool correct = true;
};

/// The weights ρ^p (predictor) and ρ^c (corrector) of one step (header comment).
struct UniPcWeights {
  Eigen::VectorXd predictor, corrector;
  double b_of_h = 0.0;  ///< B(h)
};

UniPcWeights weights(const std::vector<double>& r, double hh, UniPcVariant variant, int order) {
  const auto p = static_cast<Eigen::Index>(order);
  UniPcWeights w;
  w.b_of_h = variant == UniPcVariant::bh1 ? hh : std::expm1(hh);
  Eigen::MatrixXd big_r(p, p);
  Eigen::VectorXd b(p);
  double g = std::expm1(hh) / hh - 1.0, factorial = 1.0;
  for (Eigen::Index i = 0; i < p; ++i) {
    for (Eigen::Index k = 0; k < p; ++k) big_r(i, k) = std::pow(r[static_cast<std::size_t>(k)], static_cast<double>(i));
    b[i] = g * factorial / w.b_of_h;
    factorial *= static_cast<double>(i + 2);
    g = g / hh - 1.0 / factorial;
  }
  if (order == 2) w.predictor = Eigen::VectorXd::Constant(1, 0.5);
  if (order >= 3) w.predictor = big_r.topLeftCorner(p - 1, p - 1).partialPivLu().solve(b.head(p - 1));
  w.corrector = order == 1 ? Eigen::VectorXd::Constant(1, 0.5) : Eigen::VectorXd(big_r.partialPivLu().solve(b));
  return w;
}

class UniPcStepper final : public detail::BatchStepper {
 public:
  UniPcStepper(const std::vector<detail::StepEnds>& steps, const std::vector<UniPcStep>& plan,
               const std::vector<double>& lambdas, const UniPc& method)
      : steps_(steps), plan_(plan), lambdas_(lambdas), method_(method) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd&, detail::Denoiser& model) override {
    const detail::StepEnds& step = steps_[j];
    if (j == 0) history_.push_front(predict(model, step.s, x));
    const int order = plan_[j].order;
    const double hh = method_.prediction == Prediction::data ? -step.h : step.h;
    std::vector<double> r;
    std::vector<Eigen::ArrayXXd> d;
    for (int k = 1; k < order; ++k) {
      r.push_back((lambdas_[j - static_cast<std::size_t>(k)] - lambdas_[j]) / step.h);
      d.push_back((history_[static_cast<std::size_t>(k)] - history_[0]) / r.back());
    }
    r.push_back(1.0);
    const UniPcWeights w = weights(r, hh, method_.variant, order);
    const detail::IntegratorCoefficients c = method_.prediction == Prediction::data ? detail::IntegratorCoefficients::data(step)
                                                                                    : detail::IntegratorCoefficients::noise(step);
    const double c_t = method_.prediction == Prediction::data ? step.alpha_t : step.sigma_t;
    const Eigen::ArrayXXd base = c.decay * x - c.first * history_[0];
    Eigen::ArrayXXd predicted = base;
    if (!d.empty()) predicted -= (c_t * w.b_of_h) * weighted(w.predictor, d);
    if (!plan_[j].correct) {
      x = predicted;
      return;
    }
    Eigen::ArrayXXd m_t = predict(model, step.t, predicted);
    Eigen::ArrayXXd correction = w.corrector[order - 1] * (m_t - history_[0]);
    if (!d.empty()) correction += weighted(w.corrector.head(order - 1), d);
    x = base - (c_t * w.b_of_h) * correction;
    history_.push_front(std::move(m_t));  // the value at x_pred: the reference's history
    if (history_.size() > 3) history_.pop_back();
  }

 private:
  [[nodiscard]] Eigen::ArrayXXd predict(detail::Denoiser& model, double t, const Eigen::ArrayXXd& x) const {
    return method_.prediction == Prediction::data ? model.data(t, x) : model.epsilon(t, x);
  }
  static Eigen::ArrayXXd weighted(const Eigen::VectorXd& rho, const std::vector<Eigen::ArrayXXd>& d) {
    Eigen::ArrayXXd sum = rho[0] * d[0];
    for (std::size_t k = 1; k < d.size(); ++k) sum += rho[static_cast<Eigen::Index>(k)] * d[k];
    return sum;
  }

  const std::vector<detail::StepEnds>& steps_;
  const std::vector<UniPcStep>& plan_;
  const std::vector<double>& lambdas_;
  const UniPc& method_;
  std::deque<Eigen::ArrayXXd> history_;  // newest first: m at t_j, t_{j−1}, t_{j−2}
};

}  // namespace

SampleSolution sample(const SamplingProblem& problem, const UniPc& method, const SamplerOptions& options) {
  require(method.order >= 1 && method.order <= 3, sample_name, "order", method.order, "1, 2 or 3");
  require(method.steps >= static_cast<std::size_t>(method.order), sample_name, "steps", method.steps,
          "at least the order, " + std::to_string(method.order));
  const std::vector<double> times = sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  const std::vector<detail::StepEnds> steps = detail::step_ends(problem.schedule, times);
  std::vector<double> lambdas;
  for (double t : times) lambdas.push_back(problem.schedule.lambda(t));
  std::vector<UniPcStep> plan;
  for (std::size_t j = 0; j < method.steps; ++j) {
    int order = std::min<int>(method.order, static_cast<int>(j) + 1);
    if (j + 1 >= static_cast<std::size_t>(method.order) && method.lower_order_final) {
      order = std::min<int>(method.order, static_cast<int>(method.steps - j));
    }
    plan.push_back({order, j + 1 < method.steps});
  }
  std::string name = "unipc-";
  name += std::to_string(method.order);
  name += method.variant == UniPcVariant::bh1 ? "(bh1)" : "(bh2)";
  return detail::run_sampler(problem,
                             {name, times, /*stochastic=*/false, method.denoise_final,
                              [&steps, &plan, &lambdas, &method] {
                                return std::make_unique<UniPcStepper>(steps, plan, lambdas, method);
                              }},
                             options);
}

}  // namespace kolmo::sampling
