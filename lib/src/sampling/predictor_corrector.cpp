#include "kolmo/sampling/predictor_corrector.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* where = "kolmo::sampling::sample(PredictorCorrector)";

/// Reverse diffusion (App. E): x ← (2 − a) x + G² ŝ + G z, a = α_s/α_t, G² = σ_s² − a² σ_t².
void reverse_diffusion_step(const process::NoiseSchedule& schedule, double s, double t, Eigen::ArrayXXd& x,
                            const Eigen::ArrayXXd& score, const Eigen::ArrayXXd& noise) {
  const double a = std::exp(schedule.log_alpha(s) - schedule.log_alpha(t));
  const double sigma_s = schedule.sigma(s);
  const double sigma_t = schedule.sigma(t);
  const double g_squared = (sigma_s - a * sigma_t) * (sigma_s + a * sigma_t);
  x = (2.0 - a) * x + g_squared * score + std::sqrt(g_squared) * noise;
}

/// Euler–Maruyama on the reverse SDE (eq. 6): x ← x − (f(s) x − g(s)² ŝ) Δ + g(s) √Δ z, Δ = s − t.
void euler_maruyama_step(const process::NoiseSchedule& schedule, double s, double t, Eigen::ArrayXXd& x,
                         const Eigen::ArrayXXd& score, const Eigen::ArrayXXd& noise) {
  const double dt = s - t;
  const double g_squared = schedule.diffusion_squared(s);
  x = x - (schedule.drift_rate(s) * x - g_squared * score) * dt + std::sqrt(g_squared * dt) * noise;
}

class PredictorCorrectorStepper final : public detail::BatchStepper {
 public:
  PredictorCorrectorStepper(const process::NoiseSchedule& schedule, const PredictorCorrector& method,
                            const std::vector<double>& times)
      : schedule_(schedule), method_(method), times_(times) {}

  void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, detail::Denoiser& model) override {
    const double s = times_[j];
    const double t = times_[j + 1];
    const Eigen::ArrayXXd score = model.score(s, x);
    if (method_.predictor == Predictor::reverse_diffusion) {
      reverse_diffusion_step(schedule_, s, t, x, score, noise);
    } else {
      euler_maruyama_step(schedule_, s, t, x, score, noise);
    }
  }

  void correct(std::size_t i, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, detail::Denoiser& model) override {
    const double t_next = i + 1 < times_.size() ? times_[i + 1] : 0.0;
    const double alpha = corrector_alpha(schedule_, times_[i], t_next);
    const Eigen::ArrayXXd score = model.score(times_[i], x);
    langevin_correct(x, score, noise, corrector_step_sizes(score, noise, method_.snr, alpha, method_.norms));
  }

 private:
  const process::NoiseSchedule& schedule_;
  const PredictorCorrector& method_;
  const std::vector<double>& times_;
};

std::string sampler_name(const PredictorCorrector& method) {
  const char* predictor = method.predictor == Predictor::reverse_diffusion ? "reverse-diffusion" : "euler-maruyama";
  return std::string("pc(") + predictor + ", langevin x" + std::to_string(method.corrector_steps) + ")";
}

}  // namespace

double corrector_alpha(const process::NoiseSchedule& schedule, double t_i, double t_next) {
  const double log_alpha_next = t_next > 0.0 ? schedule.log_alpha(t_next) : 0.0;
  return std::exp(2.0 * (schedule.log_alpha(t_i) - log_alpha_next));
}

Eigen::ArrayXd corrector_step_sizes(const Eigen::ArrayXXd& score, const Eigen::ArrayXXd& noise, double snr,
                                    double alpha, SnrNorms norms) {
  const Eigen::ArrayXd score_norms = score.matrix().rowwise().norm().array();
  const Eigen::ArrayXd noise_norms = noise.matrix().rowwise().norm().array();
  if (norms == SnrNorms::per_path) return 2.0 * alpha * (snr * noise_norms / score_norms).square();
  const double ratio = snr * noise_norms.mean() / score_norms.mean();
  return Eigen::ArrayXd::Constant(score.rows(), 2.0 * alpha * ratio * ratio);
}

void langevin_correct(Eigen::ArrayXXd& x, const Eigen::ArrayXXd& score, const Eigen::ArrayXXd& noise,
                      const Eigen::ArrayXd& step_sizes) {
  const Eigen::ArrayXd noise_scale = (2.0 * step_sizes).sqrt();
  x += score.colwise() * step_sizes + noise.colwise() * noise_scale;
}

SampleSolution sample(const SamplingProblem& problem, const PredictorCorrector& method, const SamplerOptions& options) {
  require_at_least(where, "method.steps", method.steps, 1);
  require(std::isfinite(method.snr) && method.snr > 0.0, where, "method.snr", method.snr, "finite and > 0");
  const std::vector<double> times =
      sampling_times(problem.schedule, problem.t_max, problem.t_min, method.steps, method.spacing);
  detail::SamplerRun run{sampler_name(method), times, /*stochastic=*/true, method.denoise_final,
                         [&] { return std::make_unique<PredictorCorrectorStepper>(problem.schedule, method, times); }};
  run.corrector_steps = method.corrector_steps;
  return detail::run_sampler(problem, run, options);
}

}  // namespace kolmo::sampling
