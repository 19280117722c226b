#include "kolmo/sampling/dpm_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kolmo/stats/local_orders.hpp"
#include "support/flow_map_error.hpp"

namespace kolmo::sampling {
namespace {

using test_support::flow_map_error;

const test_support::SingleGaussian gaussian = test_support::anisotropic_gaussian();

TEST(DpmSolver, FirstOrderIsExactWhenTheNoisePredictionIsConstantAlongTheFlow) {
  // Point-mass data (s0 = 0): ε̂ = (x − α m)/σ is constant along the flow, so the exponential
  // integrator with a frozen ε̂ (eq. 3.7) is exact whatever the step: rounding only.
  const test_support::SingleGaussian point_mass{gaussian.schedule, gaussian.mean, Eigen::RowVector2d::Zero()};
  for (std::size_t steps : {1u, 3u, 10u}) {
    EXPECT_LT(flow_map_error(point_mass, DpmSolver{.order = 1, .steps = steps}), 1e-12) << steps;
  }
}

TEST(DpmSolver, ConvergesAtItsOrderToTheClosedFormFlowMap) {
  // Global error C h^order in λ against the step h = (λ(t_min) − λ(T))/M over M = 32..256, where
  // the error ratios per doubling have settled (order 3: 10.6 at M = 8 → 16, 8.3 at 128 → 256).
  // The order must lie within the last local order ± its drift bound (stats/local_orders.hpp,
  // the rule of the verification cases), and the bound must be below 0.25.
  for (int order : {1, 2, 3}) {
    std::vector<double> h, error;
    for (std::size_t steps : {32u, 48u, 64u, 96u, 128u, 192u, 256u}) {
      h.push_back(1.0 / static_cast<double>(steps));
      error.push_back(flow_map_error(gaussian, DpmSolver{.order = order, .steps = steps}));
    }
    const stats::LocalOrders local = stats::local_orders(h, error);
    ASSERT_TRUE(local.status.ok()) << order << ": " << local.status.message;
    EXPECT_LE(local.lower(), order) << "order " << order << ": last local order " << local.estimate;
    EXPECT_GE(local.upper(), order) << "order " << order << ": last local order " << local.estimate;
    EXPECT_LT(local.drift_bound, 0.25) << order;
    EXPECT_GT(error.back(), 1e-13) << "order " << order << " reached rounding: the fit would see noise";
  }
}

TEST(DpmSolver, EverySpacingConvergesToTheSameMap) {
  // With uniform_time steps (and λ-placed intermediate points) the solver still converges: at
  // M = 200 third-order steps the error is far below the first-order error at M = 10.
  const double coarse = flow_map_error(gaussian, DpmSolver{.order = 1, .steps = 10, .spacing = StepSpacing::uniform_time});
  const double fine = flow_map_error(gaussian, DpmSolver{.order = 3, .steps = 200, .spacing = StepSpacing::uniform_time});
  EXPECT_LT(fine, 1e-3 * coarse);
}

}  // namespace
}  // namespace kolmo::sampling
