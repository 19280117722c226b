#pragma once
// kolmo::mpi — the MPI implementation of ensemble::Communicator (ensemble/distributed.hpp), the
// optional component KOLMO_MPI (Open MPI from Debian: libopenmpi-dev, openmpi-bin).
//
//   int main(int argc, char** argv) {
//     kolmo::mpi::Environment mpi(argc, argv);             // MPI_Init_thread … MPI_Finalize
//     const kolmo::mpi::Communicator world;                // MPI_COMM_WORLD
//     auto solution = kolmo::sde::solve(problem, scheme,
//         {.paths = 1'000'000'000, .threads = 8, .distributed = {.communicator = &world}});
//     // every rank: the same moments, histograms and status, bit for bit, for any -np;
//     // rank 0: the terminal states (TerminalStates::gathered)
//   }
//
// Threads. Only the thread that calls a solver communicates (MPI_THREAD_FUNNELED is what
// Environment asks for and requires); the OpenMP threads of a rank never call MPI.
//
// Sizes. The collectives exchange byte buffers of any size: they are sent in rounds of at most
// INT_MAX / size bytes per rank (MPI counts and displacements are int), the rounds agreed by an
// all-gather of the sizes.

#include <mpi.h>

#include <cstddef>
#include <span>
#include <vector>

#include "kolmo/ensemble/distributed.hpp"

namespace kolmo::mpi {

/// Initialises MPI with MPI_THREAD_FUNNELED (unless it is already initialised) and finalises it
/// on destruction if it initialised it. Throws kolmo::Error when MPI cannot give that thread
/// support.
class Environment {
 public:
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

 private:
  bool owns_ = false;
};

/// An MPI communicator (not owned) as an ensemble::Communicator. Throws kolmo::Error when MPI is
/// not initialised or `comm` is MPI_COMM_NULL.
class Communicator final : public ensemble::Communicator {
 public:
  explicit Communicator(MPI_Comm comm = MPI_COMM_WORLD);
  [[nodiscard]] int rank() const override { return rank_; }
  [[nodiscard]] int size() const override { return size_; }
  [[nodiscard]] std::vector<std::vector<std::byte>> all_gather(std::span<const std::byte> bytes) const override;
  [[nodiscard]] std::vector<std::vector<std::byte>> gather(std::span<const std::byte> bytes, int root) const override;
  [[nodiscard]] MPI_Comm comm() const { return comm_; }

 private:
  [[nodiscard]] std::vector<std::vector<std::byte>> exchange(std::span<const std::byte> bytes, int root) const;
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace kolmo::mpi
