#pragma once
// Runs the selected verification cases and collects their results: times each case, turns an
// exception into an "error" verdict, checks deterministic cases against their baselines, and
// with seeds > 1 reruns every statistical case over consecutive seeds to measure its observed
// failure rate.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kolmo/verify/case.hpp"
#include "kolmo/verify/registry.hpp"

namespace kolmo::verify {

/// With seeds = K > 1, a statistical case passes when at most this fraction of its K runs
/// fail: a 4-sigma rule fails ~6e-5 of the time, so a higher rate means a biased estimator or
/// an underestimated standard error, not bad luck.
inline constexpr double max_failure_rate = 1.0 / 20.0;

struct RunOptions {
  TierSelection tiers = TierSelection::fast;
  std::string filter;                ///< regex on case names; empty selects all
  int threads = 1;                   ///< >= 1
  std::optional<std::uint64_t> seed; ///< replaces every case's declared seed
  int seeds = 1;                     ///< K >= 1: statistical cases run with seeds s, s+1, ..., s+K-1
  std::optional<std::filesystem::path> baselines;  ///< directory of <area>.json; none: no drift check
  bool update_baselines = false;     ///< rewrite the baselines of the deterministic cases run
};

/// Validates the options (threads >= 1, seeds >= 1, a baselines directory when updating);
/// throws kolmo::Error naming the offending option.
void validate(const RunOptions& options);

enum class Verdict { pass, fail, drift, error };
std::string_view to_string(Verdict verdict);

struct CaseResult {
  CaseInfo info;
  std::uint64_t seed = 0;   ///< the (first) seed used
  Outcome outcome;          ///< the outcome of the first run
  Verdict verdict = Verdict::fail;
  double seconds = 0.0;     ///< wall time over all runs of the case
  int runs = 1;
  int failures = 0;         ///< runs whose outcome did not pass (or threw)
  std::vector<double> measurements;  ///< measured value of every run, seed by seed (NaN if it threw)
  std::optional<double> baseline;  ///< recorded baseline value, if any
  std::string message;      ///< error text, drift description or baseline note

  bool passed() const { return verdict == Verdict::pass; }
  double failure_rate() const { return static_cast<double>(failures) / runs; }
};

struct RunSummary {
  std::vector<CaseResult> results;
  int passed = 0;
  int failed = 0;
  double seconds = 0.0;
  bool all_passed() const { return failed == 0; }
};

/// Runs `cases` in order; `on_result` (optional) sees each result as soon as it is ready.
RunSummary run_cases(const std::vector<const Case*>& cases, const RunOptions& options,
                     const std::function<void(const CaseResult&)>& on_result = {});

/// Selects from `registry` by options.tiers and options.filter, then runs.
RunSummary run_cases(const Registry& registry, const RunOptions& options,
                     const std::function<void(const CaseResult&)>& on_result = {});

}  // namespace kolmo::verify
