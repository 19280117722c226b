#include "kolmo/random/uniform.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kolmo/core/error.hpp"
#include "support/expect_error.hpp"

namespace kolmo::random {
namespace {

constexpr std::uint64_t seed = 7;

TEST(Uniform, LiesInTheOpenUnitIntervalWithUniformMoments) {
  const std::size_t n = 1 << 20;
  std::vector<double> u(n);
  fill_uniforms({seed, Purpose::accept_reject, 0, 0, n}, u);
  double sum = 0, sum_sq = 0;
  for (double x : u) {
    ASSERT_GT(x, 0.0);
    ASSERT_LT(x, 1.0);
    sum += x;
    sum_sq += (x - 0.5) * (x - 0.5);
  }
  const double N = static_cast<double>(n);
  // Var(U) = 1/12; Var((U - 1/2)^2) = 1/80 - 1/144 = 1/180.
  EXPECT_NEAR(sum / N, 0.5, 4 * std::sqrt(1.0 / 12 / N));
  EXPECT_NEAR(sum_sq / N, 1.0 / 12, 4 * std::sqrt(1.0 / 180 / N));
}

TEST(Uniform, BatchEqualsSingleDrawsForAnyThreadCount) {
  const std::size_t paths = 9'999;
  std::vector<double> one(paths * 2), four(paths * 2);
  fill_uniforms({seed, Purpose::resampling, 4, 3, paths, 2}, one, 1);
  fill_uniforms({seed, Purpose::resampling, 4, 3, paths, 2}, four, 4);
  EXPECT_EQ(one, four);
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t i = 0; i < paths; i += 97)
      EXPECT_EQ(one[c * paths + i], uniform01({seed, Purpose::resampling, 3 + i, 4, c}));
}

TEST(Uniform, IndexIsUniformOverItsRange) {
  // Chi-square over 6 cells with 60,000 draws; 5 degrees of freedom, P(chi2_5 > 25.7) = 1e-4.
  constexpr std::uint64_t bound = 6;
  constexpr int draws = 60'000;
  std::vector<int> counts(bound);
  for (int i = 0; i < draws; ++i) {
    const auto k = uniform_index({seed, Purpose::resampling, static_cast<std::uint64_t>(i), 0, 0}, bound);
    ASSERT_LT(k, bound);
    ++counts[k];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - draws / 6.0) * (c - draws / 6.0) / (draws / 6.0);
  EXPECT_LT(chi2, 25.7);
  EXPECT_EQ(uniform_index({seed, Purpose::resampling, 0, 0, 0}, 1), 0u);
}

TEST(Uniform, RejectsBadArguments) {
  KOLMO_EXPECT_THROW_NAMING((void)uniform_index({seed, Purpose::resampling, 0, 0, 0}, 0), "bound");
  std::vector<double> out(3);
  KOLMO_EXPECT_THROW_NAMING(fill_uniforms({seed, Purpose::resampling, 0, 0, 4}, out), "out.size()");
  KOLMO_EXPECT_THROW_NAMING(fill_uniforms({seed, Purpose::resampling, 0, 0, 3}, out, -1), "threads");
}

}  // namespace
}  // namespace kolmo::random
