#pragma once
// The Box–Muller transform (Box & Muller 1958) from two 64-bit random words to two independent
// standard normals, written out in +, −, ×, ÷ and √ alone.
//
// Why not libm's log and sincos: their last bits differ between libm versions and vector
// variants, so draws made through them would not be the same numbers on every machine, and
// they keep the batch fill from vectorising (they were 80% of its time). With only IEEE
// operations — each correctly rounded — the same bits come out of the scalar path, the
// SSE2, AVX2 and AVX-512 paths and any later machine, provided the compiler does not contract
// a·b + c into a fused multiply-add (-ffp-contract=off; GCC's default in ISO C++ mode, which
// Kolmo builds in, and set explicitly on the file that vectorises this).
//
//   radius:  u = 2 − 1.b₁…b₅₂ ∈ (0, 1] from the top 52 bits of `radius_bits`,  r = √(−2 ln u);
//   angle:   θ = (o + f) π/4 with the octant o = top 3 bits of `angle_bits` and f ∈ [0, 1)
//            from the next 52;  first = r cos θ, second = r sin θ.
//
// ln u: u = 2^e m with m ∈ [√½, √2), ln m = 2 atanh s, s = (m − 1)/(m + 1), |s| ≤ 3 − 2√2, by its
// Taylor series to s²¹ (first omitted term < 3e-19 |ln m|). cos and sin are evaluated on the
// reduced argument y ∈ [0, π/4] by Taylor polynomials to y¹⁶ and y¹⁷ (first omitted terms
// < 2e-18 and 1e-19 relative), the octant and quadrant restored by exact swaps and sign flips.
// Every normal is within a few ulp of r cos θ and r sin θ evaluated exactly
// (lib/tests/random/box_muller_test.cpp holds it to 8 ulp against long-double libm). The
// smallest u is 2^-52, so |z| ≤ √(104 ln 2) ≈ 8.49: the cut tail has probability 2e-17.

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace kolmo::random {

struct NormalPair {
  double first;
  double second;
};

namespace box_muller_detail {

inline constexpr std::uint64_t one_bits = 0x3FF0'0000'0000'0000;       // the bits of 1.0
inline constexpr std::uint64_t mantissa_bits = 0x000F'FFFF'FFFF'FFFF;
inline constexpr std::uint64_t two_52_bits = 0x4330'0000'0000'0000;    // the bits of 2^52
inline constexpr double two_52 = 4503599627370496.0;
inline constexpr std::uint64_t sqrt_half_bits = 0x3FE6'A09E'667F'3BCD;  // the bits of √½, rounded down
// ln 2 split so that e · ln2_hi is exact for |e| < 2^11 (the fdlibm constants, Sun 1993).
inline constexpr double ln2_hi = 6.93147180369123816490e-01;
inline constexpr double ln2_lo = 1.90821492927058770002e-10;
inline constexpr double quarter_pi = 0.78539816339744830962;

/// The small unsigned integer k < 2^52 as a double, exactly: 2^52 + k has k in its low bits.
[[nodiscard]] inline double small_integer(std::uint64_t k) { return std::bit_cast<double>(k | two_52_bits) - two_52; }

/// u ∈ (0, 1] on the grid 2^-52: two minus the double 1.b₁…b₅₂ ∈ [1, 2) built from the top bits.
[[nodiscard]] inline double open_closed_unit(std::uint64_t bits) {
  return 2.0 - std::bit_cast<double>((bits >> 12) | one_bits);
}

/// f ∈ [0, 1) on the grid 2^-52 from the 52 bits below the top 3.
[[nodiscard]] inline double octant_fraction(std::uint64_t bits) {
  return std::bit_cast<double>(((bits << 3) >> 12) | one_bits) - 1.0;
}

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
/// sin y = y (1 − y²/3! + … + y¹⁶/17!): the bracket less its 1, in powers of y² (17! < 2^53: exact).
inline constexpr std::array<double, 8> sin_series = {1.0 / 355687428096000, -1.0 / 1307674368000, 1.0 / 6227020800,
                                                     -1.0 / 39916800,       1.0 / 362880,         -1.0 / 5040,
                                                     1.0 / 120,             -1.0 / 6};
/// cos y = 1 − y²/2! + … + y¹⁶/16!: the terms after the 1, over y², in powers of y².
inline constexpr std::array<double, 8> cos_series = {1.0 / 20922789888000, -1.0 / 87178291200, 1.0 / 479001600,
                                                     -1.0 / 3628800,       1.0 / 40320,         -1.0 / 720,
                                                     1.0 / 24,             -1.0 / 2};

/// ln u for a positive normal double u ≤ 1 (see the header comment). Subtracting the bits of
/// √½ before splitting exponent and mantissa lands m in [√½, √2) with integer operations only
/// (no compare-and-select, which keeps the loop vectorisable on AVX2).
[[nodiscard]] inline double log_unit(double u) {
  const std::uint64_t shifted = std::bit_cast<std::uint64_t>(u) - sqrt_half_bits + (std::uint64_t{1024} << 52);
  const double e = small_integer(shifted >> 52) - 1024.0;
  const double m = std::bit_cast<double>((shifted & mantissa_bits) + sqrt_half_bits);
  const double s = (m - 1.0) / (m + 1.0);  // m − 1 is exact (Sterbenz)
  const double s2 = s * s;
  const double log_m = 2.0 * s + 2.0 * s * (horner(s2, atanh_series) * s2);
  return e * ln2_hi + (e * ln2_lo + log_m);
}

/// sin y for y ∈ [0, π/4].
[[nodiscard]] inline double sin_reduced(double y) {
  const double y2 = y * y;
  return y + y * (horner(y2, sin_series) * y2);
}

/// cos y for y ∈ [0, π/4].
[[nodiscard]] inline double cos_reduced(double y) {
  const double y2 = y * y;
  return 1.0 + horner(y2, cos_series) * y2;
}

}  // namespace box_muller_detail

/// (r cos θ, r sin θ) for the radius and angle words described above. Branch-free, so a loop
/// over it vectorises.
[[nodiscard]] inline NormalPair box_muller(std::uint64_t radius_bits, std::uint64_t angle_bits) {
  using namespace box_muller_detail;
  const double r = std::sqrt(-2.0 * log_unit(open_closed_unit(radius_bits)));

  // Inside its quadrant the angle is φ = f π/4 (even octant) or π/2 − (1 − f) π/4 (odd octant),
  // so cos φ, sin φ are cos y, sin y or sin y, cos y with y ∈ [0, π/4]; 1 − f is exact.
  const std::uint64_t octant = angle_bits >> 61;
  const bool odd_octant = (octant & 1u) != 0;
  const double f = octant_fraction(angle_bits);
  const double y = (odd_octant ? 1.0 - f : f) * quarter_pi;
  const double c = cos_reduced(y);
  const double s = sin_reduced(y);
  double cos_phi = odd_octant ? s : c;
  double sin_phi = odd_octant ? c : s;
  // Rotate by the quadrant q = octant / 2: a quarter turn maps (cos, sin) to (−sin, cos).
  const bool quarter_turn = (octant & 2u) != 0;
  const bool half_turn = (octant & 4u) != 0;
  const double cos_q = quarter_turn ? -sin_phi : cos_phi;
  const double sin_q = quarter_turn ? cos_phi : sin_phi;
  cos_phi = half_turn ? -cos_q : cos_q;
  sin_phi = half_turn ? -sin_q : sin_q;
  return {r * cos_phi, r * sin_phi};
}

}  // namespace kolmo::random
