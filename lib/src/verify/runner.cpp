#include "kolmo/verify/runner.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "kolmo/core/validate.hpp"
#include "kolmo/stats/ks_test.hpp"
#include "kolmo/verify/baseline.hpp"
#include "kolmo/verify/error_budget.hpp"
#include "kolmo/verify/provenance.hpp"
#include "attempt.hpp"

namespace kolmo::verify {
namespace {

constexpr const char* where = "kolmo::verify::run_cases";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

using detail::Attempt;
using detail::attempt;

/// Compares a deterministic case's measurement with its baseline, downgrading a pass to drift.
void check_baseline(CaseResult& result, const std::optional<BaselineEntry>& entry) {
  if (!entry) {
    result.message = "no baseline recorded";
    return;
  }
  result.baseline = entry->measured;
  if (within_baseline(*entry, result.outcome.measured)) return;
  std::ostringstream text;
  text.precision(17);
  text << "drift: measured " << result.outcome.measured << " vs baseline " << entry->measured << " (recorded "
       << entry->recorded << ", relative tolerance " << entry->relative_tolerance << ")";
  result.message = text.str();
  if (result.verdict == Verdict::pass) result.verdict = Verdict::drift;
}

/// The seed a case runs with: statistical cases take the override; deterministic cases the seed
/// of their baseline, which is what makes the comparison with it meaningful.
std::uint64_t seed_for(const CaseInfo& info, const RunOptions& options, const std::optional<BaselineEntry>& entry) {
  if (info.kind == CaseKind::statistical) return options.seed.value_or(info.seed);
  if (entry && entry->seed && !options.update_baselines) return *entry->seed;
  return info.seed;
}

SweepStatistics sweep_statistics(const CaseResult& result) {
  SweepStatistics sweep;
  sweep.failure_rate = result.failure_rate();
  std::tie(sweep.failure_rate_lower, sweep.failure_rate_upper) = clopper_pearson(result.failures, result.runs);
  const boost::math::binomial_distribution<> null_count(result.runs, result.alpha);
  sweep.binomial_tail =
      result.failures == 0 ? 1.0 : boost::math::cdf(boost::math::complement(null_count, result.failures - 1));
  std::vector<double> finite;
  for (double p : result.p_values) {
    if (std::isfinite(p)) finite.push_back(std::clamp(p, 0.0, 1.0));
  }
  sweep.p_values = finite.size();
  sweep.uniformity_ks = sweep.uniformity_p_value = nan;
  if (finite.size() >= 2) {
    std::sort(finite.begin(), finite.end());
    const stats::KsResult ks = stats::ks_one_sample_from_cdf_values(finite);  // U(0,1): F(p) = p
    sweep.uniformity_ks = ks.statistic;
    sweep.uniformity_p_value = ks.p_value;
  }
  return sweep;
}

/// Where a case's runs come from: run here, or (distributed) looked up among the exchanged ones.
using RunSource = std::function<Attempt(const Case& verification_case, int run, const RunContext& context)>;

struct RunState {
  const RunOptions& options;
  const RunCallbacks& callbacks;
  Progress progress;
  Clock::time_point start = Clock::now();
  RunSource source = [](const Case& c, int, const RunContext& context) { return attempt(c, context); };
};

CaseResult run_one(const Case& verification_case, double alpha, const BaselineStore* baselines, RunState& state) {
  const RunOptions& options = state.options;
  const CaseInfo& info = verification_case.info;
  const bool statistical = info.kind == CaseKind::statistical;
  const std::optional<BaselineEntry> entry =
      baselines && !statistical ? baselines->find(info.name) : std::optional<BaselineEntry>{};

  CaseResult result;
  result.info = info;
  result.alpha = alpha;
  result.seed = seed_for(info, options, entry);
  result.runs = statistical ? options.seeds : 1;

  std::string first_error;
  for (int k = 0; k < result.runs; ++k) {
    if (state.callbacks.on_progress && !state.options.communicator) {
      state.progress.run_index = k;
      state.progress.runs = result.runs;
      state.progress.elapsed_seconds = seconds_since(state.start);
      state.progress.info = &info;
      state.callbacks.on_progress(state.progress);
    }
    const Attempt a = state.source(verification_case, k, {result.seed + static_cast<std::uint64_t>(k), options.threads, alpha});
    ++state.progress.runs_done;
    result.seconds += a.seconds;
    if (k == 0) result.outcome = a.outcome;
    const bool failed = a.threw || !a.outcome.passed;
    result.measurements.push_back(a.outcome.measured);
    result.p_values.push_back(a.outcome.p_value);
    result.run_failed.push_back(failed);
    if (failed) ++result.failures;
    if (a.threw && first_error.empty()) first_error = a.error;
  }
  if (statistical && result.runs > 1) result.sweep = sweep_statistics(result);

  // A case that throws is broken, not unlucky: one exception in any seed makes it an error.
  if (!first_error.empty()) {
    result.verdict = Verdict::error;
    result.message = "error: " + first_error;
    return result;
  }
  // One run: the rule's verdict. A sweep: is the failure count improbable at the case's α?
  const bool passed = result.sweep ? !(result.sweep->binomial_tail < alpha) : result.failures == 0;
  result.verdict = passed ? Verdict::pass : Verdict::fail;
  if (statistical || !baselines) return result;
  if (options.update_baselines) {
    result.message = "baseline recorded";
  } else {
    check_baseline(result, entry);
  }
  return result;
}

/// The store to compare with (and, with update_baselines, to update): none with --no-baselines;
/// an empty one when updating a directory that does not exist yet.
std::optional<BaselineStore> load_baselines(const RunOptions& options) {
  if (!options.baselines) return std::nullopt;
  std::error_code ec;
  if (options.update_baselines && !std::filesystem::exists(*options.baselines, ec)) return BaselineStore{};
  return BaselineStore::load(*options.baselines);
}

SuiteSweep suite_sweep(const RunSummary& summary, int seeds) {
  SuiteSweep sweep;
  sweep.seeds = seeds;
  std::vector<bool> any_failed(static_cast<std::size_t>(seeds), false);
  for (const CaseResult& r : summary.results) {
    if (r.info.kind != CaseKind::statistical) continue;
    sweep.declared_rate += r.alpha;
    for (std::size_t k = 0; k < r.run_failed.size(); ++k) any_failed[k] = any_failed[k] || r.run_failed[k];
  }
  sweep.failed_seeds = static_cast<int>(std::count(any_failed.begin(), any_failed.end(), true));
  std::tie(sweep.rate_lower, sweep.rate_upper) = clopper_pearson(sweep.failed_seeds, seeds);
  return sweep;
}

}  // namespace

void validate(const RunOptions& options) {
  require(options.threads >= 1 && options.threads <= max_threads, where, "--threads", options.threads,
          "between 1 and " + std::to_string(max_threads));
  require(options.seeds >= 1, where, "--seeds", options.seeds, "at least 1");
  require(!options.update_baselines || options.baselines.has_value(), where, "--update-baselines", "set",
          "a --baselines directory to write to (not --no-baselines)");
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "FAIL";
    case Verdict::drift: return "DRIFT";
    case Verdict::error: return "ERROR";
  }
  return "?";
}

std::pair<double, double> clopper_pearson(int failures, int runs, double level) {
  require(runs >= 1 && failures >= 0 && failures <= runs, "kolmo::verify::clopper_pearson", "failures", failures,
          "between 0 and runs = " + describe_value(runs));
  const double tail = 0.5 * (1.0 - level);
  const double lower =
      failures == 0 ? 0.0 : boost::math::quantile(boost::math::beta_distribution<>(failures, runs - failures + 1), tail);
  const double upper = failures == runs ? 1.0
                                        : boost::math::quantile(
                                              boost::math::beta_distribution<>(failures + 1, runs - failures), 1 - tail);
  return {lower, upper};
}

namespace {

/// A distributed run's first part: the runs (case, seed) in order, run r on rank r mod size —
/// interleaved, so that the long cases of an area spread over the ranks — then exchanged; every
/// rank then assembles every case from the exchanged runs (RunState::source).
void run_distributed(const std::vector<const Case*>& cases, const Registry& registry, const BaselineStore* baselines,
                     RunState& state) {
  const RunOptions& options = state.options;
  const ensemble::Communicator& communicator = *options.communicator;
  struct Run {
    const Case* verification_case;
    int k;
    RunContext context;
  };
  std::vector<Run> runs;
  std::vector<std::size_t> first_run;  // per case, its first run's index
  for (const Case* c : cases) {
    const bool statistical = c->info.kind == CaseKind::statistical;
    const std::optional<BaselineEntry> entry =
        baselines && !statistical ? baselines->find(c->info.name) : std::optional<BaselineEntry>{};
    first_run.push_back(runs.size());
    const std::uint64_t seed = seed_for(c->info, options, entry);
    for (int k = 0; k < (statistical ? options.seeds : 1); ++k) {
      runs.push_back({c, k, {seed + static_cast<std::uint64_t>(k), options.threads, case_alpha(registry, c->info)}});
    }
  }
  std::vector<detail::IndexedAttempt> mine;
  const auto rank = static_cast<std::size_t>(communicator.rank()), size = static_cast<std::size_t>(communicator.size());
  state.progress.runs_total = runs.size() > rank ? (runs.size() - rank + size - 1) / size : 0;  // runs rank, rank + size, ...
  for (std::size_t r = rank; r < runs.size(); r += size) {
    if (state.callbacks.on_progress) {
      state.progress.case_index = static_cast<std::size_t>(
          std::upper_bound(first_run.begin(), first_run.end(), r) - first_run.begin() - 1);
      state.progress.run_index = runs[r].k;
      state.progress.runs = runs[r].verification_case->info.kind == CaseKind::statistical ? options.seeds : 1;
      state.progress.elapsed_seconds = seconds_since(state.start);
      state.progress.info = &runs[r].verification_case->info;
      state.callbacks.on_progress(state.progress);
    }
    mine.push_back({r, attempt(*runs[r].verification_case, runs[r].context)});
    ++state.progress.runs_done;
  }
  auto all = std::make_shared<const std::vector<Attempt>>(detail::exchange_attempts(mine, runs.size(), communicator));
  auto first = std::make_shared<std::map<const Case*, std::size_t>>();
  for (std::size_t i = 0; i < cases.size(); ++i) (*first)[cases[i]] = first_run[i];
  state.source = [all, first](const Case& c, int k, const RunContext&) {
    return (*all)[first->at(&c) + static_cast<std::size_t>(k)];
  };
}

}  // namespace

RunSummary run_cases(const Registry& registry, const std::vector<const Case*>& cases, const RunOptions& options,
                     const RunCallbacks& callbacks) {
  validate(options);
  std::optional<BaselineStore> baselines = load_baselines(options);

  RunState state{options, callbacks, {}};
  state.progress.case_count = cases.size();
  for (const Case* c : cases) state.progress.runs_total += c->info.kind == CaseKind::statistical ? options.seeds : 1;
  if (options.communicator) run_distributed(cases, registry, baselines ? &*baselines : nullptr, state);

  RunSummary summary;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    state.progress.case_index = i;
    CaseResult result = run_one(*cases[i], case_alpha(registry, cases[i]->info), baselines ? &*baselines : nullptr, state);
    if (result.passed()) ++summary.passed; else ++summary.failed;
    if (callbacks.on_result) callbacks.on_result(result);
    summary.results.push_back(std::move(result));
  }
  summary.seconds = seconds_since(state.start);
  summary.sweep = suite_sweep(summary, options.seeds);

  // One writer: rank 0 of a distributed run (every rank holds the same results).
  if (options.update_baselines && (!options.communicator || options.communicator->rank() == 0)) {
    const std::string date = utc_now(/*with_time=*/false);
    for (const CaseResult& r : summary.results) {
      if (r.info.kind != CaseKind::deterministic || !std::isfinite(r.outcome.measured)) continue;
      baselines->record(r.info.name, {r.outcome.measured, r.info.baseline_relative_tolerance, date, r.seed});
    }
    baselines->save(*options.baselines);
  }
  return summary;
}

RunSummary run_cases(const Registry& registry, const RunOptions& options, const RunCallbacks& callbacks) {
  return run_cases(registry, registry.select(options.tiers, options.filter), options, callbacks);
}

}  // namespace kolmo::verify
