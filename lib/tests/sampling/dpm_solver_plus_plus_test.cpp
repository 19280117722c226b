#include "kolmo/sampling/dpm_solver_plus_plus.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kolmo/stats/order_fit.hpp"
#include "support/flow_map_error.hpp"

namespace kolmo::sampling {
namespace {

using test_support::flow_map_error;

const test_support::SingleGaussian gaussian = test_support::anisotropic_gaussian();

TEST(DpmSolverPlusPlus2M, IsExactWhenTheDataPredictionIsConstant) {
  // Point-mass data: x̂_0 = m everywhere, so D_i = m whatever r_i and the exponential integrator
  // in data-prediction form is exact at any step count: rounding only.
  const test_support::SingleGaussian point_mass{gaussian.schedule, gaussian.mean, Eigen::RowVector2d::Zero()};
  for (std::size_t steps : {2u, 5u, 17u}) {
    EXPECT_LT(flow_map_error(point_mass, DpmSolverPlusPlus2M{.steps = steps}), 1e-12) << steps;
  }
}

TEST(DpmSolverPlusPlus2M, ConvergesAtOrderTwoToTheClosedFormFlowMap) {
  // As for DPM-Solver (dpm_solver_test.cpp): fitted order over M = 64..512, interval widened by
  // 0.1, for both spacings (the multistep ratio r_i is 1 for uniform λ and varies for uniform t,
  // whose λ-steps near t_min are long: its error ratio per doubling is still 3.6 at 64 → 128).
  for (StepSpacing spacing : {StepSpacing::uniform_lambda, StepSpacing::uniform_time}) {
    std::vector<double> h, error;
    for (std::size_t steps : {64u, 96u, 128u, 192u, 256u, 384u, 512u}) {
      h.push_back(1.0 / static_cast<double>(steps));
      error.push_back(flow_map_error(gaussian, DpmSolverPlusPlus2M{.steps = steps, .spacing = spacing}));
    }
    const stats::OrderFit fit = stats::fit_order(h, error);
    ASSERT_TRUE(fit.status.ok());
    EXPECT_LE(fit.ci_lower - 0.1, 2.0) << "fitted " << fit.slope;
    EXPECT_GE(fit.ci_upper + 0.1, 2.0) << "fitted " << fit.slope;
  }
}

}  // namespace
}  // namespace kolmo::sampling
