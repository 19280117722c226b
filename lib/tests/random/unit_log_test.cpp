#include "kolmo/random/unit_log.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

namespace kolmo::random {
namespace {

// Error budget: the atanh series and its sums within ~2 ulp of ln m, the split e·ln2 exact to
// ~1 ulp more; 4 ulp of the value (a factor-2 slip in any coefficient is off by far more).
void expect_close_to_log(double u) {
  const long double exact = std::log(static_cast<long double>(u));
  const long double bound = 4 * 0x1p-53L * std::fabs(exact) + 0x1p-1074L;
  EXPECT_LE(std::fabs(static_cast<long double>(log_unit(u)) - exact), bound) << std::hexfloat << "u = " << u;
}

TEST(UnitLog, WithinFourUlpOfTheExactLogOnRandomUniforms) {
  std::mt19937_64 words(20261123);  // recorded seed; any words must pass
  for (int i = 0; i < 1'000'000; ++i) {
    expect_close_to_log(open_closed_unit(words()));
    if (HasFailure()) return;
  }
}

TEST(UnitLog, WithinFourUlpAtTheSeamsOfItsRangeReduction) {
  // Powers of two, √½ on both sides (where the mantissa wraps), the smallest grid value, and 1.
  const double sqrt_half = std::sqrt(0.5);
  for (double u : {1.0, 0.5, 0.25, 0x1p-52, sqrt_half, std::nextafter(sqrt_half, 0.0), std::nextafter(sqrt_half, 1.0),
                   std::nextafter(1.0, 0.0), 0.75, 1e-3, 1.27e-3}) {
    expect_close_to_log(u);
  }
  EXPECT_EQ(log_unit(1.0), 0.0);
}

TEST(UnitLog, UnitMapsCoverTheirIntervalsOnTheGrid) {
  constexpr std::uint64_t all = ~std::uint64_t{0};
  EXPECT_EQ(closed_open_unit(0), 0.0);
  EXPECT_EQ(closed_open_unit(all), 1.0 - 0x1p-52);
  EXPECT_EQ(open_closed_unit(0), 1.0);
  EXPECT_EQ(open_closed_unit(all), 0x1p-52);
  EXPECT_EQ(closed_open_unit(std::uint64_t{1} << 12), 0x1p-52);  // bit 12 is the lowest one read
  EXPECT_EQ(closed_open_unit(0xFFF), 0.0);                       // bits 0–11 are not read
}

}  // namespace
}  // namespace kolmo::random
