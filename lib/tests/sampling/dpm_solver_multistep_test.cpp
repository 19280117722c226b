#include "kolmo/sampling/dpm_solver_multistep.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/dpm_solver_plus_plus.hpp"
#include "kolmo/stats/local_orders.hpp"
#include "support/expect_error.hpp"
#include "support/flow_map_error.hpp"

namespace kolmo::sampling {
namespace {

using test_support::flow_map_error;

const test_support::SingleGaussian gaussian = test_support::anisotropic_gaussian();

std::vector<int> orders_of(const DpmSolverMultistep& method) {
  std::vector<int> orders;
  for (std::size_t j = 0; j < method.steps; ++j) orders.push_back(multistep_order(method, j));
  return orders;
}

TEST(DpmSolverMultistep, WarmsUpAndLowersTheFinalOrdersBelowTenStepsAsTheReferenceDoes) {
  // The official implementation (dpm_solver_pytorch.py, sample(), method "multistep"): orders
  // min(order, i + 1), and min(order, M − i) at the end when lower_order_final and M < 10.
  EXPECT_EQ(orders_of({.order = 3, .steps = 5}), (std::vector<int>{1, 2, 3, 2, 1}));
  EXPECT_EQ(orders_of({.order = 2, .steps = 5}), (std::vector<int>{1, 2, 2, 2, 1}));
  EXPECT_EQ(orders_of({.order = 3, .steps = 5, .lower_order_final = false}), (std::vector<int>{1, 2, 3, 3, 3}));
  const std::vector<int> ten = orders_of({.order = 3, .steps = 10});
  EXPECT_EQ(ten.back(), 3);
}

TEST(DpmSolverMultistep, OrderTwoWithTheDataPredictionIsDpmSolverPlusPlus2M) {
  for (std::size_t steps : {4u, 12u}) {
    const double multistep = flow_map_error(
        gaussian, DpmSolverMultistep{.order = 2, .steps = steps, .lower_order_final = false});
    const double two_m = flow_map_error(gaussian, DpmSolverPlusPlus2M{.steps = steps});
    EXPECT_NEAR(multistep, two_m, 1e-13) << steps;
  }
}

TEST(DpmSolverMultistep, OrdersOneAndTwoConvergeAtTheirOrderInBothPredictions) {
  // Global error C h^p against the closed-form flow map over M = 32..256 (the rule of the
  // verification cases: p within the last local order ± its drift bound, the bound below 0.25).
  for (Prediction prediction : {Prediction::noise, Prediction::data}) {
    for (int order : {1, 2}) {
      std::vector<double> h, error;
      for (std::size_t steps : {32u, 48u, 64u, 96u, 128u, 192u, 256u}) {
        h.push_back(1.0 / static_cast<double>(steps));
        error.push_back(flow_map_error(gaussian, DpmSolverMultistep{.order = order, .steps = steps, .prediction = prediction}));
      }
      const stats::LocalOrders local = stats::local_orders(h, error);
      ASSERT_TRUE(local.status.ok()) << order << ": " << local.status.message;
      EXPECT_LE(local.lower(), order) << "order " << order << ": " << local.estimate;
      EXPECT_GE(local.upper(), order) << "order " << order << ": " << local.estimate;
      EXPECT_LT(local.drift_bound, 0.25);
    }
  }
}

TEST(DpmSolverMultistep, TheReferenceThirdOrderUpdateIsMoreAccurateThanSecondButOfOrderBelowThree) {
  // The reference's D2 makes the 3M update's local error O(h³) on uneven histories (header
  // comment): measured here, its last local order lies between 2 and 3, and it beats 2M.
  std::vector<double> h, error;
  for (std::size_t steps : {32u, 64u, 128u, 256u}) {
    h.push_back(1.0 / static_cast<double>(steps));
    error.push_back(flow_map_error(gaussian, DpmSolverMultistep{.order = 3, .steps = steps}));
    EXPECT_LT(error.back(), flow_map_error(gaussian, DpmSolverMultistep{.order = 2, .steps = steps})) << steps;
  }
  const stats::LocalOrders local = stats::local_orders(h, error);
  EXPECT_GE(local.estimate, 1.9);
  EXPECT_LE(local.estimate, 3.1);
}

TEST(DpmSolverFast, MixesOrdersToSpendExactlyTheEvaluationsAsked) {
  // The reference's get_orders_and_timesteps_for_singlestep_solver: 10 → [3,3,3,1],
  // 15 → [3,3,3,3,2,1], 20 → [3]×6 + [2] (checked by running it).
  EXPECT_EQ(fast_orders(3, 10), (std::vector<int>{3, 3, 3, 1}));
  EXPECT_EQ(fast_orders(3, 15), (std::vector<int>{3, 3, 3, 3, 2, 1}));
  EXPECT_EQ(fast_orders(3, 20), (std::vector<int>{3, 3, 3, 3, 3, 3, 2}));
  EXPECT_EQ(fast_orders(2, 7), (std::vector<int>{2, 2, 2, 1}));
  EXPECT_EQ(fast_orders(1, 3), (std::vector<int>{1, 1, 1}));
  for (std::size_t nfe = 1; nfe <= 30; ++nfe) {
    for (int order : {1, 2, 3}) {
      const std::vector<int> orders = fast_orders(order, nfe);
      int total = 0;
      for (int o : orders) total += o;
      EXPECT_EQ(static_cast<std::size_t>(total), nfe) << order;
    }
  }
}

TEST(DpmSolverFast, DataPredictionConvergesAtItsOrder) {
  // DPM-Solver++(3S) with fixed order 3 and the paper's λ-placed points: third order.
  std::vector<double> h, error;
  for (std::size_t steps : {32u, 48u, 64u, 96u, 128u}) {
    h.push_back(1.0 / static_cast<double>(steps));
    error.push_back(flow_map_error(gaussian, DpmSolver{.order = 3, .steps = steps, .prediction = Prediction::data}));
  }
  const stats::LocalOrders local = stats::local_orders(h, error);
  ASSERT_TRUE(local.status.ok()) << local.status.message;
  EXPECT_LE(local.lower(), 3.0) << local.estimate;
  EXPECT_GE(local.upper(), 3.0) << local.estimate;
}

TEST(DpmSolverMultistep, BadInputIsAClearError) {
  const test_support::SingleGaussian& g = gaussian;
  const SamplingProblem problem(g.score(), g.schedule, ensemble::InitialLaw::points(test_support::flow_starts()), 1.0, 1e-3, 1);
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverMultistep{.order = 4, .steps = 10}, {.paths = 4}), "order");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverMultistep{.order = 2, .steps = 0}, {.paths = 4}), "steps");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverFast{.order = 3, .nfe = 0}, {.paths = 4}), "nfe");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverFast{.order = 0, .nfe = 5}, {.paths = 4}), "order");
}

}  // namespace
}  // namespace kolmo::sampling
