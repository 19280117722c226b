#include "kolmo/verify/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>

#include "kolmo/version.hpp"

namespace kolmo::verify {
namespace {

std::string scientific(double value, int digits) {
  if (std::isnan(value)) return "nan";
  char text[32];
  std::snprintf(text, sizeof text, "%.*e", digits, value);
  return text;
}

/// JSON has no NaN or infinity: non-finite numbers become null.
nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

std::string verdict_cell(const CaseResult& result) {
  std::string cell(to_string(result.verdict));
  if (result.runs > 1) {
    cell += ' ';
    cell += std::to_string(result.failures);
    cell += '/';
    cell += std::to_string(result.runs);
  }
  return cell;
}

std::string seconds_cell(double seconds) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", seconds);
  return text;
}

constexpr int measurement_width = 26, number_width = 12, verdict_width = 11, seconds_width = 8;

nlohmann::json options_json(const RunOptions& options) {
  nlohmann::json json{{"tier", to_string(options.tiers)},
                      {"filter", options.filter},
                      {"threads", options.threads},
                      {"seeds", options.seeds},
                      {"update_baselines", options.update_baselines}};
  json["seed"] = options.seed ? nlohmann::json(*options.seed) : nlohmann::json();
  json["baselines"] = options.baselines ? nlohmann::json(options.baselines->string()) : nlohmann::json();
  return json;
}

}  // namespace

std::string format_measurement(double value, double uncertainty) {
  std::string text = scientific(value, 5);
  if (std::isfinite(uncertainty)) text += " +- " + scientific(uncertainty, 1);
  return text;
}

TableWriter::TableWriter(std::ostream& out, std::size_t name_width)
    : out_(out), name_width_(std::max<std::size_t>(name_width, 4)) {}

void TableWriter::header() {
  out_ << std::left << std::setw(static_cast<int>(name_width_)) << "case" << "  " << std::setw(measurement_width)
       << "measured +- uncertainty" << "  " << std::setw(number_width) << "expected" << "  "
       << std::setw(number_width) << "tolerance" << "  " << std::setw(verdict_width) << "verdict" << std::right
       << std::setw(seconds_width) << "seconds" << '\n';
  out_ << std::string(name_width_ + measurement_width + 2 * number_width + verdict_width + seconds_width + 8, '-')
       << '\n';
}

void TableWriter::row(const CaseResult& result) {
  const Outcome& o = result.outcome;
  out_ << std::left << std::setw(static_cast<int>(name_width_)) << result.info.name << "  "
       << std::setw(measurement_width) << format_measurement(o.measured, o.uncertainty) << "  "
       << std::setw(number_width) << scientific(o.expected, 4) << "  " << std::setw(number_width)
       << scientific(o.tolerance.bound, 4) << "  " << std::setw(verdict_width) << verdict_cell(result) << std::right
       << std::setw(seconds_width) << seconds_cell(result.seconds) << '\n';
  if (!result.passed() && !result.message.empty()) out_ << "    " << result.message << '\n';
  out_.flush();
}

void TableWriter::footer(const RunSummary& summary) {
  out_ << summary.passed << " passed, " << summary.failed << " failed (" << seconds_cell(summary.seconds) << " s)\n";
}

void write_table(std::ostream& out, const RunSummary& summary) {
  std::size_t width = 0;
  for (const auto& r : summary.results) width = std::max(width, r.info.name.size());
  TableWriter table(out, width);
  table.header();
  for (const auto& r : summary.results) table.row(r);
  table.footer(summary);
}

nlohmann::json to_json(const CaseResult& result) {
  const Outcome& o = result.outcome;
  nlohmann::json measurements = nlohmann::json::array();
  for (double m : result.measurements) measurements.push_back(number(m));
  return {{"name", result.info.name},
          {"claim", result.info.claim},
          {"source", result.info.source},
          {"tier", to_string(result.info.tier)},
          {"kind", to_string(result.info.kind)},
          {"seed", result.seed},
          {"measured", number(o.measured)},
          {"uncertainty", number(o.uncertainty)},
          {"expected", number(o.expected)},
          {"tolerance", {{"rule", o.tolerance.rule}, {"bound", number(o.tolerance.bound)}}},
          {"passed", result.passed()},
          {"verdict", to_string(result.verdict)},
          {"seconds", result.seconds},
          {"runs", result.runs},
          {"failures", result.failures},
          {"failure_rate", result.failure_rate()},
          {"measurements", measurements},
          {"baseline", result.baseline ? number(*result.baseline) : nlohmann::json()},
          {"message", result.message},
          {"note", o.note},
          {"details", o.details}};
}

nlohmann::json to_json(const RunSummary& summary, const RunOptions& options) {
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& r : summary.results) cases.push_back(to_json(r));
  return {{"kolmo_version", kolmo::version_string},
          {"options", options_json(options)},
          {"cases", cases},
          {"summary", {{"passed", summary.passed}, {"failed", summary.failed}, {"seconds", summary.seconds}}}};
}

void write_markdown(std::ostream& out, const RunSummary& summary, const RunOptions& options) {
  out << "# Kolmo verification report\n\n"
      << "Kolmo " << kolmo::version_string << "; options: `" << options_json(options).dump() << "`\n\n"
      << "**" << summary.passed << " passed, " << summary.failed << " failed** in " << seconds_cell(summary.seconds)
      << " s.\n\n"
      << "| case | measured ± uncertainty | expected | tolerance | verdict | seconds |\n"
      << "|---|---|---|---|---|---|\n";
  for (const auto& r : summary.results) {
    const Outcome& o = r.outcome;
    std::string measured = scientific(o.measured, 5);
    if (std::isfinite(o.uncertainty)) measured += " ± " + scientific(o.uncertainty, 1);
    out << "| `" << r.info.name << "` | " << measured << " | " << scientific(o.expected, 4) << " | "
        << scientific(o.tolerance.bound, 4) << " | " << verdict_cell(r) << " | " << seconds_cell(r.seconds) << " |\n";
  }
  for (const auto& r : summary.results) {
    const Outcome& o = r.outcome;
    out << "\n## `" << r.info.name << "` — " << verdict_cell(r) << "\n\n"
        << r.info.claim << "\n\n"
        << "- source: " << r.info.source << "\n"
        << "- tier: " << to_string(r.info.tier) << ", kind: " << to_string(r.info.kind) << ", seed: " << r.seed;
    if (r.runs > 1) out << " (seeds " << r.seed << ".." << r.seed + static_cast<std::uint64_t>(r.runs - 1) << ")";
    out << "\n- rule: " << o.tolerance.rule << " (bound " << scientific(o.tolerance.bound, 6) << ")\n"
        << "- measured: " << scientific(o.measured, 10) << ", expected: " << scientific(o.expected, 10) << "\n";
    if (r.runs > 1) out << "- failures: " << r.failures << " of " << r.runs << " runs\n";
    if (r.baseline) out << "- baseline: " << scientific(*r.baseline, 10) << "\n";
    if (!r.message.empty()) out << "- " << r.message << "\n";
    if (!o.note.empty()) out << "- note: " << o.note << "\n";
    if (!o.details.empty()) out << "- details: `" << o.details.dump() << "`\n";
  }
}

}  // namespace kolmo::verify
