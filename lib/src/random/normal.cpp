#include "kolmo/random/normal.hpp"

#include <utility>

#include <Random123/boxmuller.hpp>

#include "batch_fill.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/philox.hpp"

namespace kolmo::random {
namespace {

/// Box–Muller on the block of the path pair starting at the even path `pair_path`:
/// first → path pair_path, second → path pair_path + 1.
std::pair<double, double> normal_pair(std::uint64_t seed, Purpose purpose, std::uint64_t pair_path,
                                      std::uint64_t step, std::uint64_t component) {
  const PhiloxBlock block = philox_block(seed, purpose, pair_path, step, component);
  const r123::double2 z = r123::boxmuller(block_half(block, 0), block_half(block, 1));
  return {z.x, z.y};
}

}  // namespace

double standard_normal(const DrawAddress& address) {
  check_address(address, "kolmo::random::standard_normal");
  const auto [even, odd] = normal_pair(address.seed, address.purpose, address.path & ~std::uint64_t{1},
                                       address.step, address.component);
  return (address.path & 1u) != 0 ? odd : even;
}

void fill_standard_normals(const BatchAddress& address, std::span<double> out, int threads) {
  constexpr const char* where = "kolmo::random::fill_standard_normals";
  check_batch(address, out.size(), where);
  require(threads >= 1, where, "threads", threads, "at least 1");

  detail::for_each_chunk(address, out, threads,
                         [&](std::size_t component, std::uint64_t first_path, std::span<double> row) {
                           detail::fill_pairs(first_path, row, [&](std::uint64_t pair_path) {
                             return normal_pair(address.seed, address.purpose, pair_path,
                                                address.step,
                                                address.first_component + component);
                           });
                         });
}

}  // namespace kolmo::random
