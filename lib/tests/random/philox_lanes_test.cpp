// The vectorised Philox kernels of the batch fills (internal, lib/src/random/philox_lanes.hpp
// and philox_avx512.hpp) against the scalar Random123 block, word for word. The normal tests
// compare whole batches with single draws, but only through the kernel this CPU selects; here
// both kernels are checked wherever they can run, so a machine with AVX-512 also covers the
// portable lanes that an AVX2-only machine would use.

#include <gtest/gtest.h>

#include <cstdint>

#include "kolmo/random/philox.hpp"
#include "random/philox_avx512.hpp"
#include "random/philox_lanes.hpp"

namespace kolmo::random {
namespace {

constexpr std::size_t pairs = detail::avx512_philox_pairs;

/// The first pairs tried: zero, a run that crosses the 2^32 boundary of the pair counter (its
/// high word goes to the fourth counter word beside the purpose), and the top of the range.
constexpr std::uint64_t first_pairs[] = {0, (std::uint64_t{1} << 32) - 7, (max_path >> 1) - (pairs - 1)};

void expect_scalar_blocks(const detail::PhiloxHalves<pairs>& halves, std::uint64_t seed, Purpose purpose,
                          std::uint64_t step, std::uint64_t component, std::uint64_t first_pair) {
  for (std::size_t j = 0; j < pairs; ++j) {
    const PhiloxBlock block = philox_block(seed, purpose, 2 * (first_pair + j), step, component);
    ASSERT_EQ(halves.half0[j], block_half(block, 0)) << "pair " << first_pair + j;
    ASSERT_EQ(halves.half1[j], block_half(block, 1)) << "pair " << first_pair + j;
  }
}

TEST(PhiloxLanes, PortableLanesEqualTheScalarBlocks) {
  for (const std::uint64_t first_pair : first_pairs) {
    detail::PhiloxHalves<pairs> halves;
    detail::philox_lanes(0xfedc'ba98'7654'3210ULL, Purpose::brownian, 0xffff'fffeULL, 9, first_pair, halves);
    expect_scalar_blocks(halves, 0xfedc'ba98'7654'3210ULL, Purpose::brownian, 0xffff'fffeULL, 9, first_pair);
  }
}

TEST(PhiloxLanes, Avx512KernelEqualsTheScalarBlocks) {
  if (!detail::has_avx512_philox()) GTEST_SKIP() << "this CPU lacks AVX-512 F/DQ";
  for (const std::uint64_t first_pair : first_pairs) {
    detail::PhiloxHalves<pairs> halves;
    detail::philox_lanes_avx512(0xfedc'ba98'7654'3210ULL, Purpose{max_purpose}, 0xffff'fffeULL, 9, first_pair, halves);
    expect_scalar_blocks(halves, 0xfedc'ba98'7654'3210ULL, Purpose{max_purpose}, 0xffff'fffeULL, 9, first_pair);
  }
}

}  // namespace
}  // namespace kolmo::random
