#include "kolmo/core/all_finite.hpp"

#include <bit>
#include <cstdint>

#include "kolmo/core/vector_clones.hpp"

namespace kolmo {

KOLMO_VECTOR_CLONES
bool all_finite(std::span<const double> x) {
  // A double is finite unless its exponent bits are all ones; testing the bits (rather than
  // std::isfinite) keeps the loop a branch-free integer reduction that vectorises.
  constexpr std::uint64_t exponent = 0x7FF0'0000'0000'0000;
  std::uint64_t non_finite = 0;
  for (double v : x) non_finite |= (std::bit_cast<std::uint64_t>(v) & exponent) == exponent ? 1u : 0u;
  return non_finite == 0;
}

}  // namespace kolmo
