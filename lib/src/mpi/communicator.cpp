#include "kolmo/mpi/communicator.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>

#include "kolmo/core/error.hpp"
#include "kolmo/core/validate.hpp"

namespace kolmo::mpi {
namespace {

constexpr int all_ranks = -1;

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string("kolmo::mpi: ") + call + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

}  // namespace

Environment::Environment(int& argc, char**& argv) {
  int initialised = 0;
  check(MPI_Initialized(&initialised), "MPI_Initialized");
  int provided = MPI_THREAD_SINGLE;
  if (initialised) {
    check(MPI_Query_thread(&provided), "MPI_Query_thread");
  } else {
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    owns_ = true;
  }
  require(provided >= MPI_THREAD_FUNNELED, "kolmo::mpi::Environment", "MPI thread support", provided,
          "at least MPI_THREAD_FUNNELED (" + std::to_string(MPI_THREAD_FUNNELED) + ")");
}

Environment::~Environment() {
  if (!owns_) return;
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

Communicator::Communicator(MPI_Comm comm) : comm_(comm) {
  int initialised = 0;
  check(MPI_Initialized(&initialised), "MPI_Initialized");
  require(initialised != 0, "kolmo::mpi::Communicator", "MPI", std::string("not initialised"),
          "MPI_Init first (kolmo::mpi::Environment)");
  require(comm != MPI_COMM_NULL, "kolmo::mpi::Communicator", "comm", std::string("MPI_COMM_NULL"), "a valid communicator");
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

std::vector<std::vector<std::byte>> Communicator::all_gather(std::span<const std::byte> bytes) const {
  return exchange(bytes, all_ranks);
}

std::vector<std::vector<std::byte>> Communicator::gather(std::span<const std::byte> bytes, int root) const {
  require(root >= 0 && root < size_, "kolmo::mpi::Communicator::gather", "root", root,
          "a rank in [0, " + std::to_string(size_) + ")");
  return exchange(bytes, root);
}

// Every rank's size first (all-gathered, so that every rank knows the rounds), then the bytes in
// rounds of at most round_bytes per rank, each round an MPI_(All)gatherv into the receivers.
std::vector<std::vector<std::byte>> Communicator::exchange(std::span<const std::byte> bytes, int root) const {
  const std::uint64_t mine = bytes.size();
  std::vector<std::uint64_t> sizes(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&mine, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, comm_), "MPI_Allgather");
  const bool receives = root == all_ranks || root == rank_;
  std::vector<std::vector<std::byte>> result(static_cast<std::size_t>(size_));
  if (receives) {
    for (int r = 0; r < size_; ++r) result[static_cast<std::size_t>(r)].resize(sizes[static_cast<std::size_t>(r)]);
  }
  // A round's receive buffer is indexed by int offsets: at most INT_MAX bytes in all per round.
  const std::uint64_t round_bytes = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(INT_MAX) / sizes.size());
  const std::uint64_t largest = *std::max_element(sizes.begin(), sizes.end());
  const std::uint64_t rounds = (largest + round_bytes - 1) / round_bytes;
  std::vector<int> counts(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
  std::vector<std::byte> received;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::uint64_t start = round * round_bytes;
    const auto part = [&](std::uint64_t total) { return total > start ? std::min(round_bytes, total - start) : 0; };
    int offset = 0;
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      counts[r] = static_cast<int>(part(sizes[r]));
      offsets[r] = offset;
      offset += counts[r];
    }
    received.resize(receives ? static_cast<std::size_t>(offset) : 0);
    const int sending = static_cast<int>(part(mine));
    const std::byte* send = sending > 0 ? bytes.data() + start : nullptr;
    if (root == all_ranks) {
      check(MPI_Allgatherv(send, sending, MPI_BYTE, received.data(), counts.data(), offsets.data(), MPI_BYTE, comm_),
            "MPI_Allgatherv");
    } else {
      check(MPI_Gatherv(send, sending, MPI_BYTE, received.data(), counts.data(), offsets.data(), MPI_BYTE, root, comm_),
            "MPI_Gatherv");
    }
    if (!receives) continue;
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      if (counts[r] > 0) std::memcpy(result[r].data() + start, received.data() + offsets[r], static_cast<std::size_t>(counts[r]));
    }
  }
  return result;
}

}  // namespace kolmo::mpi
