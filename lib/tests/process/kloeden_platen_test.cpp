#include "kolmo/process/kloeden_platen.hpp"

#include <gtest/gtest.h>

#include "support/ito_consistency.hpp"

namespace kolmo::process {
namespace {

using test_support::expect_ito_consistent;
using test_support::scalar;

TEST(KloedenPlaten, ExactSolutionsSatisfyTheirSdesByItosFormula) {
  expect_ito_consistent(ArctanSde(0.7).sde(), scalar(ArctanSde(0.7)), 0.3);
  expect_ito_consistent(SinhSde(1.3).sde(), scalar(SinhSde(1.3)), -0.4);
  expect_ito_consistent(AdditiveTestSde(0.5, 1.5).sde(), scalar(AdditiveTestSde(0.5, 1.5)), 1.0);
}

}  // namespace
}  // namespace kolmo::process
