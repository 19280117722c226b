#include "kolmo/verify/runner.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <exception>
#include <sstream>

#include "kolmo/core/validate.hpp"
#include "kolmo/verify/baseline.hpp"

namespace kolmo::verify {
namespace {

constexpr const char* where = "kolmo verify";

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[11];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

/// One run of a case; an exception becomes a failed outcome carrying its message.
struct Attempt {
  Outcome outcome;
  bool threw = false;
  std::string error;
};

/// What a case that threw reports: no numbers, not passed.
Outcome failed_outcome() {
  Outcome outcome;
  outcome.measured = outcome.uncertainty = outcome.expected = outcome.tolerance.bound = std::nan("");
  outcome.passed = false;
  return outcome;
}

Attempt attempt(const Case& verification_case, const RunContext& context) {
  Attempt result;
  try {
    result.outcome = verification_case.run(context);
  } catch (const std::exception& error) {
    result.threw = true;
    result.error = *error.what() != '\0' ? error.what() : "exception without a message";
  } catch (...) {
    result.threw = true;
    result.error = "unknown exception";
  }
  if (result.threw) result.outcome = failed_outcome();
  return result;
}

/// Compares a deterministic case's measurement with its baseline, downgrading a pass to drift.
void check_baseline(CaseResult& result, const BaselineStore& store) {
  const auto entry = store.find(result.info.name);
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

CaseResult run_one(const Case& verification_case, const RunOptions& options, const BaselineStore* baselines) {
  CaseResult result;
  result.info = verification_case.info;
  result.seed = options.seed.value_or(verification_case.info.seed);
  const bool statistical = verification_case.info.kind == CaseKind::statistical;
  result.runs = statistical ? options.seeds : 1;

  const auto start = std::chrono::steady_clock::now();
  std::string first_error;
  for (int k = 0; k < result.runs; ++k) {
    const Attempt a = attempt(verification_case, {result.seed + static_cast<std::uint64_t>(k), options.threads});
    if (k == 0) result.outcome = a.outcome;
    result.measurements.push_back(a.outcome.measured);
    if (a.threw || !a.outcome.passed) ++result.failures;
    if (a.threw && first_error.empty()) first_error = a.error;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // A case that throws is broken, not unlucky: one exception in any seed makes it an error.
  if (!first_error.empty()) {
    result.verdict = Verdict::error;
    result.message = "error: " + first_error;
    return result;
  }
  const bool passed = result.runs == 1 ? result.failures == 0 : result.failure_rate() <= max_failure_rate;
  result.verdict = passed ? Verdict::pass : Verdict::fail;
  if (statistical || !baselines) return result;
  if (options.update_baselines) {
    result.message = "baseline recorded";
  } else {
    check_baseline(result, *baselines);
  }
  return result;
}

}  // namespace

void validate(const RunOptions& options) {
  require(options.threads >= 1, where, "--threads", options.threads, "at least 1");
  require(options.seeds >= 1, where, "--seeds", options.seeds, "at least 1");
  require(!options.update_baselines || options.baselines.has_value(), where, "--update-baselines", "set",
          "a --baselines directory to write to");
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

RunSummary run_cases(const std::vector<const Case*>& cases, const RunOptions& options,
                     const std::function<void(const CaseResult&)>& on_result) {
  validate(options);
  std::optional<BaselineStore> baselines;
  if (options.baselines) baselines = BaselineStore::load(*options.baselines);

  RunSummary summary;
  const auto start = std::chrono::steady_clock::now();
  for (const Case* c : cases) {
    CaseResult result = run_one(*c, options, baselines ? &*baselines : nullptr);
    if (result.passed()) ++summary.passed; else ++summary.failed;
    if (on_result) on_result(result);
    summary.results.push_back(std::move(result));
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (options.update_baselines) {
    const std::string date = today();
    for (const CaseResult& r : summary.results) {
      if (r.info.kind != CaseKind::deterministic || !std::isfinite(r.outcome.measured)) continue;
      baselines->record(r.info.name, {r.outcome.measured, r.info.baseline_relative_tolerance, date});
    }
    baselines->save(*options.baselines);
  }
  return summary;
}

RunSummary run_cases(const Registry& registry, const RunOptions& options,
                     const std::function<void(const CaseResult&)>& on_result) {
  return run_cases(registry.select(options.tiers, options.filter), options, on_result);
}

}  // namespace kolmo::verify
