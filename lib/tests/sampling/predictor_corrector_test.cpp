#include "kolmo/sampling/predictor_corrector.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <span>

#include "kolmo/random/normal.hpp"
#include "support/expect_error.hpp"

namespace kolmo::sampling {
namespace {

// Data N(0, 1) under a VP schedule: p_t = N(0, α² + σ²) = N(0, 1), score −x, at every t.
score::ScoreModel unit_gaussian_score() {
  return {"N(0,1) under VP", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; }};
}

Eigen::ArrayXd normals(std::uint64_t seed, random::Purpose purpose, std::uint64_t step, std::size_t paths) {
  Eigen::ArrayXd z(static_cast<Eigen::Index>(paths));
  random::fill_standard_normals({seed, purpose, step, 0, paths, 1, 0},
                                std::span<double>(z.data(), static_cast<std::size_t>(z.size())));
  return z;
}

SamplingProblem two_point_problem(process::NoiseSchedule schedule, std::uint64_t seed) {
  Eigen::ArrayXXd start(2, 1);
  start << 0.3, -1.2;
  return {unit_gaussian_score(), std::move(schedule), ensemble::InitialLaw::points(start), 1.0, 0.5, seed};
}

TEST(PredictorCorrector, CorrectorAlphaIsOneForVeAndTheSignalRatioForVp) {
  EXPECT_DOUBLE_EQ(corrector_alpha(process::NoiseSchedule::ve_geometric(), 0.7, 0.6), 1.0);
  // VP-linear(0.1, 20): log α(t) = −t²(β_max − β_min)/4 − t β_min/2, so α_i = exp(−∫_{0.6}^{0.7} β).
  const auto vp = process::NoiseSchedule::vp_linear();
  const double integral_beta = 0.1 * 0.1 + (19.9 / 2.0) * (0.49 - 0.36);
  EXPECT_NEAR(corrector_alpha(vp, 0.7, 0.6), std::exp(-integral_beta), 1e-13);
  EXPECT_NEAR(corrector_alpha(vp, 0.7, 0.0), vp.alpha(0.7) * vp.alpha(0.7), 1e-15);
}

// Scores (1, 0), (0, 2) and noises (3, 4), (0, 1): ‖ŝ‖ = 1, 2 and ‖z‖ = 5, 1; r = 0.1, α = 0.5.
TEST(PredictorCorrector, StepSizesFollowTheSignalToNoiseRuleByHand) {
  Eigen::ArrayXXd score(2, 2), noise(2, 2);
  score << 1, 0, 0, 2;
  noise << 3, 4, 0, 1;
  const Eigen::ArrayXd per_path = corrector_step_sizes(score, noise, 0.1, 0.5, SnrNorms::per_path);
  EXPECT_NEAR(per_path(0), 0.25, 1e-15);    // 2 · 0.5 · (0.1 · 5/1)²
  EXPECT_NEAR(per_path(1), 0.0025, 1e-17);  // 2 · 0.5 · (0.1 · 1/2)²
  const Eigen::ArrayXd batch = corrector_step_sizes(score, noise, 0.1, 0.5, SnrNorms::batch_mean);
  EXPECT_NEAR(batch(0), 0.04, 1e-16);  // 2 · 0.5 · (0.1 · 3/1.5)²
  EXPECT_EQ(batch(0), batch(1));

  Eigen::ArrayXXd x = Eigen::ArrayXXd::Zero(2, 2);
  langevin_correct(x, score, noise, per_path);
  EXPECT_NEAR(x(0, 0), 0.25 + std::sqrt(0.5) * 3, 1e-15);  // ε ŝ + √(2ε) z
  EXPECT_NEAR(x(1, 1), 0.0025 * 2 + std::sqrt(0.005) * 1, 1e-15);
}

// One reverse-diffusion step 1 → 0.5 and one corrector step at 0.5, redone by hand with the
// documented draws: predictor (seed, brownian, path, 0), corrector (seed, langevin, path, 1·K + 0).
TEST(PredictorCorrector, OneStepMatchesAlgorithmThreeByHand) {
  const auto vp = process::NoiseSchedule::vp_linear();
  const SamplingProblem problem = two_point_problem(vp, 11);
  const PredictorCorrector method{.steps = 1, .corrector_steps = 1, .snr = 0.16};
  const SampleSolution result = sample(problem, method, {.paths = 2});
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.stats.model_evaluations, 2u);

  Eigen::ArrayXd x(2);
  x << 0.3, -1.2;
  const double a = vp.alpha(1.0) / vp.alpha(0.5);
  const double g2 = vp.sigma(1.0) * vp.sigma(1.0) - a * a * vp.sigma(0.5) * vp.sigma(0.5);
  x = (2.0 - a) * x + g2 * (-x) + std::sqrt(g2) * normals(11, random::Purpose::brownian, 0, 2);
  const Eigen::ArrayXd z = normals(11, random::Purpose::langevin, 1, 2);
  const double ratio = 0.16 * z.abs().mean() / x.abs().mean();
  const double eps = 2.0 * vp.alpha(0.5) * vp.alpha(0.5) * ratio * ratio;
  x = x + eps * (-x) + std::sqrt(2.0 * eps) * z;
  EXPECT_NEAR(result.samples(0, 0), x(0), 1e-13);
  EXPECT_NEAR(result.samples(1, 0), x(1), 1e-13);
}

TEST(PredictorCorrector, EulerMaruyamaPredictorMatchesTheReverseSdeStepByHand) {
  const auto vp = process::NoiseSchedule::vp_linear();
  const SamplingProblem problem = two_point_problem(vp, 5);
  const PredictorCorrector method{.steps = 1, .predictor = Predictor::euler_maruyama, .corrector_steps = 0};
  const SampleSolution result = sample(problem, method, {.paths = 2});
  Eigen::ArrayXd x(2);
  x << 0.3, -1.2;
  const double g2 = vp.diffusion_squared(1.0);
  x = x - (vp.drift_rate(1.0) * x - g2 * (-x)) * 0.5 + std::sqrt(g2 * 0.5) * normals(5, random::Purpose::brownian, 0, 2);
  EXPECT_NEAR(result.samples(0, 0), x(0), 1e-13);
  EXPECT_NEAR(result.samples(1, 0), x(1), 1e-13);
  EXPECT_EQ(result.stats.model_evaluations, 1u);
}

// 2500 paths in d = 1 are three driver batches; the batch-mean rule couples paths within a batch
// only, so 1 and 3 threads must agree bit for bit.
TEST(PredictorCorrector, BitIdenticalForAnyThreadCount) {
  const SamplingProblem problem{unit_gaussian_score(), process::NoiseSchedule::vp_linear(),
                                ensemble::InitialLaw::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1)),
                                1.0, 1e-3, 2026};
  for (SnrNorms norms : {SnrNorms::batch_mean, SnrNorms::per_path}) {
    const PredictorCorrector method{.steps = 5, .corrector_steps = 2, .norms = norms};
    const SampleSolution one = sample(problem, method, {.paths = 2500, .threads = 1});
    const SampleSolution three = sample(problem, method, {.paths = 2500, .threads = 3});
    EXPECT_TRUE((one.samples == three.samples).all());
    EXPECT_EQ(one.stats.model_evaluations, 5u * (1 + 2));
  }
}

TEST(PredictorCorrector, RefusesBadArguments) {
  const SamplingProblem problem = two_point_problem(process::NoiseSchedule::vp_linear(), 1);
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, PredictorCorrector{.steps = 0}, {.paths = 2}), "method.steps");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, PredictorCorrector{.steps = 2, .snr = 0.0}, {.paths = 2}),
                            "method.snr");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, PredictorCorrector{.steps = 2, .snr = -0.1}, {.paths = 2}),
                            "method.snr");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, PredictorCorrector{.steps = 2, .snr = NAN}, {.paths = 2}),
                            "method.snr");
  const score::ScoreModel wrong{"two columns", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
                                  return Eigen::ArrayXXd::Zero(x.rows(), 2);
                                }};
  const SamplingProblem bad{wrong, process::NoiseSchedule::vp_linear(),
                            ensemble::InitialLaw::point(Eigen::VectorXd::Zero(1)), 1.0, 0.5, 1};
  KOLMO_EXPECT_THROW_NAMING((void)sample(bad, PredictorCorrector{.steps = 2}, {.paths = 2}),
                            "score result of two columns");
}

}  // namespace
}  // namespace kolmo::sampling
