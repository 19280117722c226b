#pragma once
// Internal: e^a for a ≤ 0, written out in +, −, × and bit operations alone, so that a loop over
// it vectorises (libm's exp is a scalar call; GCC vectorises it only under -ffast-math, which
// would also drop the NaN and infinity semantics the mixture kernels rely on). The soft-max of
// log-sum-exp needs exactly this range: every argument is a term less the row's largest.
//
//   a = n ln 2 + r,  n = round(a / ln 2),  |r| ≤ ½ ln 2 (+ rounding),
//   e^a = 2^n · e^r,  e^r = Σ_{i ≤ 13} r^i / i!   (first omitted term < 4.1e-18 e^r; Estrin's scheme),
//
// with ln 2 split so that n · ln2_hi is exact (Cody & Waite 1980; the fdlibm constants, as in
// random/unit_log.hpp), and 2^n built from its exponent bits as 2^h · 2^(n−h), h = round(n/2),
// so that each factor is a normal double down to n = −1076 and the product rounds once into the
// subnormal range. Edge cases: e^0 = 1 exactly, e^−inf = 0 and anything below −746 gives 0 (the
// true value is below half the smallest subnormal), NaN gives NaN. Every operation is correctly
// rounded IEEE arithmetic, so the same bits come out of every vector clone provided the compiler
// does not contract a·b + c (-ffp-contract=off on the files that use it, lib/CMakeLists.txt).
// lib/tests/distribution/exp_nonpositive_test.cpp holds it to 2 ulp of libm's exp.

#include <bit>
#include <cstdint>

namespace kolmo::distribution::detail {

[[nodiscard]] inline double exp_nonpositive(double a) {
  constexpr double log2e = 1.44269504088896338700e+00;
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double round_magic = 6755399441055744.0;  // 1.5 · 2^52: x + it − it rounds x to an integer
  constexpr double two_52 = 4503599627370496.0;       // 2^52 + k has the integer k in its low bits
  // 1/i! for i = 13 down to 0, correctly rounded.
  constexpr double c13 = 1.0 / 6227020800.0, c12 = 1.0 / 479001600.0, c11 = 1.0 / 39916800.0,
                   c10 = 1.0 / 3628800.0, c9 = 1.0 / 362880.0, c8 = 1.0 / 40320.0, c7 = 1.0 / 5040.0,
                   c6 = 1.0 / 720.0, c5 = 1.0 / 120.0, c4 = 1.0 / 24.0, c3 = 1.0 / 6.0;

  const double x = a < -746.0 ? -746.0 : a;  // −inf and the underflow range clamp; NaN compares false and stays
  const double n = (x * log2e + round_magic) - round_magic;
  const double r = (x - n * ln2_hi) - n * ln2_lo;
  // Estrin's scheme (Knuth, TAOCP 2, §4.6.4): pairs, then r², r⁴, r⁸ — a dependency chain of 7
  // operations where Horner's rule has 26, which is what bounds a vectorised loop's throughput.
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  // The 1 is added last, so that the one rounding of the sum dominates the error.
  const double low = (r + r2 * (0.5 + c3 * r)) + r4 * ((c4 + c5 * r) + r2 * (c6 + c7 * r));
  const double high = ((c8 + c9 * r) + r2 * (c10 + c11 * r)) + r4 * (c12 + c13 * r);
  const double p = 1.0 + (low + r8 * high);
  // 2^m for an integer m ∈ [−1022, 1023] from the bits of 2^52 + (m + 1023): shifting left by 52
  // keeps the low 12 bits, m + 1023, as the biased exponent of the result.
  const auto power_of_two = [](double m) {
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(m + (1023.0 + two_52)) << 52);
  };
  const double h = (n * 0.5 + round_magic) - round_magic;
  return p * power_of_two(h) * power_of_two(n - h);
}

}  // namespace kolmo::distribution::detail
