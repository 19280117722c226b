#include "kolmo/score/train.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolmo/score/adam.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

using process::NoiseSchedule;

TEST(Adam, FirstStepMovesEachParameterByTheLearningRateAgainstItsGradientsSign) {
  // At k = 1, m̂ = g and v̂ = g², so the step is η g/(|g| + ε).
  Adam adam(3);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(3);
  const Eigen::VectorXd g = (Eigen::VectorXd(3) << 2.0, -0.5, 1e-3).finished();
  adam.step(theta, g, 0.1);
  EXPECT_NEAR(theta[0], -0.1 * 2.0 / (2.0 + 1e-8), 1e-16);
  EXPECT_NEAR(theta[1], 0.1 * 0.5 / (0.5 + 1e-8), 1e-16);
  EXPECT_NEAR(theta[2], -0.1 * 1e-3 / (1e-3 + 1e-8), 1e-16);
  EXPECT_EQ(adam.steps(), 1u);
}

TEST(Adam, MinimisesAQuadratic) {
  Adam adam(2);
  Eigen::VectorXd theta = (Eigen::VectorXd(2) << 3.0, -2.0).finished();
  for (int k = 0; k < 3000; ++k) adam.step(theta, theta, 0.01);
  EXPECT_LT(theta.norm(), 1e-2);
}

TEST(LearningRate, WarmupThenCosineDecay) {
  const LearningRate rate = LearningRate::warmup_cosine(1e-2, 10, 110, 0.1);
  EXPECT_DOUBLE_EQ(rate(0), 1e-3);
  EXPECT_DOUBLE_EQ(rate(9), 1e-2);
  EXPECT_DOUBLE_EQ(rate(10), 1e-2);
  EXPECT_NEAR(rate(60), 1e-2 * (0.1 + 0.9 * 0.5), 1e-15);
  EXPECT_DOUBLE_EQ(rate(110), 1e-3);
  EXPECT_DOUBLE_EQ(LearningRate::constant(0.5)(1234), 0.5);
  KOLMO_EXPECT_THROW_NAMING(LearningRate::constant(0.0), "rate");
  KOLMO_EXPECT_THROW_NAMING(LearningRate::warmup_cosine(1.0, 10, 10), "warmup_steps");
  KOLMO_EXPECT_THROW_NAMING(LearningRate::warmup_cosine(1.0, 1, 10, 1.5), "final_fraction");
  KOLMO_EXPECT_THROW_NAMING(Adam(2, {.beta1 = 1.0}), "options.beta1");
}

MlpArchitecture small() { return {.dimension = 2, .hidden_widths = {16, 16}, .time_frequencies = 4}; }

TEST(Train, LowersTheLossAndIsBitIdenticalForAnyThreadCount) {
  const auto schedule = NoiseSchedule::vp_linear();
  const ContinuousScoreMatching objective{.schedule = schedule, .weighting = Weighting::sigma_squared(), .t_min = 1e-3};
  const TrainingData data = distribution::Law::mixture(test_support::bimodal_mixture());
  TrainOptions options{.steps = 300, .batch = 300, .learning_rate = LearningRate::constant(3e-3), .seed = 7};
  Mlp one(small(), schedule, 1);
  const TrainingSolution a = train(one, objective, data, options);
  options.threads = 2;
  Mlp two(small(), schedule, 1);
  const TrainingSolution b = train(two, objective, data, options);
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.steps_taken, 300u);
  EXPECT_EQ(one.parameters(), two.parameters());
  EXPECT_EQ(a.ema_parameters, b.ema_parameters);
  ASSERT_EQ(a.loss_curve.size(), 30u);
  // The ε-loss starts near ½ E|ε̂ − ε|² ≈ ½ d (1 + Var ε̂) and ends well below: compared in SEs of the two records.
  const LossRecord& first = a.loss_curve.front();
  const LossRecord& last = a.loss_curve.back();
  EXPECT_GT(first.loss - last.loss, 10.0 * std::hypot(first.standard_error, last.standard_error));
  EXPECT_EQ(last.first_step, 290u);
  EXPECT_EQ(last.steps, 10u);
}

TEST(Train, MatrixDataResamplesRowsAndReportsProgress) {
  const auto schedule = NoiseSchedule::vp_linear();
  const Eigen::ArrayXXd data = test_support::bimodal_mixture().sample(3, 0, 50);
  Mlp model(small(), schedule, 2);
  int calls = 0;
  const TrainingSolution solution =
      train(model, DenoisingScoreMatching{schedule, 0.2}, data,
            {.steps = 20, .batch = 16, .ema_decay = 0.0, .record_every = 5, .progress = [&](const LossRecord&) { ++calls; }});
  EXPECT_TRUE(solution.status.ok());
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(solution.ema_parameters, model.parameters());
}

TEST(Train, TimedPointsTrainIsmOverTimeAndResampleRowsWithTheirTimes) {
  // Samples of p_t at three times: sliced ISM over time lowers the ESM against the exact score at
  // every snapshot time, and a run is bit-identical for 1 and 2 threads.
  const auto law = test_support::bimodal_vp_linear();
  const std::vector<double> times{0.05, 0.3, 0.8};
  std::vector<Eigen::ArrayXXd> states;
  for (std::size_t k = 0; k < times.size(); ++k) states.push_back(law.marginal(times[k]).sample(11, 4000 * k, 4000));
  const TimedPoints data = TimedPoints::from_snapshots(times, states);
  const ImplicitScoreMatching sliced{.trace = TraceEstimator::sliced, .probe = Probe::gaussian};
  TrainOptions options{.steps = 400, .batch = 256, .learning_rate = LearningRate::constant(3e-3), .ema_decay = 0.0, .seed = 5};
  const Mlp untrained(small(), law.schedule(), 4);
  Mlp one = untrained, two = untrained;
  ASSERT_TRUE(train(one, sliced, data, options).status.ok());
  options.threads = 2;
  ASSERT_TRUE(train(two, sliced, data, options).status.ok());
  EXPECT_EQ(one.parameters(), two.parameters());
  const auto exact = mixture_score(law);
  for (std::size_t k = 0; k < times.size(); ++k) {
    const Eigen::ArrayXXd x = law.marginal(times[k]).sample(12, 0, 2000);
    const auto before = evaluate(ExplicitScoreMatching{exact, times[k]}, untrained.score_model(), x, 1);
    const auto after = evaluate(ExplicitScoreMatching{exact, times[k]}, one.score_model(), x, 1);
    EXPECT_LT(after.value, 0.5 * before.value) << "t = " << times[k];
  }
  KOLMO_EXPECT_THROW_NAMING((void)train(one, DenoisingScoreMatching{law.schedule(), 0.2}, data, {}), "data");
  KOLMO_EXPECT_THROW_NAMING(
      (void)train(one, sliced, TimedPoints{Eigen::ArrayXd::Zero(2), Eigen::ArrayXXd::Zero(3, 2)}, {}), "data.t");
}

TEST(Train, NonFiniteLossStopsWithAStatusNamingTheStep) {
  const auto schedule = NoiseSchedule::vp_linear();
  Mlp model(small(), schedule, 3);
  // A learning rate of 1e200 throws the weights so far that the next forward pass overflows.
  const TrainingSolution solution = train(model, DenoisingScoreMatching{schedule, 0.2},
                                          distribution::Law::mixture(test_support::bimodal_mixture()),
                                          {.steps = 50, .batch = 8, .learning_rate = LearningRate::constant(1e200)});
  EXPECT_EQ(solution.status.code, StatusCode::non_finite);
  EXPECT_LT(solution.steps_taken, 50u);
  EXPECT_EQ(solution.status.where, "step " + std::to_string(solution.steps_taken));
  EXPECT_TRUE(model.parameters().allFinite());
}

TEST(Train, BadInputIsAClearError) {
  const auto schedule = NoiseSchedule::vp_linear();
  Mlp model(small(), schedule, 3);
  const DenoisingScoreMatching dsm{schedule, 0.2};
  const Eigen::ArrayXXd data = Eigen::ArrayXXd::Zero(5, 2);
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, data, {.steps = 0}), "options.steps");
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, data, {.batch = 0}), "options.batch");
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, Eigen::ArrayXXd(0, 2), {}), "data");
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, Eigen::ArrayXXd::Zero(5, 3), {}), "data");
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, data, {.ema_decay = 1.0}), "options.ema_decay");
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, data, {.max_gradient_norm = -1.0}), "options.max_gradient_norm");
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, data, {.threads = 0}), "options.threads");
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, data, {.record_every = 0}), "options.record_every");
  Eigen::ArrayXXd nan = data;
  nan(2, 1) = std::numeric_limits<double>::quiet_NaN();
  KOLMO_EXPECT_THROW_NAMING((void)train(model, dsm, nan, {}), "data(2, 1)");
}

}  // namespace
}  // namespace kolmo::score
