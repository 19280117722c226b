#pragma once
// Internal: the walk over a BatchAddress shared by the normal and uniform batch fills. It cuts
// the batch into chunks of whole path pairs (one Philox block each) and hands every chunk to
// `fill_row(component, first_path, row)` on an OpenMP thread. Since each value depends only
// on its address, how the batch is cut or scheduled can never change a result.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kolmo/random/draw_address.hpp"

namespace kolmo::random::detail {

/// Paths per work item: large enough to amortise scheduling, even so chunks start on a pair.
inline constexpr std::size_t paths_per_chunk = 4096;

template <class FillRow>
void for_each_chunk(const BatchAddress& address, std::span<double> out, int threads, FillRow fill_row) {
  const std::size_t chunks_per_component = (address.paths + paths_per_chunk - 1) / paths_per_chunk;
  const auto work_items = static_cast<std::int64_t>(chunks_per_component * address.components);
  const auto fill_item = [&](std::int64_t item) {
    const auto component = static_cast<std::size_t>(item) / chunks_per_component;
    const std::size_t offset = (static_cast<std::size_t>(item) % chunks_per_component) * paths_per_chunk;
    const std::size_t count = std::min(paths_per_chunk, address.paths - offset);
    fill_row(component, address.first_path + offset,
             out.subspan(component * address.paths + offset, count));
  };
  // The ensembles fill small batches from inside their own threads, once per step: opening a
  // parallel region there would cost more than the fill itself.
  if (threads <= 1 || work_items <= 1) {
    for (std::int64_t item = 0; item < work_items; ++item) fill_item(item);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t item = 0; item < work_items; ++item) fill_item(item);
}

/// Walks `row` (consecutive paths from `first_path`) pair by pair: `pair_values(pair_path)`
/// returns the two values of the Philox block whose even path is `pair_path`; a row that
/// starts on an odd path or ends on an even one uses only the half it owns.
template <class PairValues>
void fill_pairs(std::uint64_t first_path, std::span<double> row, PairValues pair_values) {
  std::size_t i = 0;
  if ((first_path & 1u) != 0 && !row.empty()) {
    row[0] = pair_values(first_path - 1).second;
    i = 1;
  }
  for (; i + 1 < row.size(); i += 2) {
    const auto [even, odd] = pair_values(first_path + i);
    row[i] = even;
    row[i + 1] = odd;
  }
  if (i < row.size()) row[i] = pair_values(first_path + i).first;
}

}  // namespace kolmo::random::detail
