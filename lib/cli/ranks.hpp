#pragma once
// The MPI ranks this `kolmo` process runs among: when it was started by mpirun / mpiexec (Open
// MPI's OMPI_COMM_WORLD_SIZE, or a PMI launcher's PMI_SIZE / PMIX_RANK in the environment) and
// the executable was built with kolmo::mpi, MPI is initialised and `communicator()` spans the
// ranks; otherwise it is null and nothing of MPI is touched (a plain `kolmo verify` pays nothing).
#include <memory>

#include "kolmo/ensemble/distributed.hpp"

namespace kolmo::cli {

class Ranks {
 public:
  Ranks(int& argc, char**& argv);
  ~Ranks();
  Ranks(const Ranks&) = delete;
  Ranks& operator=(const Ranks&) = delete;
  [[nodiscard]] const ensemble::Communicator* communicator() const;

 private:
  struct Mpi;
  std::unique_ptr<Mpi> mpi_;
};

}  // namespace kolmo::cli
