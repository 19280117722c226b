#pragma once
// Reports of a verification run: the console table (streamed row by row while cases run),
// the JSON document CI and notebooks read, and a Markdown report for humans.
//
// JSON: {"kolmo_version", "options": {...},
//        "cases": [{"name","claim","source","tier","kind","seed","measured","uncertainty",
//                   "expected","tolerance":{"rule","bound"},"passed","verdict","seconds",
//                   "runs","failures","failure_rate","measurements","baseline","message","note",
//                   "details"}],
//        "summary": {"passed","failed","seconds"}}
// Non-finite numbers are written as null (JSON has no NaN).

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kolmo/verify/runner.hpp"

namespace kolmo::verify {

/// Console table: header, one row per case, and the final line "N passed, M failed (T s)".
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

/// "1.2346e-03 ± 5.0e-05" style cell; the uncertainty is left out when not finite.
std::string format_measurement(double value, double uncertainty);

nlohmann::json to_json(const CaseResult& result);
nlohmann::json to_json(const RunSummary& summary, const RunOptions& options);

/// The Markdown report: summary, table, then one section per case (claim, source, seed,
/// rule, details).
void write_markdown(std::ostream& out, const RunSummary& summary, const RunOptions& options);

}  // namespace kolmo::verify
