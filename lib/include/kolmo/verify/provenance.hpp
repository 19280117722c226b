#pragma once
// Provenance of a verification report: what a reader needs to reproduce or cite its numbers —
// the code (version, git commit and whether the tree had uncommitted changes), how it was built
// (build type, compiler, flags), where it ran (CPU model, cores, OS), the versions of the
// libraries its numbers pass through (Eigen, Boost, FFTW, Random123, nlohmann-json, OpenMP),
// when, and the command line. The commit is read at build time (cmake/GitState.cmake), the
// compiler and flags at configure time, the machine and the date at run time.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace kolmo::verify {

struct Provenance {
  std::string kolmo_version;
  std::string git_commit;  ///< "unknown" outside a git checkout
  bool git_dirty = false;  ///< tracked files differed from the commit when the library was built
  std::string build_type;
  std::string compiler;
  std::string compile_flags;
  std::string cpu_model;
  unsigned cores = 0;      ///< hardware threads the OS reports
  std::string os;
  std::map<std::string, std::string> dependencies;
  std::string date_utc;    ///< ISO 8601, seconds
  std::string command_line;
};

/// The provenance of this process; `command_line` is recorded as given.
Provenance collect_provenance(std::string command_line);

nlohmann::json to_json(const Provenance& provenance);

/// The current UTC time as ISO 8601: "2026-12-06T21:05:00Z", or the date alone, "2026-12-06".
std::string utc_now(bool with_time = true);

}  // namespace kolmo::verify
