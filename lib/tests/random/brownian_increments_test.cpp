#include "kolmo/random/brownian_increments.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kolmo/core/error.hpp"
#include "support/expect_error.hpp"

namespace kolmo::random {
namespace {

constexpr std::uint64_t seed = 314159;

TEST(BrownianIncrements, CoarseIncrementIsExactlyTheSumOfItsTwoHalves) {
  const BrownianIncrements w(seed, 0.0, 1.0, 2 * 3 * 5 * 8, 2);
  for (std::uint64_t m : {1u, 2u, 3u, 4u, 5u, 12u, 60u}) {
    for (std::uint64_t k = 0; k < w.steps(2 * m); ++k) {
      for (std::size_t c = 0; c < 2; ++c) {
        for (std::uint64_t path : {0u, 1u, 77u}) {
          const double coarse = w.increment(path, c, k, 2 * m);
          const double fine_sum = w.increment(path, c, 2 * k, m) + w.increment(path, c, 2 * k + 1, m);
          ASSERT_EQ(coarse, fine_sum) << "m = " << m << ", step " << k;  // bitwise, not approximately
        }
      }
    }
  }
}

TEST(BrownianIncrements, AnyFactorSumsItsFineIncrementsUpToRounding) {
  const BrownianIncrements w(seed, 0.0, 2.0, 36);
  for (std::uint64_t factor : {3u, 9u, 36u}) {
    for (std::uint64_t k = 0; k < w.steps(factor); ++k) {
      double sum = 0, abs_sum = 0;
      for (std::uint64_t j = 0; j < factor; ++j) {
        sum += w.increment(5, 0, k * factor + j);
        abs_sum += std::abs(w.increment(5, 0, k * factor + j));
      }
      EXPECT_NEAR(w.increment(5, 0, k, factor), sum, 2.0 * static_cast<double>(factor) * 0x1p-52 * abs_sum);
    }
  }
}

TEST(BrownianIncrements, AreaOfACoarseStepCombinesItsHalvesExactly) {
  // I over [0, 2H) = I_L + I_R + H ΔW_L (the integral of W − W_start over the second half).
  const BrownianIncrements w(seed, 1.0, 0.0, 48, 2);  // backwards: areas still use |dt|
  for (std::uint64_t m : {1u, 3u, 4u, 12u}) {
    for (std::uint64_t k = 0; k < w.steps(2 * m); ++k) {
      for (std::size_t c = 0; c < 2; ++c) {
        const double left = w.increment(9, c, 2 * k, m);
        const double combined = w.area(9, c, 2 * k, m) + w.area(9, c, 2 * k + 1, m) + std::abs(w.dt(m)) * left;
        ASSERT_EQ(w.area(9, c, k, 2 * m), combined) << "m = " << m << ", step " << k;
      }
    }
  }
}

TEST(BrownianIncrements, FillWithAreaMatchesTheScalarValuesAndLeavesIncrementsUnchanged) {
  const BrownianIncrements w(seed, 0.0, 1.0, 40, 2);
  const std::size_t paths = 4099;  // odd, several chunks
  for (std::uint64_t factor : {1u, 5u, 40u}) {
    std::vector<double> dw(2 * paths), area(2 * paths), plain(2 * paths);
    w.fill_with_area(3, paths, 0, factor, dw, area, 2);
    w.fill(3, paths, 0, factor, plain);
    EXPECT_EQ(dw, plain);
    for (std::size_t c = 0; c < 2; ++c) {
      for (std::size_t i : {std::size_t{0}, std::size_t{1}, paths / 2, paths - 1}) {
        ASSERT_EQ(area[c * paths + i], w.area(3 + i, c, 0, factor));
      }
    }
  }
}

TEST(BrownianIncrements, AreaHasTheMomentsOfTheTimeIntegralOfBrownianMotion) {
  // E[I²] = H³/3 and E[I ΔW] = H²/2 (both follow from Cov(W_s, W_u) = min(s, u)); checked to 4 standard errors
  // estimated from the same samples, at a coarse step made of 8 fine ones.
  const std::size_t paths = 1 << 16;
  const BrownianIncrements w(seed, 0.0, 0.8, 8);
  std::vector<double> dw(paths), area(paths);
  w.fill_with_area(0, paths, 0, 8, dw, area);
  const double h = 0.8;
  double s_ii = 0, s_ii2 = 0, s_iw = 0, s_iw2 = 0;
  for (std::size_t i = 0; i < paths; ++i) {
    s_ii += area[i] * area[i];
    s_ii2 += std::pow(area[i], 4);
    s_iw += area[i] * dw[i];
    s_iw2 += std::pow(area[i] * dw[i], 2);
  }
  const double n = paths;
  const double mean_ii = s_ii / n, mean_iw = s_iw / n;
  EXPECT_NEAR(mean_ii, h * h * h / 3, 4 * std::sqrt((s_ii2 / n - mean_ii * mean_ii) / n));
  EXPECT_NEAR(mean_iw, h * h / 2, 4 * std::sqrt((s_iw2 / n - mean_iw * mean_iw) / n));
}

TEST(BrownianIncrements, IncrementsHaveVarianceDtForwardAndBackward) {
  const std::size_t paths = 1 << 17;
  for (auto [t0, t1] : {std::pair{0.0, 0.5}, std::pair{2.0, 0.5}}) {
    const BrownianIncrements w(seed, t0, t1, 64);
    for (std::uint64_t factor : {1u, 8u, 64u}) {
      std::vector<double> dw(paths);
      w.fill(0, paths, 0, factor, dw);
      double sum_sq = 0;
      for (double x : dw) sum_sq += x * x;
      const double variance = std::abs(w.dt(factor));
      // E[dW^2] = |dt|, Var[dW^2] = 2 dt^2: 4 standard errors.
      EXPECT_NEAR(sum_sq / paths, variance, 4 * std::sqrt(2.0 / paths) * variance)
          << "t0 = " << t0 << ", t1 = " << t1 << ", factor " << factor;
    }
  }
}

TEST(BrownianIncrements, BatchFillEqualsScalarIncrementsForAnyThreadCount) {
  const BrownianIncrements w(seed, 1.0, 0.0, 24, 3);
  const std::uint64_t first = 4095;  // an odd start straddling a chunk boundary
  const std::size_t paths = 4101;
  for (std::uint64_t factor : {1u, 4u, 6u, 24u}) {
    std::vector<double> one(paths * 3), four(paths * 3);
    w.fill(first, paths, 0, factor, one, 1);
    w.fill(first, paths, 0, factor, four, 4);
    ASSERT_EQ(one, four) << "factor " << factor;
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t i = 0; i < paths; i += 401)
        ASSERT_EQ(one[c * paths + i], w.increment(first + i, c, 0, factor)) << "factor " << factor;
  }
}

TEST(BrownianIncrements, TimeGridHitsBothEndsExactly) {
  const BrownianIncrements w(seed, 0.1, 0.7, 30);
  EXPECT_EQ(w.time(0, 3), 0.1);
  EXPECT_EQ(w.time(10, 3), 0.7);
  EXPECT_DOUBLE_EQ(w.time(5, 3), 0.4);
  EXPECT_DOUBLE_EQ(w.dt(3), 0.06);
  const BrownianIncrements backward(seed, 1.0, 0.0, 4);
  EXPECT_DOUBLE_EQ(backward.dt(), -0.25);
  EXPECT_EQ(backward.time(4), 0.0);
}

TEST(BrownianIncrements, RejectsBadArguments) {
  KOLMO_EXPECT_THROW_NAMING(BrownianIncrements(seed, 0.0, 0.0, 4), "t1");
  KOLMO_EXPECT_THROW_NAMING(BrownianIncrements(seed, 0.0, std::nan(""), 4), "t1");
  KOLMO_EXPECT_THROW_NAMING(BrownianIncrements(seed, 0.0, 1.0, 0), "fine_steps");
  KOLMO_EXPECT_THROW_NAMING(BrownianIncrements(seed, 0.0, 1.0, 4, 0), "dimension");
  const BrownianIncrements w(seed, 0.0, 1.0, 12, 2);
  KOLMO_EXPECT_THROW_NAMING((void)w.steps(5), "factor");
  KOLMO_EXPECT_THROW_NAMING((void)w.increment(0, 0, 4, 3), "step");  // only 4 steps of 3: indices 0..3
  KOLMO_EXPECT_THROW_NAMING((void)w.increment(0, 2, 0, 3), "component");  // component out of range
  KOLMO_EXPECT_THROW_NAMING((void)w.time(5, 3), "step");
  std::vector<double> out(7);
  KOLMO_EXPECT_THROW_NAMING(w.fill(0, 4, 0, 1, out), "out.size()");
  try {
    (void)w.steps(5);
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "kolmo::random::BrownianIncrements::steps: parameter 'factor' = 5; expected a divisor of "
              "fine_steps = 12");
  }
}

}  // namespace
}  // namespace kolmo::random
