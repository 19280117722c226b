#include "kolmo/sampling/uni_pc.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "kolmo/stats/local_orders.hpp"
#include "support/expect_error.hpp"
#include "support/flow_map_error.hpp"

namespace kolmo::sampling {
namespace {

using test_support::flow_map_error;

const test_support::SingleGaussian gaussian = test_support::anisotropic_gaussian();

TEST(UniPc, UniPcOfOrderPConvergesAtOrderPPlusOne) {
  // Zhao et al. (2023), Thm. 3.1: UniPC-p (UniP-p with UniC) has order p + 1. Global error
  // against the closed-form flow map over M = 16..128; the last step runs no corrector, so its
  // local error is UniP-p's, O(h^{p+1}): the global order p + 1 is kept. p + 1 must lie within
  // the last local order ± its drift bound (the rule of the verification cases).
  for (UniPcVariant variant : {UniPcVariant::bh1, UniPcVariant::bh2}) {
    for (int order : {1, 2}) {
      std::vector<double> h, error;
      for (std::size_t steps : {16u, 24u, 32u, 48u, 64u, 96u, 128u}) {
        h.push_back(1.0 / static_cast<double>(steps));
        error.push_back(flow_map_error(gaussian, UniPc{.order = order, .steps = steps, .variant = variant}));
      }
      const stats::LocalOrders local = stats::local_orders(h, error);
      ASSERT_TRUE(local.status.ok()) << order << ": " << local.status.message << ::testing::PrintToString(local.orders);
      EXPECT_LE(local.lower(), order + 1) << "order " << order << ": " << ::testing::PrintToString(local.orders);
      EXPECT_GE(local.upper(), order + 1) << "order " << order << ": " << ::testing::PrintToString(local.orders);
    }
  }
}

TEST(UniPc, BadInputIsAClearError) {
  const SamplingProblem problem(gaussian.score(), gaussian.schedule, ensemble::InitialLaw::points(test_support::flow_starts()),
                                1.0, 1e-3, 1);
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, UniPc{.order = 4, .steps = 10}, {.paths = 4}), "order");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, UniPc{.order = 3, .steps = 2}, {.paths = 4}), "steps");
}

}  // namespace
}  // namespace kolmo::sampling
