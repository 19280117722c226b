#include "ranks.hpp"

#include <cstdlib>

#ifdef KOLMO_HAVE_MPI
#include "kolmo/mpi/communicator.hpp"
#endif

namespace kolmo::cli {

#ifdef KOLMO_HAVE_MPI
namespace {

bool started_by_an_mpi_launcher() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(variable) != nullptr) return true;
  }
  return false;
}

}  // namespace

struct Ranks::Mpi {
  Mpi(int& argc, char**& argv) : environment(argc, argv) {}
  mpi::Environment environment;
  mpi::Communicator world;
};

Ranks::Ranks(int& argc, char**& argv) {
  if (started_by_an_mpi_launcher()) mpi_ = std::make_unique<Mpi>(argc, argv);
}

const ensemble::Communicator* Ranks::communicator() const { return mpi_ ? &mpi_->world : nullptr; }
#else
struct Ranks::Mpi {};

Ranks::Ranks(int& /*argc*/, char**& /*argv*/) {}

const ensemble::Communicator* Ranks::communicator() const { return nullptr; }
#endif

Ranks::~Ranks() = default;

}  // namespace kolmo::cli
