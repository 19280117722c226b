#include "kolmo/random/normal.hpp"

#include <array>
#include <bit>
#include <cmath>

#include "batch_fill.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/philox.hpp"
#include "ziggurat.hpp"
#include "kolmo/core/vector_clones.hpp"
#include "philox_avx512.hpp"
#include "philox_lanes.hpp"

// This file is compiled with -fno-math-errno and -fno-trapping-math (so selects between
// doubles are branch-free and the loops vectorise) and -ffp-contract=off (so no clone fuses
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

/// The normal of `path` whose first word is `word`: the ziggurat with the path's extra words,
/// which come two to a Philox block (philox.hpp: normal_extra_block), so a block is computed
/// at the odd-numbered word and its second half kept for the next.
double normal_of_word(const RowAddress& at, std::uint64_t path, std::uint64_t word) {
  PhiloxBlock block{};
  return ziggurat_normal(word, [&](unsigned k) {
    if (k % 2 == 1) block = normal_extra_block(at.seed, at.purpose, path, at.step, at.component, (k + 1) / 2);
    return block_half(block, (k + 1) % 2);
  });
}

static_assert(lanes <= 64, "a lane's rejection is one bit of a 64-bit mask");

/// Candidates of `words` into `values`; returns the mask of the rejected lanes (bit j for lane
/// j). All but 0.23% of words are accepted, so a mask is nonzero about one time in seven.
std::uint64_t make_candidates(const std::array<std::uint64_t, lanes>& words, std::array<double, lanes>& values) {
  std::uint64_t rejected = 0;
  for (std::size_t j = 0; j < lanes; ++j) {
    values[j] = ziggurat_candidate(words[j]);
    rejected |= std::uint64_t{!ziggurat_accepts(words[j])} << j;
  }
  return rejected;
}

/// Replaces the rejected candidates by their rare-path normals; lane j holds path
/// first_path + 2j. Out of line and scalar: it runs for a few lanes in a thousand.
[[gnu::noinline, gnu::cold]] void resolve_rejected(const RowAddress& at, std::uint64_t first_path,
                                                   const std::array<std::uint64_t, lanes>& words,
                                                   std::uint64_t rejected, std::array<double, lanes>& values) {
  for (; rejected != 0; rejected &= rejected - 1) {
    const auto j = static_cast<std::size_t>(std::countr_zero(rejected));
    values[j] = normal_of_word(at, first_path + 2 * j, words[j]);
  }
}

/// Fills `row` with `scale` times the normals of paths first_path, first_path + 1, …, `lanes`
/// pairs at a time. The two words of the block of pair k go to paths 2k (first half) and
/// 2k + 1 (second); a row starting on an odd path or ending on an even one uses only the half
/// it owns.
KOLMO_VECTOR_CLONES
void fill_row(const RowAddress& at, std::uint64_t first_path, double scale, double* row, std::size_t count) {
  static_assert(lanes == detail::avx512_philox_pairs);
  const bool avx512_philox = detail::has_avx512_philox();
  detail::PhiloxHalves<lanes> halves;
  std::array<double, lanes> even, odd;
  const auto end = static_cast<std::ptrdiff_t>(count);
  for (std::uint64_t pair = first_path >> 1;; pair += lanes) {
    // Row index of path 2·pair: −1 when the row starts on an odd path.
    const auto base = static_cast<std::ptrdiff_t>(2 * pair - first_path);
    if (base >= end) break;
    if (avx512_philox) {
      detail::philox_lanes_avx512(at.seed, at.purpose, at.step, at.component, pair, halves);
    } else {
      detail::philox_lanes(at.seed, at.purpose, at.step, at.component, pair, halves);
    }
    if (const std::uint64_t rejected = make_candidates(halves.half0, even); rejected != 0) {
      resolve_rejected(at, 2 * pair, halves.half0, rejected, even);
    }
    if (const std::uint64_t rejected = make_candidates(halves.half1, odd); rejected != 0) {
      resolve_rejected(at, 2 * pair + 1, halves.half1, rejected, odd);
    }
    if (base >= 0 && base + static_cast<std::ptrdiff_t>(2 * lanes) <= end) {
      double* out = row + base;
      for (std::size_t j = 0; j < lanes; ++j) {
        out[2 * j] = scale * even[j];
        out[2 * j + 1] = scale * odd[j];
      }
      continue;
    }
    for (std::size_t j = 0; j < lanes; ++j) {  // the ends of the row
      const std::ptrdiff_t i = base + static_cast<std::ptrdiff_t>(2 * j);
      if (i >= 0 && i < end) row[i] = scale * even[j];
      if (i + 1 >= 0 && i + 1 < end) row[i + 1] = scale * odd[j];
    }
  }
}

}  // namespace

double standard_normal(const DrawAddress& address) {
  check_address(address, "kolmo::random::standard_normal");
  const PhiloxBlock block = philox_block(address.seed, address.purpose, address.path, address.step, address.component);
  const RowAddress at{address.seed, address.purpose, address.step, address.component};
  return normal_of_word(at, address.path, block_half(block, static_cast<unsigned>(address.path & 1u)));
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
