#pragma once
// Regression baselines for deterministic cases: verification/baselines/<area>.json holds
//   { "<case name>": { "measured": 1.23e-07, "relative_tolerance": 1e-08, "recorded": "2026-11-23",
//                      "seed": 105 }, ... }
// A later run whose measured value moves further than relative_tolerance · |baseline| from the
// recorded one has drifted: some code on the case's path changed its numbers.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace kolmo::verify {

struct BaselineEntry {
  double measured = 0.0;
  double relative_tolerance = 0.0;
  std::string recorded;  ///< ISO date the value was recorded
  /// The seed the value was measured with; the runner reruns the case with it. Entries written
  /// before seeds were recorded have none (the case's declared seed is used).
  std::optional<std::uint64_t> seed;
};

/// True when `measured` lies within entry.relative_tolerance · |entry.measured| of the recorded
/// value (a recorded 0 therefore demands exactly 0). A NaN measurement always drifts.
bool within_baseline(const BaselineEntry& entry, double measured);

class BaselineStore {
 public:
  /// Reads every *.json in `directory`. Throws kolmo::Error naming the directory if it does not
  /// exist or cannot be read (a missing directory must not silently disable every drift check),
  /// or naming the file if one is not valid baseline JSON.
  static BaselineStore load(const std::filesystem::path& directory);

  std::optional<BaselineEntry> find(const std::string& case_name) const;
  void record(const std::string& case_name, const BaselineEntry& entry);
  std::size_t size() const { return entries_.size(); }

  /// Writes one <area>.json per area (sorted keys, one entry per line), creating `directory`.
  /// Throws kolmo::Error if a file cannot be written.
  void save(const std::filesystem::path& directory) const;

 private:
  std::map<std::string, BaselineEntry> entries_;
};

}  // namespace kolmo::verify
