#include "kolmo/sampling/dpm_solver_adaptive.hpp"

#include <gtest/gtest.h>

#include "support/expect_error.hpp"
#include "support/flow_map_error.hpp"

namespace kolmo::sampling {
namespace {

const test_support::SingleGaussian gaussian = test_support::anisotropic_gaussian();

TEST(DpmSolverAdaptive, TighterTolerancesGiveSmallerErrorsAtMoreEvaluations) {
  // The map error against the closed-form flow falls as the tolerances tighten, for both pairs.
  for (int order : {2, 3}) {
    double previous = 1e300;
    for (double atol : {1e-2, 1e-4, 1e-6}) {
      const double error = test_support::flow_map_error(
          gaussian, DpmSolverAdaptive{.order = order, .absolute_tolerance = atol, .relative_tolerance = atol});
      EXPECT_LT(error, previous) << "order " << order << ", atol " << atol;
      previous = error;
    }
    EXPECT_LT(previous, 1e-4) << order;
  }
}

TEST(DpmSolverAdaptive, BadInputIsAClearError) {
  const SamplingProblem problem(gaussian.score(), gaussian.schedule, gaussian.marginal(1.0), 1.0, 1e-3, 5);
  const SamplerOptions options{.paths = 4};
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverAdaptive{.order = 1}, options), "order");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverAdaptive{.absolute_tolerance = 0.0}, options), "absolute_tolerance");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverAdaptive{.relative_tolerance = -1.0}, options), "relative_tolerance");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverAdaptive{.initial_step = 0.0}, options), "initial_step");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverAdaptive{.safety = 1.5}, options), "safety");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverAdaptive{.max_attempts = 0}, options), "max_attempts");
}

TEST(DpmSolverAdaptive, RunningOutOfAttemptsIsAReportedFailure) {
  const SamplingProblem problem(gaussian.score(), gaussian.schedule, gaussian.marginal(1.0), 1.0, 1e-3, 5);
  const SampleSolution solution = sample(problem, DpmSolverAdaptive{.absolute_tolerance = 1e-12, .max_attempts = 3}, {.paths = 4});
  EXPECT_FALSE(solution.status.ok());
  EXPECT_EQ(solution.failures.size(), 4u);
}

}  // namespace
}  // namespace kolmo::sampling
