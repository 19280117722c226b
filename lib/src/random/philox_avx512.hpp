#pragma once
// Internal: Philox4x32-10 of 64 consecutive path pairs written with AVX-512 intrinsics, for the
// batch normal fill. Auto-vectorised, philox_lanes.hpp widens each 32-bit word to a 64-bit lane
// and multiplies with vpmullq plus packing shuffles; here every counter word lives in the low
// half of a 64-bit lane from the start, so each 32 × 32 → 64-bit product of a round is a single
// vpmuludq (which ignores the high halves, so they need no clearing until the end) — faster
// than the auto-vectorised lanes (docs/measurements.md, "AVX-512 Philox kernel"). Same function, same bits: lib/tests/random/normal_test.cpp compares the batch fill (which
// takes this path where the CPU has AVX-512) with the scalar Random123 path bit for bit.

#include <cstdint>

#include "philox_lanes.hpp"

namespace kolmo::random::detail {

/// Pairs per call of the AVX-512 kernel.
inline constexpr std::size_t avx512_philox_pairs = 64;

/// True when this CPU runs philox_lanes_avx512 (AVX-512 F and DQ; always false off x86-64/GCC).
[[nodiscard]] bool has_avx512_philox();

/// The same blocks as philox_lanes<64>; call only where has_avx512_philox() holds.
void philox_lanes_avx512(std::uint64_t seed, Purpose purpose, std::uint64_t step, std::uint64_t component,
                         std::uint64_t first_pair, PhiloxHalves<avx512_philox_pairs>& out);

}  // namespace kolmo::random::detail
