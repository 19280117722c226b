#include "kolmo/sampling/dpm_solver_ancestral.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/stats/local_orders.hpp"
#include "support/expect_error.hpp"
#include "support/expect_gaussian_marginal.hpp"
#include "support/flow_map_error.hpp"

namespace kolmo::sampling {
namespace {

const test_support::SingleGaussian gaussian = test_support::anisotropic_gaussian();

TEST(DpmSolverPlusPlus2SAncestral, WithoutNoiseConvergesAtOrderTwoOnTheFlowMap) {
  // η = 0: DPM-Solver++(2S) with r = ½ in the "dpmsolver" form (midpoint model value only).
  std::vector<double> h, error;
  for (std::size_t steps : {32u, 48u, 64u, 96u, 128u, 192u}) {
    h.push_back(1.0 / static_cast<double>(steps));
    error.push_back(test_support::flow_map_error(gaussian, DpmSolverPlusPlus2SAncestral{.steps = steps, .eta = 0.0}));
  }
  const stats::LocalOrders local = stats::local_orders(h, error);
  for (double order : local.orders) EXPECT_NEAR(order, 2.0, 0.25) << ::testing::PrintToString(local.orders);
}

TEST(DpmSolverPlusPlus2SAncestral, SamplesTheExactMarginalBitIdenticallyForAnyThreadCount) {
  // η = 1, 100 λ-uniform steps: each coordinate's mean and variance of 20000 samples within 5
  // standard errors of p_tmin's (seed 6).
  const SamplingProblem problem(gaussian.score(), gaussian.schedule, gaussian.marginal(1.0), 1.0, 1e-3, 6);
  const DpmSolverPlusPlus2SAncestral method{.steps = 100};
  const SampleSolution one = sample(problem, method, {.paths = 20000, .threads = 1});
  const SampleSolution two = sample(problem, method, {.paths = 20000, .threads = 2});
  ASSERT_TRUE(one.status.ok());
  EXPECT_EQ(one.stats.model_evaluations, 200u);
  EXPECT_TRUE((one.samples == two.samples).all());
  test_support::expect_gaussian_marginal(one.samples, gaussian, 1e-3);
}

TEST(DpmSolverPlusPlus2SAncestral, BadInputIsAClearError) {
  const SamplingProblem problem(gaussian.score(), gaussian.schedule, gaussian.marginal(1.0), 1.0, 1e-3, 6);
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverPlusPlus2SAncestral{.steps = 10, .eta = -0.1}, {.paths = 4}), "eta");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverPlusPlus2SAncestral{.steps = 10, .noise_inflation = 0.0}, {.paths = 4}),
                            "noise_inflation");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverPlusPlus2SAncestral{.steps = 0}, {.paths = 4}), "steps");
}

}  // namespace
}  // namespace kolmo::sampling
