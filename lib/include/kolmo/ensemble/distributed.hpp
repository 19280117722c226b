#pragma once
// Ensembles split over processes (MPI ranks), bit-identical for any rank count: sde::solve,
// ode::solve (flow ensembles, log-densities included), sampling::sample and sampling::run_chains
// take a Distributed in their options, sde::study_convergence a communicator, verify::run_cases
// one too.
//
// What makes it exact. Every ensemble solver (ensemble/batches.hpp) cuts its paths into batches
// whose size depends on the dimension only, and merges what the batches observed in a fixed
// two-level order: the batches of a wave (64 consecutive batches) into that wave's record, then
// the waves' records into the solution, in wave order. A distributed run gives each rank a
// contiguous range of whole waves — rank r of R runs waves [⌊W r/R⌋, ⌊W (r+1)/R⌋) of W — so the
// batches, their paths and draws (counter-based: a function of seed, path, step, purpose) and the
// wave records are those of a run on one process; the ranks then exchange the wave records
// (all_gather) and every rank folds them in wave order. Moments, histograms, failures, work
// counters and the status are therefore bit-identical on every rank and for every rank count
// and thread count; a failure on any rank is in every rank's status.
//
// Communication. One all_gather per solve, of the wave records: per wave and per moment time
// 1 + d + d² doubles, per histogram its bins + 3 counts, plus the failed paths (24 bytes each)
// and 4 counters. With P paths, batches of b paths (b = batch_size(d), 4096 for d = 1) and
// M moment times, that is about P/(64 b) · 8 (M (1 + d + d²) + 4) bytes in all — for 10⁹ paths
// in 1-D with one moment time, 3815 waves, 0.2 MB — independent of the rank count; each rank
// receives all of it. Terminal states and snapshots (paths × d doubles each) are the only
// volume that grows with the paths: TerminalStates::gathered sends every rank's rows to rank 0
// (gather, once per solve: 8 P d bytes in all); TerminalStates::distributed sends nothing and
// leaves each rank holding its own rows (a run of 10¹⁰ terminal states need not fit on one
// node).
//
// Failure. An exception in any batch of any rank (a throwing model callable, bad_alloc) is caught
// where it happened and exchanged with the records, so no rank is left waiting in a collective;
// every rank then throws kolmo::Error naming the first failing rank and its message.
//
// The communicator is an interface, so that kolmo itself never includes <mpi.h>: the optional
// component kolmo::mpi (KOLMO_MPI) implements it on MPI (kolmo/mpi/communicator.hpp).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kolmo::ensemble {

/// The ranks a run is split over: its own rank, their number, and the two collectives an
/// ensemble needs. Every rank must call the collectives in the same order.
class Communicator {
 public:
  virtual ~Communicator() = default;
  [[nodiscard]] virtual int rank() const = 0;
  [[nodiscard]] virtual int size() const = 0;
  /// Every rank's bytes, in rank order, on every rank.
  [[nodiscard]] virtual std::vector<std::vector<std::byte>> all_gather(std::span<const std::byte> bytes) const = 0;
  /// Every rank's bytes, in rank order, on `root`; the other ranks get an empty vector.
  [[nodiscard]] virtual std::vector<std::vector<std::byte>> gather(std::span<const std::byte> bytes, int root) const = 0;
};

/// Where the terminal states and snapshots of a distributed run end up.
enum class TerminalStates {
  gathered,     ///< every row on rank 0 (paths × d); the other ranks hold 0 rows
  distributed,  ///< each rank holds its own rows, from EnsembleSolution::first_row on
};

/// How a run is split over ranks. The default (no communicator) runs every path in this process.
struct Distributed {
  const Communicator* communicator = nullptr;
  TerminalStates terminal = TerminalStates::gathered;
};

/// Makes a failure that one rank saw every rank's: all-gathers `error` (empty where this rank's
/// share went well) and, if any rank's is not, throws kolmo::Error naming the first such rank on
/// every rank — so that no rank is left waiting in a later collective. Without a communicator it
/// throws `error` itself when it is not empty.
void agree(const Communicator* communicator, const std::string& error);

/// The waves [first, last) of `waves` that rank `rank` of `size` runs (header comment).
struct WaveRange {
  std::size_t first = 0;
  std::size_t last = 0;
};
[[nodiscard]] WaveRange wave_range(std::size_t waves, int rank, int size);

}  // namespace kolmo::ensemble
