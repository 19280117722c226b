#pragma once
// Runs the selected verification cases and collects their results: gives each statistical case
// its share α of the tier's false-failure budget (error_budget.hpp), times each case, turns an
// exception into an "error" verdict, checks deterministic cases against their baselines, and with
// seeds = K > 1 reruns every statistical case over K consecutive seeds to measure its observed
// failure rate and the uniformity of its p-values.
//
// Seed sweeps (K > 1). A correct case fails each run with probability at most α, so its failure
// count F over K independent seeds is at most Binomial(K, α). The case fails the sweep when that
// count is itself improbable at the case's level: P(Binomial(K, α) ≥ F) < α. (At α = 2e-5 and
// K = 100 one failure passes, P = 2e-3, and two fail, P = 2e-7.) Reported beside it: the observed
// rate F/K with its Clopper–Pearson 95% interval, and the Kolmogorov–Smirnov test of the K p-values
// against U(0, 1) — exact p-values of a continuous statistic are uniform under the claim, so a low
// KS p-value points at a bias or a misestimated standard error that the per-run rule tolerates. The
// uniformity test is reported, not a verdict: discrete statistics and conservative (Bonferroni)
// p-values are legitimately non-uniform. The suite's observed false-failure rate — the fraction of
// seeds at which any statistical case failed — is compared with Σ α of the cases run.
//
// Seeds and baselines. `seed` overrides the declared seed of statistical cases only. A
// deterministic case runs with the seed its baseline was recorded with (its declared seed when it
// has no baseline), so that its measured value can be compared with the baseline at all.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kolmo/ensemble/distributed.hpp"
#include "kolmo/verify/case.hpp"
#include "kolmo/verify/registry.hpp"

namespace kolmo::verify {

/// The most OpenMP threads a run may ask for: beyond a few thousand the OS refuses to create them
/// and the runtime aborts rather than reporting it.
inline constexpr int max_threads = 1024;

struct RunOptions {
  TierSelection tiers = TierSelection::fast;
  std::string filter;                ///< regex on case names; empty selects all
  int threads = 1;                   ///< >= 1
  std::optional<std::uint64_t> seed; ///< replaces the declared seed of every statistical case
  int seeds = 1;                     ///< K >= 1: statistical cases run with seeds s, s+1, ..., s+K-1
  /// Directory of <area>.json baselines. It must exist and be readable; std::nullopt runs without
  /// drift checks (`kolmo verify --no-baselines`), which the report states.
  std::optional<std::filesystem::path> baselines;
  bool update_baselines = false;     ///< rewrite the baselines of the deterministic cases run
  /// Split the runs over ranks (`mpirun kolmo verify`): run i of the (case, seed) runs goes to rank
  /// i mod size, every rank receives every outcome and returns the same summary; rank 0 alone
  /// writes baselines. Each run is the run of one process: the results do not depend on the ranks.
  const ensemble::Communicator* communicator = nullptr;
};

/// Validates the options (1 <= threads <= max_threads, seeds >= 1, a baselines directory when updating);
/// throws kolmo::Error naming the offending option.
void validate(const RunOptions& options);

enum class Verdict { pass, fail, drift, error };
std::string_view to_string(Verdict verdict);

/// What a seed sweep (K > 1) says about one statistical case.
struct SweepStatistics {
  double failure_rate = 0.0;        ///< F / K
  double failure_rate_lower = 0.0;  ///< Clopper–Pearson 95% interval for the true rate
  double failure_rate_upper = 0.0;
  double binomial_tail = 1.0;       ///< P(Binomial(K, α) ≥ F): the verdict's p-value
  std::size_t p_values = 0;         ///< finite p-values among the runs
  double uniformity_ks = 0.0;       ///< KS statistic of the p-values against U(0, 1) (NaN if < 2)
  double uniformity_p_value = 0.0;  ///< its p-value (NaN if < 2)
};

struct CaseResult {
  CaseInfo info;
  std::uint64_t seed = 0;   ///< the (first) seed used
  double alpha = 0.0;       ///< false-failure rate of one run (NaN for deterministic cases)
  Outcome outcome;          ///< the outcome of the first run
  Verdict verdict = Verdict::fail;
  double seconds = 0.0;     ///< wall time over all runs of the case
  int runs = 1;
  int failures = 0;         ///< runs whose outcome did not pass (or threw)
  std::vector<double> measurements;  ///< measured value of every run, seed by seed (NaN if it threw)
  std::vector<double> p_values;      ///< the outcome's p-value of every run (NaN where none)
  std::vector<bool> run_failed;      ///< whether each run failed, seed by seed
  std::optional<SweepStatistics> sweep;  ///< statistical cases run over K > 1 seeds
  std::optional<double> baseline;  ///< recorded baseline value, if any
  std::string message;      ///< error text, drift description or baseline note

  bool passed() const { return verdict == Verdict::pass; }
  double failure_rate() const { return static_cast<double>(failures) / runs; }
};

/// Suite-level error control over a seed sweep.
struct SuiteSweep {
  int seeds = 0;                 ///< K
  int failed_seeds = 0;          ///< seeds at which at least one statistical case failed a run
  double declared_rate = 0.0;    ///< Σ α over the statistical cases run (Bonferroni bound)
  double rate_lower = 0.0;       ///< Clopper–Pearson 95% interval of failed_seeds / seeds
  double rate_upper = 0.0;
};

struct RunSummary {
  std::vector<CaseResult> results;
  int passed = 0;
  int failed = 0;
  double seconds = 0.0;
  SuiteSweep sweep;
  bool all_passed() const { return failed == 0; }
};

/// Where a run is, for progress displays: case `case_index` (0-based) of `case_count` is about
/// to run its `run_index`-th seed of `runs`; `runs_done` of `runs_total` runs have finished.
struct Progress {
  std::size_t case_index = 0, case_count = 0;
  int run_index = 0, runs = 1;
  std::size_t runs_done = 0, runs_total = 0;
  double elapsed_seconds = 0.0;
  const CaseInfo* info = nullptr;
};

struct RunCallbacks {
  std::function<void(const CaseResult&)> on_result;  ///< each result as soon as it is ready
  std::function<void(const Progress&)> on_progress;  ///< before every run of every case
};

/// Runs `cases` (cases of `registry`) in order; α of each comes from the registry's budgets.
RunSummary run_cases(const Registry& registry, const std::vector<const Case*>& cases, const RunOptions& options,
                     const RunCallbacks& callbacks = {});

/// Selects from `registry` by options.tiers and options.filter, then runs.
RunSummary run_cases(const Registry& registry, const RunOptions& options, const RunCallbacks& callbacks = {});

/// Clopper–Pearson interval for a binomial rate with `failures` of `runs` at `level`.
std::pair<double, double> clopper_pearson(int failures, int runs, double level = 0.95);

}  // namespace kolmo::verify
