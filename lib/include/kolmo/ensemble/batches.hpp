#pragma once
// The machinery every ensemble solver shares (sde::solve, ode::solve, the samplers and
// Langevin chains; a new ensemble solver uses it too): the fixed partition of paths into
// batches, the per-batch records of observations, their merge in batch order — so that every
// statistic is bit-identical for any thread count — and the failure status.
//
// A solver sizes its solution with prepare_observations, runs its batches with run_in_waves (one
// BatchRecord per batch, an exception in a batch rethrown at the merge), lets a BatchObserver per
// batch stop failed paths and record snapshots, moments and histograms, and ends with
// set_failure_status.
//
// The merge has two levels, fixed by the path count and the dimension alone: the records of the
// batches_per_wave batches of a wave are folded, in batch order, into the wave's record; the wave
// records are folded, in wave order, into the solution. That is what makes a run split over ranks
// (a Distributed with a communicator, ensemble/distributed.hpp) bit-identical to a run in one
// process: ranks own whole waves and exchange wave records.

#include <Eigen/Core>
#include <omp.h>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "kolmo/ensemble/distributed.hpp"
#include "kolmo/ensemble/observers.hpp"
#include "kolmo/ensemble/solution.hpp"
#include "kolmo/process/sde.hpp"
#include "kolmo/stats/running_moments.hpp"

namespace kolmo::ensemble {

/// Paths per batch: 4096/d while a paths × d array of doubles fills at most 32 KiB (d ≤ 3: the
/// per-step costs that do not grow with the batch — coefficient calls, allocations, dispatch —
/// are spread over more paths), otherwise about 16k doubles of state and at most 1024 paths;
/// never fewer than 64. Larger per-step temporaries than these made glibc return and re-fault
/// heap pages every step (the 2-D linear SDE ran 16× slower at 4096 paths). Depends on d only,
/// so the partition of paths into batches (and with it every merged statistic) is
/// thread-independent.
[[nodiscard]] std::size_t batch_size(std::size_t dimension);

/// Batches per wave: the unit of the two-level merge, and of a rank's share of a distributed run.
inline constexpr std::size_t batches_per_wave = 64;

/// What one batch (or, merged, one wave) contributes to the merged statistics.
struct BatchRecord {
  std::vector<stats::RunningCovariance> moments;
  std::vector<std::vector<std::uint64_t>> counts;  // per histogram: bins, then below, above, left out
  std::vector<std::uint64_t> moments_left_out;     // per moment time: stopped paths not added
  std::vector<PathFailure> failures;
  std::uint64_t drift_evaluations = 0;
  std::uint64_t diffusion_evaluations = 0;
  std::uint64_t steps = 0;
  std::uint64_t evaluations_per_path = 0;  ///< model evaluations per path of the batch (the most over batches when merged)
  std::exception_ptr error;
  /// Set by run_in_waves: the row of the solution's arrays that holds path row `row_offset`
  /// is row 0 (EnsembleSolution::first_row; nonzero on the ranks of a distributed run).
  std::uint64_t row_offset = 0;
};

/// Records the observations of one batch of paths: paths rows [first_row, first_row + count) —
/// rows first_row − record.row_offset on of the solution's terminal and snapshot arrays —, its
/// moment and histogram contributions in `record`.
/// Stopped paths (alive[i] false) are NaN rows and are left out of every statistic.
class BatchObserver {
 public:
  BatchObserver(const Observations& observe, std::size_t dimension, std::size_t first_row, std::size_t count,
                BatchRecord& record);

  [[nodiscard]] std::vector<bool>& alive() { return alive_; }
  /// Marks path i stopped (once) and records where.
  void stop(std::size_t i, PathFailure failure);
  /// Stops every live path of x with a non-finite component — or, when `space` declares a state
  /// space, a component outside it — recording path first_path + i, the time and the first such
  /// component, and freezes every stopped path at its row of `previous` (zero if that is not
  /// finite either), so that the next step never sees a NaN or a state outside the space.
  void stop_failed(Eigen::ArrayXXd& x, const Eigen::ArrayXXd& previous, double time, std::uint64_t first_path,
                   const process::Sde* space = nullptr);
  [[nodiscard]] std::size_t stopped() const { return stopped_; }

  void snapshot(Eigen::ArrayXXd& states, const Eigen::ArrayXXd& x) const;
  void moments(std::size_t index, const Eigen::ArrayXXd& x);
  void histogram(std::size_t index, const Eigen::ArrayXXd& x);

 private:
  const Observations& observe_;
  std::size_t first_row_;
  std::size_t count_;
  BatchRecord& record_;
  std::vector<bool> alive_;
  std::size_t stopped_ = 0;
};

/// Throws unless every histogram request has a valid component and strictly increasing edges.
void validate_histograms(const Observations& observe, std::size_t dimension, const char* where);
/// The path rows [first, first + count) of the waves `communicator`'s rank runs (wave_range),
/// for `paths` paths in batches of batch_size(dimension). Throws kolmo::Error for a communicator
/// of size < 1, a rank outside [0, size) or fewer paths than ranks (naming them).
struct LocalRows {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};
[[nodiscard]] LocalRows local_rows(std::uint64_t paths, std::size_t dimension, const Communicator& communicator);

/// Sizes the solution's terminal, snapshot, moment and histogram containers for `paths` paths —
/// on a rank of a distributed run, for the rows of its waves (EnsembleSolution::first_row).
/// Throws kolmo::Error for a communicator of size < 1, a rank outside [0, size), or fewer paths
/// than ranks (naming them).
void prepare_observations(EnsembleSolution& solution, const Observations& observe, std::uint64_t paths,
                          std::size_t dimension, const Distributed& distributed = {});
/// Folds records[0..count) in batch order into one wave record (the first error kept, not
/// thrown) and clears them.
[[nodiscard]] BatchRecord fold_wave(std::vector<BatchRecord>& records, std::size_t count);
/// Merges a wave record into the solution, rethrowing its error if it has one.
void merge_wave(BatchRecord& wave, EnsembleSolution& solution);
/// A distributed run's end: exchanges this rank's wave records (in wave order) with the other
/// ranks, merges all of them in wave order on every rank, throws kolmo::Error on every rank if a
/// batch of any rank threw, and gathers the terminal and snapshot rows to rank 0 when asked
/// (ensemble/distributed.hpp).
void combine_ranks(std::vector<BatchRecord>& waves, EnsembleSolution& solution, const Distributed& distributed);
/// A solver's own per-path arrays (one value per path, this process's rows) gathered to rank 0
/// like the terminal states, when `distributed` gathers them; otherwise left as they are.
void gather_path_values(const std::vector<Eigen::ArrayXd*>& values, std::uint64_t paths, const Distributed& distributed);
/// Sets a non_finite (or left_state_space) status naming the first failure, if any path failed.
void set_failure_status(EnsembleSolution& solution, const std::string& what_failed);

/// Runs `batch(index, record)` for every batch index in [0, batches), `threads` at a time, in
/// waves of batches_per_wave whose records are folded in batch order and merged in wave order.
/// With a communicator in `distributed`, this rank runs its own waves only and combine_ranks
/// ends the run (ensemble/distributed.hpp); the solution must have been prepared with the same
/// `distributed`.
template <class Body>
void run_in_waves(std::size_t batches, int threads, EnsembleSolution& solution, Body batch,
                  const Distributed& distributed = {}) {
  const std::size_t waves = (batches + batches_per_wave - 1) / batches_per_wave;
  const Communicator* communicator = distributed.communicator;
  const WaveRange mine = communicator != nullptr ? wave_range(waves, communicator->rank(), communicator->size())
                                                 : WaveRange{0, waves};
  std::vector<BatchRecord> records(batches_per_wave);
  std::vector<BatchRecord> wave_records;  // distributed: kept for the exchange
  for (std::size_t wave = mine.first; wave < mine.last; ++wave) {
    const std::size_t first = wave * batches_per_wave;
    const std::size_t count = std::min(batches_per_wave, batches - first);
    const auto items = static_cast<std::int64_t>(count);
#pragma omp parallel num_threads(threads)
    {
      // The paths are the parallelism: a batch's own Eigen products (the model's drift, G dW)
      // must not open nested thread teams, which Eigen would otherwise do from a team of one.
      omp_set_num_threads(1);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t item = 0; item < items; ++item) {
        const auto b = static_cast<std::size_t>(item);
        records[b].row_offset = solution.first_row;
        try {
          batch(first + b, records[b]);
        } catch (...) {
          records[b].error = std::current_exception();
        }
      }
    }
    BatchRecord record = fold_wave(records, count);
    if (communicator == nullptr) {
      merge_wave(record, solution);
      continue;
    }
    const bool failed = static_cast<bool>(record.error);
    wave_records.push_back(std::move(record));
    if (failed) break;  // the exchange tells every rank; this rank's later waves would be wasted
  }
  if (communicator != nullptr) combine_ranks(wave_records, solution, distributed);
}

}  // namespace kolmo::ensemble
