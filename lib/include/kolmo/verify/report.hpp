#pragma once
// Reports of a verification run: the console table (streamed row by row while cases run),
// the JSON document CI and notebooks read, and a Markdown report for humans.
//
// Every row states its check in words that fit it (case.hpp, statement()):
//   order 1.98 ∈ [1.95, 2.02] ∋ 2     p = 0.41 ≥ α = 1.3e-05     |z| = 1.2 ≤ 4.4     3e-13 ≤ bound 1e-12
//
// JSON: {"kolmo_version", "provenance": {git, build, machine, dependencies, date_utc, command_line},
//        "options": {...},
//        "error_budget": {"tiers": {"fast": {"family_rate", "statistical_cases", "per_case"}, ...}},
//        "cases": [{"name","claim","source","tier","kind","seed","alpha","check","statement",
//                   "measured","uncertainty","expected","tolerance":{"rule","bound"},
//                   "interval":[lo,hi] | null,"p_value","passed","verdict","seconds","runs",
//                   "failures","failure_rate","failed_seeds","measurements","p_values",
//                   "sweep": {...} | null,"baseline","message","note","details"}],
//        "summary": {"passed","failed","seconds",
//                    "sweep": {"seeds","failed_seeds","rate_ci","declared_rate"} | null}}
// Non-finite numbers are written as null (JSON has no NaN).

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kolmo/verify/error_budget.hpp"
#include "kolmo/verify/provenance.hpp"
#include "kolmo/verify/runner.hpp"

namespace kolmo::verify {

/// Console table: header, one row per case, and the final line "N passed, M failed (T s)",
/// preceded by the suite's false-failure line after a seed sweep.
class TableWriter {
 public:
  /// `name_width`: the widest case name to be printed (the name column is sized to fit).
  TableWriter(std::ostream& out, std::size_t name_width);
  void header();
  void row(const CaseResult& result);
  void footer(const RunSummary& summary);

 private:
  std::ostream& out_;
  std::size_t name_width_;
};

/// Header, all rows and footer at once.
void write_table(std::ostream& out, const RunSummary& summary);

/// "1.2346e-03 +- 5.0e-05" style cell; the uncertainty is left out when not finite.
std::string format_measurement(double value, double uncertainty);

/// What a report says about the run besides its results.
struct ReportContext {
  RunOptions options;
  Provenance provenance;
  std::vector<ErrorBudget> budgets;  ///< the budgets of the tiers run
};

nlohmann::json to_json(const CaseResult& result);
nlohmann::json to_json(const RunSummary& summary, const ReportContext& context);

/// The Markdown report: provenance, error budget, summary, table, then one section per case
/// (claim, source, seed, α, rule, sweep statistics, details).
void write_markdown(std::ostream& out, const RunSummary& summary, const ReportContext& context);

}  // namespace kolmo::verify
