#include "kolmo/random/normal.hpp"

#include <array>
#include <cmath>

#include "batch_fill.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/box_muller.hpp"
#include "kolmo/random/philox.hpp"
#include "../core/vector_clones.hpp"
#include "philox_lanes.hpp"

// This file is compiled with -fno-math-errno and -fno-trapping-math (so √ is one instruction,
// selects are branch-free and the loops vectorise) and -ffp-contract=off (so no clone fuses
// a·b + c and every clone gives the same bits); see lib/CMakeLists.txt. The batch row fill is
// cloned for x86-64-v4 (AVX-512 with its DQ and VL extensions: with AVX-512F alone the
// vectorised Philox runs 1.5× slower, benchmarks/random_benchmark.cpp) and for AVX2, and the
// clone is picked at load time; IEEE arithmetic makes every clone bit-identical to the scalar
// standard_normal().

namespace kolmo::random {
namespace {

/// Pairs computed together: enough to fill AVX-512 lanes several times, small enough for L1.
constexpr std::size_t lanes = 64;

/// Where in the stream one row of a batch lies: every path of the row shares these.
struct RowAddress {
  std::uint64_t seed;
  Purpose purpose;
  std::uint64_t step;
  std::uint64_t component;
};

/// Fills `row` with `scale` times the normals of paths first_path, first_path + 1, …, `lanes`
/// pairs at a time. The two normals of the block of pair k go to paths 2k (first) and 2k + 1 (second);
/// a row starting on an odd path or ending on an even one uses only the half it owns.
KOLMO_VECTOR_CLONES
void fill_row(const RowAddress& at, std::uint64_t first_path, double scale, double* row, std::size_t count) {
  detail::PhiloxHalves<lanes> halves;
  std::array<double, lanes> even, odd;
  const auto end = static_cast<std::ptrdiff_t>(count);
  for (std::uint64_t pair = first_path >> 1;; pair += lanes) {
    // Row index of path 2·pair: −1 when the row starts on an odd path.
    const auto base = static_cast<std::ptrdiff_t>(2 * pair - first_path);
    if (base >= end) break;
    detail::philox_lanes(at.seed, at.purpose, at.step, at.component, pair, halves);
    for (std::size_t j = 0; j < lanes; ++j) {
      const NormalPair z = box_muller(halves.half0[j], halves.half1[j]);
      even[j] = scale * z.first;
      odd[j] = scale * z.second;
    }
    if (base >= 0 && base + static_cast<std::ptrdiff_t>(2 * lanes) <= end) {
      double* out = row + base;
      for (std::size_t j = 0; j < lanes; ++j) {
        out[2 * j] = even[j];
        out[2 * j + 1] = odd[j];
      }
      continue;
    }
    for (std::size_t j = 0; j < lanes; ++j) {  // the ends of the row
      const std::ptrdiff_t i = base + static_cast<std::ptrdiff_t>(2 * j);
      if (i >= 0 && i < end) row[i] = even[j];
      if (i + 1 >= 0 && i + 1 < end) row[i + 1] = odd[j];
    }
  }
}

}  // namespace

double standard_normal(const DrawAddress& address) {
  check_address(address, "kolmo::random::standard_normal");
  const PhiloxBlock block = philox_block(address.seed, address.purpose, address.path, address.step, address.component);
  const NormalPair z = box_muller(block_half(block, 0), block_half(block, 1));
  return (address.path & 1u) != 0 ? z.second : z.first;
}

void fill_normals(const BatchAddress& address, std::span<double> out, double standard_deviation, int threads) {
  constexpr const char* where = "kolmo::random::fill_normals";
  check_batch(address, out.size(), where);
  require(threads >= 1, where, "threads", threads, "at least 1");
  require(std::isfinite(standard_deviation) && standard_deviation >= 0.0, where, "standard_deviation",
          standard_deviation, "finite and non-negative");

  detail::for_each_chunk(address, out, threads,
                         [&](std::size_t component, std::uint64_t first_path, std::span<double> row) {
                           const RowAddress at{address.seed, address.purpose, address.step,
                                               address.first_component + component};
                           fill_row(at, first_path, standard_deviation, row.data(), row.size());
                         });
}

void fill_standard_normals(const BatchAddress& address, std::span<double> out, int threads) {
  fill_normals(address, out, 1.0, threads);  // 1 · z = z exactly
}

}  // namespace kolmo::random
