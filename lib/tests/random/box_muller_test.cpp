#include "kolmo/random/box_muller.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace kolmo::random {
namespace {

constexpr long double pi_l = 3.141592653589793238462643383279502884L;

// The pair the transform approximates, from the same bits, in long double (64-bit mantissa):
// u = 1 − k 2^-52 and θ = (o + f) π/4 are exact there, so this is r cos θ, r sin θ to ~1e-19.
struct Reference {
  long double first, second, radius;
};
Reference exact_pair(std::uint64_t radius_bits, std::uint64_t angle_bits) {
  const long double u = 1.0L - static_cast<long double>(radius_bits >> 12) * 0x1p-52L;
  const long double r = std::sqrt(-2.0L * std::log(u));
  const long double f = static_cast<long double>((angle_bits << 3) >> 12) * 0x1p-52L;
  const long double theta = (static_cast<long double>(angle_bits >> 61) + f) * (pi_l / 4.0L);
  return {r * std::cos(theta), r * std::sin(theta), r};
}

// Error budget per value: ln u and the polynomials within ~3 ulp, √ and the products 1.5 more,
// so 8 ulp of the value; plus the reference's own error near a zero of cos or sin, where its
// argument θ ≤ 2π, rounded to 64 bits, is off by ≤ 2π·2^-64 ≈ 3.4e-19 (times r).
void expect_close(double value, long double exact, long double radius, const char* which, std::uint64_t a,
                  std::uint64_t b) {
  const long double ulp = 0x1p-53L;
  const long double bound = 8 * ulp * std::fabs(exact) + 1e-18L * radius;
  EXPECT_LE(std::fabs(static_cast<long double>(value) - exact), bound)
      << which << " radius_bits " << std::hex << a << " angle_bits " << b;
}

void check(std::uint64_t a, std::uint64_t b) {
  const NormalPair z = box_muller(a, b);
  const Reference ref = exact_pair(a, b);
  expect_close(z.first, ref.first, ref.radius, "first", a, b);
  expect_close(z.second, ref.second, ref.radius, "second", a, b);
}

TEST(BoxMuller, WithinEightUlpOfTheExactPairOnRandomWords) {
  std::mt19937_64 words(20261123);  // recorded seed; any words must pass
  for (int i = 0; i < 1'000'000; ++i) {
    const std::uint64_t a = words(), b = words();
    check(a, b);
    if (HasFailure()) return;
  }
}

TEST(BoxMuller, WithinEightUlpAtTheEdgesOfEveryOctantAndOfTheRadius) {
  constexpr std::uint64_t all = ~std::uint64_t{0};
  const std::uint64_t radius_words[] = {0, 1ull << 12, all, all - (1ull << 12), 0x8000'0000'0000'0000ull,
                                        0x4afb'0000'0000'0000ull /* u near √½ */, 0xB504'F333'F9DE'6484ull};
  for (std::uint64_t octant = 0; octant < 8; ++octant) {
    const std::uint64_t start = octant << 61;
    for (std::uint64_t f_bits : {std::uint64_t{0}, std::uint64_t{1} << 12, (all >> 3) & ~std::uint64_t{0xFFF},
                                 std::uint64_t{1} << 60}) {
      for (std::uint64_t a : radius_words) check(a, start | f_bits);
    }
  }
}

TEST(BoxMuller, RadiusRunsFromZeroToTheDocumentedCut) {
  // u = 1 gives r = 0 (no NaN from ln 1); the smallest u = 2^-52 gives r = √(104 ln 2).
  const NormalPair zero = box_muller(0, 0);
  EXPECT_EQ(zero.first, 0.0);
  EXPECT_EQ(zero.second, 0.0);
  const NormalPair largest = box_muller(~std::uint64_t{0}, 0);  // θ = 0: all of r in `first`
  EXPECT_NEAR(largest.first, std::sqrt(104 * std::log(2.0)), 1e-14);
  EXPECT_EQ(largest.second, 0.0);
}

TEST(BoxMuller, QuarterTurnsAreExact) {
  // θ = o π/4 for f = 0: the axes come out exactly, the diagonals to rounding.
  const std::uint64_t a = 0x1234'5678'9abc'def0ull;
  const auto r = static_cast<double>(exact_pair(a, 0).radius);
  const NormalPair east = box_muller(a, 0ull << 61), north = box_muller(a, 2ull << 61);
  const NormalPair west = box_muller(a, 4ull << 61), south = box_muller(a, 6ull << 61);
  EXPECT_EQ(east.second, 0.0);
  EXPECT_EQ(north.first, 0.0);
  EXPECT_EQ(west.second, 0.0);
  EXPECT_EQ(south.first, 0.0);
  EXPECT_EQ(east.first, -west.first);
  EXPECT_EQ(north.second, -south.second);
  EXPECT_NEAR(east.first, r, 8 * std::numeric_limits<double>::epsilon() * r);
}

}  // namespace
}  // namespace kolmo::random
