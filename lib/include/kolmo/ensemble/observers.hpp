#pragma once
// What an ensemble records, and the records. Memory is O(paths · d) per snapshot (and for the
// terminal states) and O(d²) per moment time or O(bins) per histogram, never O(paths · steps).
//
// Observation times must lie in the closed interval of the problem and on the scheme's time
// grid t0 + k·dt (to 1e-9 of a step): a fixed-step scheme has no state between grid points, and
// interpolating one would not be a sample of the law. Paths that failed (a non-finite state,
// see EnsembleSolution::failures) have NaN rows in terminal values and snapshots and are left
// out of moments and histograms, so no statistic silently contains a NaN.
//
// Moments are accumulated per batch of paths (Welford) and merged in batch order (Chan et al.
// 1979), so they are bit-identical for any thread count; histogram counts are integers.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kolmo/stats/running_moments.hpp"

namespace kolmo::ensemble {

/// A histogram of one component at one time, on the bins [edges[k], edges[k+1]) (the last bin
/// closed on the right).
struct HistogramRequest {
  double time = 0.0;
  std::size_t component = 0;
  std::vector<double> edges;  ///< at least 2, strictly increasing, finite
};

/// What to record. The terminal states are kept unless turned off (for very large ensembles
/// observed through moments and histograms only).
struct Observations {
  bool terminal = true;
  std::vector<double> snapshot_times;
  std::vector<double> moment_times;
  std::vector<HistogramRequest> histograms;
};

/// The states of every path at one time (paths × d; rows of failed paths are NaN).
struct Snapshot {
  double time = 0.0;
  Eigen::ArrayXXd states;
};

/// Mean and covariance of the surviving paths at one time.
struct MomentsAt {
  double time = 0.0;
  stats::RunningCovariance moments;
  std::uint64_t left_out = 0;  ///< paths stopped by then (EnsembleSolution::failures), not in `moments`
};

/// Counts of one component at one time; `below`/`above` count the values outside the edges.
struct Histogram {
  double time = 0.0;
  std::size_t component = 0;
  std::vector<double> edges;
  std::vector<std::uint64_t> counts;  ///< edges.size() − 1 bins
  std::uint64_t below = 0;
  std::uint64_t above = 0;
  std::uint64_t left_out = 0;  ///< paths stopped by then, in no count

  /// Every counted path, inside the edges or not.
  [[nodiscard]] std::uint64_t total() const;
};

}  // namespace kolmo::ensemble
