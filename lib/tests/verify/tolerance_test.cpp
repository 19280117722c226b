#include "kolmo/verify/tolerance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "support/expect_error.hpp"

namespace kolmo::verify {
namespace {

const double nan = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();

TEST(WithinSigma, PassesInsideAndFailsOutsideFourStandardErrors) {
  EXPECT_TRUE(within_sigma(1.0 + 3.9e-2, 1e-2, 1.0).passed);
  EXPECT_TRUE(within_sigma(1.0 - 3.9e-2, 1e-2, 1.0).passed);
  EXPECT_FALSE(within_sigma(1.0 + 4.1e-2, 1e-2, 1.0).passed);
  EXPECT_FALSE(within_sigma(1.0 - 4.1e-2, 1e-2, 1.0).passed);
}

TEST(WithinSigma, RecordsNumbersAndRule) {
  const Outcome o = within_sigma(2.5, 0.1, 2.4, 3.0);
  EXPECT_EQ(o.measured, 2.5);
  EXPECT_EQ(o.uncertainty, 0.1);
  EXPECT_EQ(o.expected, 2.4);
  EXPECT_DOUBLE_EQ(o.tolerance.bound, 0.3);
  EXPECT_NE(o.tolerance.rule.find("3 standard errors"), std::string::npos) << o.tolerance.rule;
}

TEST(WithinSigma, ZeroStandardErrorDemandsEquality) {
  EXPECT_TRUE(within_sigma(1.0, 0.0, 1.0).passed);
  EXPECT_FALSE(within_sigma(1.0 + 1e-15, 0.0, 1.0).passed);
}

TEST(WithinSigma, NanOrInfinityNeverPasses) {
  EXPECT_FALSE(within_sigma(nan, 1.0, 0.0).passed);
  EXPECT_FALSE(within_sigma(0.0, nan, 0.0).passed);
  EXPECT_FALSE(within_sigma(0.0, 1.0, nan).passed);
  EXPECT_FALSE(within_sigma(inf, 1.0, inf).passed);
  EXPECT_FALSE(within_sigma(0.0, inf, 0.0).passed);  // an infinite error bar proves nothing
}

TEST(WithinSigma, RejectsNegativeStandardErrorAndNonPositiveWidth) {
  KOLMO_EXPECT_THROW_NAMING(within_sigma(0.0, -1.0, 0.0), "standard_error");
  KOLMO_EXPECT_THROW_NAMING(within_sigma(0.0, 1.0, 0.0, 0.0), "sigmas");
}

TEST(Thresholds, AtLeastAndAtMost) {
  EXPECT_TRUE(at_least(0.5, 0.01, "p").passed);
  EXPECT_TRUE(at_least(0.01, 0.01, "p").passed);
  EXPECT_FALSE(at_least(0.009, 0.01, "p").passed);
  EXPECT_FALSE(at_least(nan, 0.01, "p").passed);
  EXPECT_TRUE(at_most(1e-7, 1e-6, "e").passed);
  EXPECT_FALSE(at_most(2e-6, 1e-6, "e").passed);
  EXPECT_FALSE(at_most(nan, 1e-6, "e").passed);
  EXPECT_FALSE(at_most(-inf, 1e-6, "e").passed);
  const Outcome o = at_least(0.3, 0.01, "KS p-value >= alpha");
  EXPECT_EQ(o.tolerance.rule, "KS p-value >= alpha");
  EXPECT_EQ(o.tolerance.bound, 0.01);
  EXPECT_TRUE(std::isnan(o.uncertainty));
}

TEST(Deterministic, WithinAbsoluteAndRelative) {
  EXPECT_TRUE(within_absolute(1.0 + 1e-9, 1.0, 1e-8, "r").passed);
  EXPECT_FALSE(within_absolute(1.0 + 1e-7, 1.0, 1e-8, "r").passed);
  EXPECT_TRUE(within_absolute(0.0, 0.0, 0.0, "exact").passed);
  EXPECT_FALSE(within_absolute(nan, 0.0, 1.0, "r").passed);
  KOLMO_EXPECT_THROW_NAMING(within_absolute(0.0, 0.0, -1.0, "r"), "bound");
  EXPECT_TRUE(within_relative(100.5, 100.0, 1e-2, "r").passed);
  EXPECT_FALSE(within_relative(102.0, 100.0, 1e-2, "r").passed);
  EXPECT_FALSE(within_relative(1e-300, 0.0, 1e-2, "r").passed);  // relative to 0 means exactly 0
  KOLMO_EXPECT_THROW_NAMING(within_relative(0.0, 1.0, -1.0, "r"), "relative_bound");
}

}  // namespace
}  // namespace kolmo::verify
