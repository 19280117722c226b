#pragma once
// One run of a verification case (runner.cpp), and the exchange of runs between the ranks of a
// distributed `kolmo verify` (RunOptions::communicator): each rank runs its share of the (case,
// seed) runs, and every rank receives every run's outcome, to assemble the same results.
#include <cstddef>
#include <string>
#include <vector>

#include "kolmo/ensemble/distributed.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verify::detail {

struct Attempt {
  Outcome outcome;
  bool threw = false;
  std::string error;
  double seconds = 0.0;  ///< wall time of the run
};

/// Runs the case once; an exception becomes a failed outcome carrying its message.
[[nodiscard]] Attempt attempt(const Case& verification_case, const RunContext& context);

/// One run that a rank did: its index in the run list, and the attempt.
struct IndexedAttempt {
  std::size_t index = 0;
  Attempt attempt;
};

/// Every rank's runs on every rank, by index (all_gather of their encodings, CBOR: NaN survives).
/// `total` is the number of runs; throws kolmo::Error if some index is missing or repeated.
[[nodiscard]] std::vector<Attempt> exchange_attempts(const std::vector<IndexedAttempt>& mine, std::size_t total,
                                                     const ensemble::Communicator& communicator);

}  // namespace kolmo::verify::detail
