#pragma once
// Internal: the likelihood estimators' parallel loop over rows of draws, in chunks whose
// boundaries depend only on the row count (so results are bit-identical for any thread count),
// with exceptions — a score model's kolmo::Error on a bad shape, a user callback's own — carried
// out of the OpenMP region and rethrown after it (an exception may not cross the region).

#include <Eigen/Core>
#include <algorithm>
#include <exception>
#include <vector>

namespace kolmo::likelihood::detail {

/// fn(first, count) for every chunk [first, first + count) of [0, rows), on `threads` threads;
/// rethrows the exception of the lowest-numbered chunk that threw, after every chunk has run.
template <class Function>
void for_each_chunk(Eigen::Index rows, Eigen::Index chunk, int threads, Function&& fn) {
  const Eigen::Index chunks = (rows + chunk - 1) / chunk;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(chunks));
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (Eigen::Index c = 0; c < chunks; ++c) {
    try {
      const Eigen::Index first = c * chunk;
      fn(first, std::min(chunk, rows - first));
    } catch (...) {
      errors[static_cast<std::size_t>(c)] = std::current_exception();
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace kolmo::likelihood::detail
