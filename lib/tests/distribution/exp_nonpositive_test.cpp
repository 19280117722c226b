#include "distribution/exp_nonpositive.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace kolmo::distribution::detail {
namespace {

/// Distance in units in the last place between two non-negative doubles (their bit patterns
/// are ordered as the values are).
std::int64_t ulps(double a, double b) {
  return std::abs(std::bit_cast<std::int64_t>(a) - std::bit_cast<std::int64_t>(b));
}

TEST(ExpNonpositive, WithinOneUlpOfLibmOverTheWholeRange) {
  // glibc's exp is correctly rounded to < 1 ulp; the Taylor polynomial's truncation (4e-18) and
  // the rounding of its evaluation bring ours within 1 ulp more, so 2 ulp between the two.
  // Three scales: the whole normal range, moderate arguments and tiny ones (near e^0 = 1).
  std::mt19937_64 generator(20261207);
  std::uniform_real_distribution<double> whole(-708.0, 0.0), moderate(-2.0, 0.0), tiny(-1e-8, 0.0);
  std::int64_t worst = 0;
  for (int i = 0; i < 300000; ++i) {
    for (const double a : {whole(generator), moderate(generator), tiny(generator)}) {
      worst = std::max(worst, ulps(exp_nonpositive(a), std::exp(a)));
    }
  }
  EXPECT_LE(worst, 2);
}

TEST(ExpNonpositive, SubnormalResultsRoundOnce) {
  // Below e^−708 the result is subnormal: 2^n is applied as two normal factors, so the product
  // rounds once to the subnormal grid — within one unit of it (4.9e-324) of libm's.
  const double unit = std::numeric_limits<double>::denorm_min();
  for (double a = -708.5; a > -746.0; a -= 0.0173) {
    EXPECT_LE(std::abs(exp_nonpositive(a) - std::exp(a)), unit) << a;
  }
}

TEST(ExpNonpositive, EdgeCases) {
  EXPECT_EQ(exp_nonpositive(0.0), 1.0);
  EXPECT_EQ(exp_nonpositive(-0.0), 1.0);
  EXPECT_EQ(exp_nonpositive(-std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_EQ(exp_nonpositive(-746.0), 0.0);
  EXPECT_EQ(exp_nonpositive(-1e300), 0.0);
  EXPECT_TRUE(std::isnan(exp_nonpositive(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(exp_nonpositive(-745.1), std::numeric_limits<double>::denorm_min());  // e^−745.1 ≈ 5.0e-324
  EXPECT_EQ(exp_nonpositive(-1.0), std::exp(-1.0));
}

}  // namespace
}  // namespace kolmo::distribution::detail
