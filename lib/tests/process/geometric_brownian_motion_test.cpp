#include "kolmo/process/geometric_brownian_motion.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/ito_consistency.hpp"

namespace kolmo::process {
namespace {

using test_support::expect_ito_consistent;
using test_support::one;
using test_support::scalar;

TEST(GeometricBrownianMotion, ExactSolutionSatisfiesTheSdeAndTheMomentsMatch) {
  const GeometricBrownianMotion gbm(2.0, 1.0);
  expect_ito_consistent(gbm.sde(), scalar(gbm), 1.0);
  EXPECT_DOUBLE_EQ(gbm.mean(1.0, 1.0), std::exp(2.0));
  EXPECT_DOUBLE_EQ(gbm.second_moment(2.0, 1.0), 4.0 * std::exp(5.0));
  // Stratonovich reading: X = x0 exp(λt + μW) has dX = (λ + μ²/2) X dt + μ X dW in Itô form.
  const double x = gbm.stratonovich_solution(0.0, 0.5, one(1.0), one(0.3))(0, 0);
  EXPECT_DOUBLE_EQ(x, std::exp(2.0 * 0.5 + 0.3));
  EXPECT_EQ(gbm.stratonovich_sde().calculus(), Calculus::stratonovich);
}

}  // namespace
}  // namespace kolmo::process
