#include "kolmo/sampling/annealed_langevin.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <span>

#include "kolmo/random/normal.hpp"
#include "support/expect_error.hpp"

namespace kolmo::sampling {
namespace {

// Data N(0, 1) under a VE schedule: p_t = N(0, 1 + σ(t)²).
score::ScoreModel ve_gaussian_score(const process::NoiseSchedule& ve) {
  return {"N(0,1) under VE", 1, [ve](double t, const process::StateView& x) -> Eigen::ArrayXXd {
            return -x / (1.0 + ve.sigma(t) * ve.sigma(t));
          }};
}

Eigen::ArrayXd langevin_normals(std::uint64_t seed, std::uint64_t step, std::size_t paths) {
  Eigen::ArrayXd z(static_cast<Eigen::Index>(paths));
  random::fill_standard_normals({seed, random::Purpose::langevin, step, 0, paths, 1, 0},
                                std::span<double>(z.data(), static_cast<std::size_t>(z.size())));
  return z;
}

SamplingProblem two_point_problem(const process::NoiseSchedule& ve) {
  Eigen::ArrayXXd start(2, 1);
  start << 0.3, -1.2;
  return {ve_gaussian_score(ve), ve, ensemble::InitialLaw::points(start), 1.0, 0.5, 17};
}

TEST(AnnealedLangevin, StepSizeScalesWithTheSquaredNoiseLevel) {
  EXPECT_DOUBLE_EQ(annealed_step_size(2e-5, 10.0, 0.01), 2e-5 * 1e6);
  EXPECT_DOUBLE_EQ(annealed_step_size(2e-5, 0.01, 0.01), 2e-5);
}

// L = 2 levels (t = 1, 0.5), T = 2 steps each, redone by hand: α_i = ε σ_i²/σ_L²,
// x ← x + (α_i/2) s(x, t_i) + √α_i z with z at (seed, langevin, path, i·T + k).
TEST(AnnealedLangevin, TwoLevelsMatchAlgorithmOneByHand) {
  const auto ve = process::NoiseSchedule::ve_geometric();
  const AnnealedLangevin method{.levels = 2, .steps_per_level = 2, .epsilon = 0.01};
  const SampleSolution result = sample(two_point_problem(ve), method, {.paths = 2});
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.stats.model_evaluations, 4u);

  Eigen::ArrayXd x(2);
  x << 0.3, -1.2;
  const double levels[2] = {1.0, 0.5};
  for (std::size_t i = 0; i < 2; ++i) {
    const double sigma = ve.sigma(levels[i]);
    const double alpha = 0.01 * sigma * sigma / (ve.sigma(0.5) * ve.sigma(0.5));
    for (std::size_t k = 0; k < 2; ++k) {
      x = x + 0.5 * alpha * (-x / (1.0 + sigma * sigma)) + std::sqrt(alpha) * langevin_normals(17, i * 2 + k, 2);
    }
  }
  EXPECT_NEAR(result.samples(0, 0), x(0), 1e-12);
  EXPECT_NEAR(result.samples(1, 0), x(1), 1e-12);
}

TEST(AnnealedLangevin, BitIdenticalForAnyThreadCount) {
  const auto ve = process::NoiseSchedule::ve_geometric();
  const SamplingProblem problem{ve_gaussian_score(ve), ve,
                                ensemble::InitialLaw::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1) * 2500.0),
                                1.0, 1e-2, 2026};
  const AnnealedLangevin method{.levels = 4, .steps_per_level = 3, .epsilon = 1e-2};
  const SampleSolution one = sample(problem, method, {.paths = 2500, .threads = 1});
  const SampleSolution three = sample(problem, method, {.paths = 2500, .threads = 3});
  EXPECT_TRUE((one.samples == three.samples).all());
  EXPECT_EQ(one.stats.model_evaluations, 12u);
}

TEST(AnnealedLangevin, OneLevelStaysAtTMin) {
  const auto ve = process::NoiseSchedule::ve_geometric();
  const SampleSolution result =
      sample(two_point_problem(ve), AnnealedLangevin{.levels = 1, .steps_per_level = 3, .epsilon = 0.1}, {.paths = 2});
  ASSERT_TRUE(result.status.ok());
  ASSERT_EQ(result.times.size(), 1u);
  EXPECT_EQ(result.times[0], 0.5);
  EXPECT_EQ(result.stats.model_evaluations, 3u);
}

TEST(AnnealedLangevin, RefusesBadArguments) {
  const SamplingProblem problem = two_point_problem(process::NoiseSchedule::ve_geometric());
  KOLMO_EXPECT_THROW_NAMING(
      (void)sample(problem, AnnealedLangevin{.levels = 0, .steps_per_level = 1, .epsilon = 0.1}, {.paths = 2}),
      "method.levels");
  KOLMO_EXPECT_THROW_NAMING(
      (void)sample(problem, AnnealedLangevin{.levels = 2, .steps_per_level = 0, .epsilon = 0.1}, {.paths = 2}),
      "method.steps_per_level");
  KOLMO_EXPECT_THROW_NAMING(
      (void)sample(problem, AnnealedLangevin{.levels = 2, .steps_per_level = 1, .epsilon = 0.0}, {.paths = 2}),
      "method.epsilon");
  KOLMO_EXPECT_THROW_NAMING(
      (void)sample(problem, AnnealedLangevin{.levels = 2, .steps_per_level = 1, .epsilon = -1.0}, {.paths = 2}),
      "method.epsilon");
  const score::ScoreModel wrong{"two columns", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
                                  return Eigen::ArrayXXd::Zero(x.rows(), 2);
                                }};
  const SamplingProblem bad{wrong, process::NoiseSchedule::ve_geometric(),
                            ensemble::InitialLaw::point(Eigen::VectorXd::Zero(1)), 1.0, 0.5, 1};
  KOLMO_EXPECT_THROW_NAMING(
      (void)sample(bad, AnnealedLangevin{.levels = 2, .steps_per_level = 1, .epsilon = 0.1}, {.paths = 2}),
      "score result of two columns");
}

}  // namespace
}  // namespace kolmo::sampling
