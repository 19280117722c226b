#include "kolmo/random/uniform.hpp"

#include <utility>

#include "batch_fill.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/philox.hpp"

namespace kolmo::random {
namespace {

std::pair<std::uint64_t, std::uint64_t> bits_pair(std::uint64_t seed, Purpose purpose, std::uint64_t pair_path,
                                                  std::uint64_t step, std::uint64_t component) {
  const PhiloxBlock block = philox_block(seed, purpose, pair_path, step, component);
  return {block_half(block, 0), block_half(block, 1)};
}

std::uint64_t random_bits(const DrawAddress& address) {
  const auto [even, odd] = bits_pair(address.seed, address.purpose, address.path & ~std::uint64_t{1},
                                     address.step, address.component);
  return (address.path & 1u) != 0 ? odd : even;
}

// The top 53 bits k give u = (k + 1/2) 2^-53: exactly representable, symmetric about 1/2 and
// never 0 or 1. (r123::u01 maps to (0, 1] and, through an unsigned 64-bit conversion, costs
// more than the Philox block itself; see benchmarks/random_benchmark.cpp.)
double open_unit(std::uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1p-53;
}

}  // namespace

double uniform01(const DrawAddress& address) {
  check_address(address, "kolmo::random::uniform01");
  return open_unit(random_bits(address));
}

void fill_uniforms(const BatchAddress& address, std::span<double> out, int threads) {
  constexpr const char* where = "kolmo::random::fill_uniforms";
  check_batch(address, out.size(), where);
  require(threads >= 1, where, "threads", threads, "at least 1");

  detail::for_each_chunk(address, out, threads,
                         [&](std::size_t component, std::uint64_t first_path, std::span<double> row) {
                           detail::fill_pairs(first_path, row, [&](std::uint64_t pair_path) {
                             const auto [even, odd] =
                                 bits_pair(address.seed, address.purpose, pair_path, address.step,
                                           address.first_component + component);
                             return std::pair{open_unit(even), open_unit(odd)};
                           });
                         });
}

std::uint64_t uniform_index(const DrawAddress& address, std::uint64_t bound) {
  constexpr const char* where = "kolmo::random::uniform_index";
  check_address(address, where);
  require_at_least(where, "bound", bound, 1);
  // Lemire (2019), "Fast random integer generation in an interval": the high word of the
  // 128-bit product bits * bound is uniform on [0, bound) up to a bias below bound / 2^64.
  __extension__ using uint128 = unsigned __int128;  // GCC/Clang extension; -Wpedantic knows why
  const uint128 product = static_cast<uint128>(random_bits(address)) * bound;
  return static_cast<std::uint64_t>(product >> 64);
}

}  // namespace kolmo::random
