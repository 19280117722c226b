#include "batch_kernels.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>

// Compiled with -ffp-contract=off (lib/CMakeLists.txt) so that no clone fuses f·h + g·dw.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define KOLMO_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define KOLMO_VECTOR_CLONES
#endif

namespace kolmo::sde::detail {

KOLMO_VECTOR_CLONES
void add_euler_step(std::span<double> x, std::span<const double> f, double h, double g, std::span<const double> dw) {
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += f[i] * h + g * dw[i];
}

KOLMO_VECTOR_CLONES
void add_euler_step(std::span<double> x, std::span<const double> f, double h, std::span<const double> g,
                    std::span<const double> dw) {
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += f[i] * h + g[i] * dw[i];
}

KOLMO_VECTOR_CLONES
bool all_finite(std::span<const double> x) {
  // A double is finite unless its exponent bits are all ones; testing the bits (rather than
  // std::isfinite) keeps the loop a branch-free integer reduction that vectorises.
  constexpr std::uint64_t exponent = 0x7FF0'0000'0000'0000;
  std::uint64_t non_finite = 0;
  for (double v : x) non_finite |= (std::bit_cast<std::uint64_t>(v) & exponent) == exponent ? 1u : 0u;
  return non_finite == 0;
}

}  // namespace kolmo::sde::detail
