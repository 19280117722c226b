#pragma once
// ln u for u ∈ (0, 1], written out in +, −, ×, ÷ alone, and the map from 64 random bits to such
// a u. The ziggurat's rare path (random/ziggurat.hpp) takes logarithms of uniforms; with libm's
// log their last bits would differ between libm versions and vector variants, so the same
// address would not give the same normal on every machine. Every operation here is correctly
// rounded IEEE arithmetic, so the same bits come out everywhere, provided the compiler does not
// contract a·b + c into a fused multiply-add (-ffp-contract=off; GCC's default in ISO C++ mode,
// which Kolmo builds in, and set explicitly on the files that use this).
//
// ln u: u = 2^e m with m ∈ [√½, √2), ln m = 2 atanh s, s = (m − 1)/(m + 1), |s| ≤ 3 − 2√2, by its
// Taylor series to s²¹ (first omitted term < 3e-19 |ln m|); lib/tests/random/unit_log_test.cpp
// holds the result to 4 ulp against long-double libm.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace kolmo::random {
namespace unit_log_detail {

inline constexpr std::uint64_t one_bits = 0x3FF0'0000'0000'0000;       // the bits of 1.0
inline constexpr std::uint64_t mantissa_bits = 0x000F'FFFF'FFFF'FFFF;
inline constexpr std::uint64_t two_52_bits = 0x4330'0000'0000'0000;    // the bits of 2^52
inline constexpr double two_52 = 4503599627370496.0;
inline constexpr std::uint64_t sqrt_half_bits = 0x3FE6'A09E'667F'3BCD;  // the bits of √½, rounded down
// ln 2 split so that e · ln2_hi is exact for |e| < 2^11 (the fdlibm constants, Sun 1993).
inline constexpr double ln2_hi = 6.93147180369123816490e-01;
inline constexpr double ln2_lo = 1.90821492927058770002e-10;

/// The small unsigned integer k < 2^52 as a double, exactly: 2^52 + k has k in its low bits.
[[nodiscard]] inline double small_integer(std::uint64_t k) { return std::bit_cast<double>(k | two_52_bits) - two_52; }

/// c₀ xᴺ⁻¹ + c₁ xᴺ⁻² + … + c_{N−1} by Horner's rule, coefficients from the highest power down.
template <std::size_t N>
[[nodiscard]] inline double horner(double x, const std::array<double, N>& c) {
  double p = c[0];
  for (std::size_t i = 1; i < N; ++i) p = p * x + c[i];
  return p;
}

/// 2 atanh s = 2s (1 + s²/3 + s⁴/5 + … + s²⁰/21): the coefficients of the bracket less its 1.
inline constexpr std::array<double, 10> atanh_series = {1.0 / 21, 1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13,
                                                        1.0 / 11, 1.0 / 9,  1.0 / 7,  1.0 / 5,  1.0 / 3};

}  // namespace unit_log_detail

/// u ∈ [0, 1) on the grid 2^-52 from the top 52 bits: the double 1.b₁…b₅₂ ∈ [1, 2) less one (exact).
[[nodiscard]] inline double closed_open_unit(std::uint64_t bits) {
  return std::bit_cast<double>((bits >> 12) | unit_log_detail::one_bits) - 1.0;
}

/// u ∈ (0, 1] on the grid 2^-52 from the top 52 bits: two minus the double 1.b₁…b₅₂ ∈ [1, 2).
[[nodiscard]] inline double open_closed_unit(std::uint64_t bits) {
  return 2.0 - std::bit_cast<double>((bits >> 12) | unit_log_detail::one_bits);
}

/// ln u for a positive normal double u ≤ 1 (see the header comment). Subtracting the bits of
/// √½ before splitting exponent and mantissa lands m in [√½, √2) with integer operations only.
[[nodiscard]] inline double log_unit(double u) {
  using namespace unit_log_detail;
  const std::uint64_t shifted = std::bit_cast<std::uint64_t>(u) - sqrt_half_bits + (std::uint64_t{1024} << 52);
  const double e = small_integer(shifted >> 52) - 1024.0;
  const double m = std::bit_cast<double>((shifted & mantissa_bits) + sqrt_half_bits);
  const double s = (m - 1.0) / (m + 1.0);  // m − 1 is exact (Sterbenz)
  const double s2 = s * s;
  const double log_m = 2.0 * s + 2.0 * s * (horner(s2, atanh_series) * s2);
  return e * ln2_hi + (e * ln2_lo + log_m);
}

}  // namespace kolmo::random
