#include "kolmo/sampling/sde_dpm_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/sampling/dpm_solver_plus_plus.hpp"
#include "support/expect_error.hpp"
#include "support/expect_gaussian_marginal.hpp"
#include "support/flow_map_error.hpp"

namespace kolmo::sampling {
namespace {

const test_support::SingleGaussian gaussian = test_support::anisotropic_gaussian();

TEST(SdeDpmSolverPlusPlus2M, WithoutNoiseIsDpmSolverPlusPlus2M) {
  // η = 0: e^{−ηh} = 1 and 1 − e^{−h}, the midpoint coefficient ½ (1 − e^{−h}) — the 2M update.
  for (std::size_t steps : {5u, 20u}) {
    EXPECT_NEAR(test_support::flow_map_error(gaussian, SdeDpmSolverPlusPlus2M{.steps = steps, .eta = 0.0}),
                test_support::flow_map_error(gaussian, DpmSolverPlusPlus2M{.steps = steps}), 1e-13)
        << steps;
  }
}

TEST(SdeDpmSolverPlusPlus2M, SamplesTheExactMarginalBitIdenticallyForAnyThreadCount) {
  // η = 1, 100 λ-uniform steps from p_T of the anisotropic Gaussian: each coordinate's mean and
  // variance of 20000 samples within 5 standard errors of p_tmin's (seed 5; the sampler's
  // bias at 100 steps is far below one SE).
  const SamplingProblem problem(gaussian.score(), gaussian.schedule, gaussian.marginal(1.0), 1.0, 1e-3, 5);
  const SdeDpmSolverPlusPlus2M method{.steps = 100};
  const SampleSolution one = sample(problem, method, {.paths = 20000, .threads = 1});
  const SampleSolution two = sample(problem, method, {.paths = 20000, .threads = 2});
  ASSERT_TRUE(one.status.ok());
  EXPECT_EQ(one.sampler, "sde-dpm-solver++(2M)");
  EXPECT_TRUE((one.samples == two.samples).all());
  test_support::expect_gaussian_marginal(one.samples, gaussian, 1e-3);
}

TEST(SdeDpmSolverPlusPlus2M, BadInputIsAClearError) {
  const SamplingProblem problem(gaussian.score(), gaussian.schedule, gaussian.marginal(1.0), 1.0, 1e-3, 5);
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, SdeDpmSolverPlusPlus2M{.steps = 10, .eta = 1.5}, {.paths = 4}), "eta");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, SdeDpmSolverPlusPlus2M{.steps = 10, .noise_inflation = 0.0}, {.paths = 4}),
                            "noise_inflation");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, SdeDpmSolverPlusPlus2M{.steps = 0}, {.paths = 4}), "steps");
}

}  // namespace
}  // namespace kolmo::sampling
