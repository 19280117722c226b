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

#include <Eigen/Core>
#include <omp.h>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

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

/// What one batch contributes to the merged statistics.
struct BatchRecord {
  std::vector<stats::RunningCovariance> moments;
  std::vector<std::vector<std::uint64_t>> counts;  // per histogram: bins, then below, above, left out
  std::vector<std::uint64_t> moments_left_out;     // per moment time: stopped paths not added
  std::vector<PathFailure> failures;
  std::uint64_t drift_evaluations = 0;
  std::uint64_t diffusion_evaluations = 0;
  std::uint64_t steps = 0;
  std::exception_ptr error;
};

/// Records the observations of one batch of paths: rows [first_row, first_row + count) of the
/// solution's terminal and snapshot arrays, its moment and histogram contributions in `record`.
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
/// Sizes the solution's terminal, snapshot, moment and histogram containers for `paths` paths.
void prepare_observations(EnsembleSolution& solution, const Observations& observe, std::uint64_t paths,
                          std::size_t dimension);
/// Merges records[0..count) into the solution in order (rethrowing a batch's exception) and clears them.
void merge_wave(std::vector<BatchRecord>& records, std::size_t count, EnsembleSolution& solution);
/// Sets a non_finite (or left_state_space) status naming the first failure, if any path failed.
void set_failure_status(EnsembleSolution& solution, const std::string& what_failed);

/// Runs `batch(index, record)` for every batch index in [0, batches), `threads` at a time, in
/// waves whose records are merged in batch order before the next wave starts.
template <class Body>
void run_in_waves(std::size_t batches, int threads, EnsembleSolution& solution, Body batch) {
  constexpr std::size_t batches_per_wave = 64;  // bounds the records held at once
  std::vector<BatchRecord> records(batches_per_wave);
  for (std::size_t wave = 0; wave < batches; wave += batches_per_wave) {
    const std::size_t count = std::min(batches_per_wave, batches - wave);
    const auto items = static_cast<std::int64_t>(count);
#pragma omp parallel num_threads(threads)
    {
      // The paths are the parallelism: a batch's own Eigen products (the model's drift, G dW)
      // must not open nested thread teams, which Eigen would otherwise do from a team of one.
      omp_set_num_threads(1);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t item = 0; item < items; ++item) {
        const auto b = static_cast<std::size_t>(item);
        try {
          batch(wave + b, records[b]);
        } catch (...) {
          records[b].error = std::current_exception();
        }
      }
    }
    merge_wave(records, count, solution);
  }
}

}  // namespace kolmo::ensemble
