#pragma once
// The `kolmo verify` command line, for any registry of cases: a downstream project verifies its
// own schemes or models with Kolmo's rules, seeds, baselines and reports in its own executable,
//
//   int main(int argc, char** argv) {
//     kolmo::verify::Registry registry;
//     my_project::register_cases(registry);   // registry.add({CaseInfo{...}, function})
//     return kolmo::verify::main(argc, argv, registry, {.program = "my-suite"});
//   }
//
// and adds it to its ctest with kolmo_add_verification(my-suite) from the installed package's
// CMake config. The executable takes the options of `kolmo verify` (see README, "The
// verification suite"): --tier, --filter, --threads, --seed, --seeds, --json, --report, --list,
// --baselines DIR | --no-baselines, --update-baselines, --progress. The tier's error budget is
// split over the registry's statistical cases (verify/error_budget.hpp), so the α of each case is
// set by the registry it is in. Exit codes: 0 every case passed, 1 a case failed, 2 bad usage or
// input (one line on stderr, "<program>: error: ...").

#include <filesystem>
#include <optional>
#include <string>

#include "kolmo/ensemble/distributed.hpp"
#include "kolmo/verify/registry.hpp"

namespace kolmo::verify {

struct MainOptions {
  std::string program = "verify";  ///< names the program in usage, errors and reports' command line
  std::string description = "Run the verification cases";
  /// Baselines used without --baselines; unset: deterministic cases run without baselines unless
  /// --baselines DIR is given.
  std::optional<std::filesystem::path> default_baselines;
  /// Split the runs over ranks (RunOptions::communicator; `mpirun -np N kolmo verify`): every rank
  /// runs its share and returns the same exit code; rank 0 alone prints, writes --json, --report
  /// and baselines.
  const ensemble::Communicator* communicator = nullptr;
};

/// Parses argv (argv[0] is the program) and runs the selected cases of `registry`.
[[nodiscard]] int main(int argc, const char* const* argv, const Registry& registry, const MainOptions& options = {});

}  // namespace kolmo::verify
