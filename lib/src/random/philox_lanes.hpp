#pragma once
// Internal: Philox4x32-10 on a run of consecutive path pairs at once, in structure-of-arrays
// form, so that the compiler can put one counter in each SIMD lane. Random123's Philox works
// one block at a time, which keeps a batch fill scalar; this is the same function — the round
// and key schedule of Salmon et al. (SC'11), §3.3 and Random123's philox.h — evaluated lane by
// lane. normal.cpp checks nothing itself: lib/tests/random/normal_test.cpp compares every
// batch with the scalar path, which goes through Random123, bit for bit.

#include <array>
#include <cstddef>
#include <cstdint>

#include "kolmo/random/draw_address.hpp"

namespace kolmo::random::detail {

/// Philox4x32 multipliers and Weyl key increments (Salmon et al. 2011, Table 2; Random123).
inline constexpr std::uint64_t philox_m0 = 0xD251'1F53;
inline constexpr std::uint64_t philox_m1 = 0xCD9E'8D57;
inline constexpr std::uint32_t philox_w0 = 0x9E37'79B9;
inline constexpr std::uint32_t philox_w1 = 0xBB67'AE85;

/// The 64-bit block halves of `Lanes` consecutive pairs: half0[j], half1[j] belong to pair
/// first_pair + j, laid out as in philox.hpp (block_half).
template <std::size_t Lanes>
struct PhiloxHalves {
  std::array<std::uint64_t, Lanes> half0;
  std::array<std::uint64_t, Lanes> half1;
};

/// Philox4x32-10 blocks of the pairs first_pair … first_pair + Lanes − 1 at (seed, purpose,
/// step, component), with the counter layout of philox.hpp.
template <std::size_t Lanes>
inline void philox_lanes(std::uint64_t seed, Purpose purpose, std::uint64_t step, std::uint64_t component,
                         std::uint64_t first_pair, PhiloxHalves<Lanes>& out) {
  const auto purpose_bits = static_cast<std::uint32_t>(static_cast<std::uint16_t>(purpose)) << 16;
  std::array<std::uint32_t, Lanes> c0, c1, c2, c3;
  for (std::size_t j = 0; j < Lanes; ++j) {
    const std::uint64_t pair = first_pair + j;
    c0[j] = static_cast<std::uint32_t>(component);
    c1[j] = static_cast<std::uint32_t>(step);
    c2[j] = static_cast<std::uint32_t>(pair);
    c3[j] = static_cast<std::uint32_t>(pair >> 32) | purpose_bits;
  }
  auto k0 = static_cast<std::uint32_t>(seed);
  auto k1 = static_cast<std::uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    for (std::size_t j = 0; j < Lanes; ++j) {
      const std::uint64_t p0 = philox_m0 * c0[j];  // 32 × 32 → 64-bit products
      const std::uint64_t p1 = philox_m1 * c2[j];
      const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
      const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
      c0[j] = hi1 ^ c1[j] ^ k0;
      c1[j] = lo1;
      c2[j] = hi0 ^ c3[j] ^ k1;
      c3[j] = lo0;
    }
    k0 += philox_w0;  // the key bump after the last round is unused and harmless
    k1 += philox_w1;
  }
  for (std::size_t j = 0; j < Lanes; ++j) {
    out.half0[j] = static_cast<std::uint64_t>(c0[j]) | (static_cast<std::uint64_t>(c1[j]) << 32);
    out.half1[j] = static_cast<std::uint64_t>(c2[j]) | (static_cast<std::uint64_t>(c3[j]) << 32);
  }
}

}  // namespace kolmo::random::detail
