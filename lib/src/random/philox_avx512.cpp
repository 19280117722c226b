#include "philox_avx512.hpp"

#include <cstdlib>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define KOLMO_HAVE_AVX512_PHILOX 1
#endif

namespace kolmo::random::detail {

#if KOLMO_HAVE_AVX512_PHILOX

bool has_avx512_philox() {
  static const bool available = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  return available;
}

namespace {

/// Eight counters (one 64-bit lane each, the 32-bit word in the low half) through ten rounds
/// (Salmon et al. 2011, §3.3; multipliers and key increments in philox_lanes.hpp).
struct Counters {
  __m512i c0, c1, c2, c3;
};

[[gnu::target("avx512f,avx512dq")]] inline Counters philox_rounds(Counters c, std::uint32_t k0, std::uint32_t k1) {
  const __m512i m0 = _mm512_set1_epi64(static_cast<long long>(philox_m0));
  const __m512i m1 = _mm512_set1_epi64(static_cast<long long>(philox_m1));
  constexpr int xor3 = 0x96;  // vpternlog truth table of a ^ b ^ c
  for (int round = 0; round < 10; ++round) {
    const __m512i p0 = _mm512_mul_epu32(c.c0, m0);  // low words × multiplier, 64-bit products
    const __m512i p1 = _mm512_mul_epu32(c.c2, m1);
    c.c0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c.c1, _mm512_set1_epi64(k0), xor3);
    c.c1 = p1;  // lo(p1): the high half rides along unused
    c.c2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c.c3, _mm512_set1_epi64(k1), xor3);
    c.c3 = p0;
    k0 += philox_w0;
    k1 += philox_w1;
  }
  return c;
}

}  // namespace

[[gnu::target("avx512f,avx512dq")]] void philox_lanes_avx512(std::uint64_t seed, Purpose purpose, std::uint64_t step,
                                                             std::uint64_t component, std::uint64_t first_pair,
                                                             PhiloxHalves<avx512_philox_pairs>& out) {
  const __m512i low32 = _mm512_set1_epi64(0xFFFF'FFFF);
  const __m512i purpose_bits =
      _mm512_set1_epi64(static_cast<long long>(std::uint64_t{static_cast<std::uint16_t>(purpose)} << 16));
  const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  const auto k0 = static_cast<std::uint32_t>(seed);
  const auto k1 = static_cast<std::uint32_t>(seed >> 32);
  for (std::size_t j = 0; j < avx512_philox_pairs; j += 8) {
    const __m512i pair = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(first_pair + j)), lane);
    Counters c{_mm512_set1_epi64(static_cast<long long>(component & 0xFFFF'FFFF)),
               _mm512_set1_epi64(static_cast<long long>(step & 0xFFFF'FFFF)), _mm512_and_si512(pair, low32),
               _mm512_or_si512(_mm512_srli_epi64(pair, 32), purpose_bits)};
    c = philox_rounds(c, k0, k1);
    // half0 = c0 | c1 << 32, half1 = c2 | c3 << 32 (philox.hpp: block_half).
    _mm512_storeu_si512(&out.half0[j], _mm512_or_si512(_mm512_and_si512(c.c0, low32), _mm512_slli_epi64(c.c1, 32)));
    _mm512_storeu_si512(&out.half1[j], _mm512_or_si512(_mm512_and_si512(c.c2, low32), _mm512_slli_epi64(c.c3, 32)));
  }
}

#else

bool has_avx512_philox() { return false; }

void philox_lanes_avx512(std::uint64_t, Purpose, std::uint64_t, std::uint64_t, std::uint64_t,
                         PhiloxHalves<avx512_philox_pairs>&) {
  std::abort();  // unreachable: has_avx512_philox() is false here
}

#endif

}  // namespace kolmo::random::detail
