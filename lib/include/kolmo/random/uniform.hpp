#pragma once
// Uniform draws on the open interval (0, 1) as pure functions of their address, for
// accept/reject decisions, permutations and inverse-CDF sampling. Each uses the top 53 bits k
// of one 64-bit half of a Philox4x32-10 block, u = (k + 1/2) 2^-53; as with normals, the two
// halves of a block serve paths 2k and 2k+1.

#include <cstdint>
#include <span>

#include "kolmo/random/draw_address.hpp"

namespace kolmo::random {

/// The uniform on (0, 1) at `address`; never exactly 0 or 1.
[[nodiscard]] double uniform01(const DrawAddress& address);

/// Fills `out` (size address.size(), layout of BatchAddress) with uniforms on (0, 1);
/// bit-identical for every thread count and equal to uniform01() at each address.
void fill_uniforms(const BatchAddress& address, std::span<double> out, int threads = 1);

/// A uniform integer in [0, bound) at `address` (bound >= 1), by Lemire's multiply-shift on 64
/// random bits; the bias is below bound / 2^64.
[[nodiscard]] std::uint64_t uniform_index(const DrawAddress& address, std::uint64_t bound);

}  // namespace kolmo::random
