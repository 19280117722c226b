#pragma once
// The counter-based generator behind every Kolmo draw: Philox4x32-10 (Salmon, Moraes, Dror &
// Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC'11), from Random123.
//
// A draw address (random/draw_address.hpp) maps to one Philox block as
//   key     = { seed mod 2^32, seed / 2^32 }
//   counter = { component, step, pair mod 2^32, (pair / 2^32) | purpose << 16 },  pair = path / 2
// and the block's two 64-bit halves serve paths 2·pair (first half) and 2·pair + 1 (second).
// Purposes are below 2^11 (max_purpose). The extra words a normal draw may need
// (random/ziggurat.hpp's rare path) come two to a block: words 2j − 1 and 2j of `path` are the
// halves of the block of the same address with purpose + c·2^11 in the purpose field,
// c = 2(j − 1) + (path mod 2) + 1 ∈ [1, 30] for j = 1 … 15. Distinct draws and extra words
// therefore never share a counter, which is all a counter-based generator needs for
// independent streams. The layout is part of Kolmo's reproducibility contract: changing it
// changes every published number, so it is pinned by a known-answer test.

#include <array>
#include <cstdint>

#include <Random123/philox.h>

#include "kolmo/random/draw_address.hpp"

namespace kolmo::random {

/// The four 32-bit words of one Philox4x32-10 output block.
using PhiloxBlock = std::array<std::uint32_t, 4>;

/// Philox4x32-10 at (key, counter) — Random123's implementation, Kolmo's types.
[[nodiscard]] inline PhiloxBlock philox4x32_10(std::array<std::uint32_t, 2> key,
                                               std::array<std::uint32_t, 4> counter) {
  const r123::Philox4x32::key_type k = {{key[0], key[1]}};
  const r123::Philox4x32::ctr_type c = {{counter[0], counter[1], counter[2], counter[3]}};
  const r123::Philox4x32::ctr_type out = r123::Philox4x32()(c, k);
  return {out[0], out[1], out[2], out[3]};
}

/// The block holding the draw of `path` at (seed, purpose, step, component); see the layout
/// above. Addresses are assumed in range (draw_address.hpp: max_path, max_step, max_component);
/// public entry points check that.
[[nodiscard]] inline PhiloxBlock philox_block(std::uint64_t seed, Purpose purpose, std::uint64_t path,
                                              std::uint64_t step, std::uint64_t component) {
  const std::uint64_t pair = path >> 1;
  const auto purpose_bits = static_cast<std::uint32_t>(static_cast<std::uint16_t>(purpose)) << 16;
  return philox4x32_10(
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
      {static_cast<std::uint32_t>(component), static_cast<std::uint32_t>(step),
       static_cast<std::uint32_t>(pair), static_cast<std::uint32_t>(pair >> 32) | purpose_bits});
}

/// The 64-bit half of `block` that belongs to `lane` (0 for even paths, 1 for odd ones).
[[nodiscard]] constexpr std::uint64_t block_half(const PhiloxBlock& block, unsigned lane) {
  const unsigned low = 2 * lane;
  return static_cast<std::uint64_t>(block[low]) | (static_cast<std::uint64_t>(block[low + 1]) << 32);
}

/// Extra block j (1 ≤ j ≤ 15) of the normal draw of `path` at (seed, purpose, step, component),
/// holding its extra words 2j − 1 (first half) and 2j (second half); see the layout above.
[[nodiscard]] inline PhiloxBlock normal_extra_block(std::uint64_t seed, Purpose purpose, std::uint64_t path,
                                                    std::uint64_t step, std::uint64_t component, unsigned j) {
  const auto code = static_cast<std::uint16_t>(2 * (j - 1) + (path & 1u) + 1);
  const auto field = static_cast<std::uint16_t>(static_cast<std::uint16_t>(purpose) + (code << 11));
  return philox_block(seed, static_cast<Purpose>(field), path, step, component);
}

/// Throws kolmo::Error unless every index of `address` fits the counter layout.
void check_address(const DrawAddress& address, const char* where);
/// Throws kolmo::Error unless the whole batch fits the counter layout and `out_size` matches.
void check_batch(const BatchAddress& address, std::size_t out_size, const char* where);

}  // namespace kolmo::random
