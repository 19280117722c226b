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

std::string general(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

/// JSON has no NaN or infinity: non-finite numbers become null.
nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

nlohmann::json numbers(const std::vector<double>& values) {
  nlohmann::json array = nlohmann::json::array();
  for (double v : values) array.push_back(number(v));
  return array;
}

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

constexpr int verdict_width = 12, seconds_width = 8, measurement_width = 26;

nlohmann::json options_json(const RunOptions& options) {
  nlohmann::json json{{"tier", to_string(options.tiers)},
                      {"filter", options.filter},
                      {"threads", options.threads},
                      {"seeds", options.seeds},
                      {"update_baselines", options.update_baselines}};
  json["seed"] = options.seed ? nlohmann::json(*options.seed) : nlohmann::json();
  json["baselines"] = options.baselines ? nlohmann::json(options.baselines->string()) : nlohmann::json("none (--no-baselines)");
  return json;
}

nlohmann::json sweep_json(const SweepStatistics& s) {
  return {{"failure_rate", s.failure_rate},
          {"failure_rate_ci95", {s.failure_rate_lower, s.failure_rate_upper}},
          {"binomial_tail", number(s.binomial_tail)},
          {"p_values", s.p_values},
          {"uniformity_ks", number(s.uniformity_ks)},
          {"uniformity_p_value", number(s.uniformity_p_value)}};
}

/// A Markdown table cell: '|' would end the cell.
std::string cell(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

/// Whether `expected` is a value the measurement is compared with (not a threshold).
bool has_expected_value(Check check) {
  return check == Check::z_score || check == Check::absolute || check == Check::order || check == Check::order_at_least;
}

/// "suite: 0 of 100 seeds had a statistical failure (rate in [0, 0.036], 95%); declared Σα = 1e-03"
std::string suite_sweep_line(const SuiteSweep& sweep) {
  return "suite: " + std::to_string(sweep.failed_seeds) + " of " + std::to_string(sweep.seeds) +
         " seeds had a statistical failure (rate ∈ [" + general(sweep.rate_lower) + ", " + general(sweep.rate_upper) +
         "], Clopper–Pearson 95%); declared family-wise rate Σα = " + general(sweep.declared_rate);
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
  out_ << std::left << std::setw(static_cast<int>(name_width_)) << "case" << "  " << std::setw(verdict_width)
       << "verdict" << std::right << std::setw(seconds_width) << "seconds" << "  " << std::left
       << std::setw(measurement_width) << "measured +- uncertainty" << "  check\n";
  out_ << std::string(name_width_ + verdict_width + seconds_width + measurement_width + 40, '-') << '\n';
}

void TableWriter::row(const CaseResult& result) {
  const Outcome& o = result.outcome;
  out_ << std::left << std::setw(static_cast<int>(name_width_)) << result.info.name << "  " << std::setw(verdict_width)
       << verdict_cell(result) << std::right << std::setw(seconds_width) << seconds_cell(result.seconds) << "  "
       << std::left << std::setw(measurement_width) << format_measurement(o.measured, o.uncertainty) << "  "
       << statement(o) << '\n';
  for (const BoundComparison& b : o.bounds) out_ << "    " << summary_line(b) << '\n';
  if (!result.passed() && !result.message.empty()) out_ << "    " << result.message << '\n';
  if (!result.passed() && !o.note.empty()) out_ << "    note: " << o.note << '\n';
  out_.flush();
}

void TableWriter::footer(const RunSummary& summary) {
  if (summary.sweep.seeds > 1) out_ << suite_sweep_line(summary.sweep) << '\n';
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

namespace {

nlohmann::json bounds_json(const std::vector<BoundComparison>& bounds) {
  nlohmann::json array = nlohmann::json::array();
  for (const BoundComparison& b : bounds) array.push_back(to_json(b));
  return array;
}

}  // namespace

nlohmann::json to_json(const CaseResult& result) {
  const Outcome& o = result.outcome;
  nlohmann::json failed_seeds = nlohmann::json::array();  // rerun one with --filter '^name$' --seed S
  for (std::size_t k = 0; k < result.run_failed.size(); ++k) {
    if (result.run_failed[k]) failed_seeds.push_back(result.seed + k);
  }
  const bool has_interval = std::isfinite(o.interval_lower) || std::isfinite(o.interval_upper);
  return {{"name", result.info.name},
          {"claim", result.info.claim},
          {"source", result.info.source},
          {"tier", to_string(result.info.tier)},
          {"kind", to_string(result.info.kind)},
          {"seed", result.seed},
          {"alpha", number(result.alpha)},
          {"check", to_string(o.check)},
          {"statement", statement(o)},
          {"measured", number(o.measured)},
          {"uncertainty", number(o.uncertainty)},
          {"expected", number(o.expected)},
          {"tolerance", {{"rule", o.tolerance.rule}, {"bound", number(o.tolerance.bound)}}},
          {"interval", has_interval ? nlohmann::json{number(o.interval_lower), number(o.interval_upper)} : nlohmann::json()},
          {"p_value", number(o.p_value)},
          {"passed", result.passed()},
          {"verdict", to_string(result.verdict)},
          {"seconds", result.seconds},
          {"runs", result.runs},
          {"failures", result.failures},
          {"failure_rate", result.failure_rate()},
          {"failed_seeds", failed_seeds},
          {"measurements", numbers(result.measurements)},
          {"p_values", numbers(result.p_values)},
          {"sweep", result.sweep ? sweep_json(*result.sweep) : nlohmann::json()},
          {"baseline", result.baseline ? number(*result.baseline) : nlohmann::json()},
          {"message", result.message},
          {"note", o.note},
          {"details", o.details},
          {"bounds", bounds_json(o.bounds)}};
}

namespace {

nlohmann::json budgets_json(const std::vector<ErrorBudget>& budgets) {
  nlohmann::json tiers = nlohmann::json::object();
  for (const ErrorBudget& b : budgets) {
    tiers[std::string(to_string(b.tier))] = {
        {"family_rate", b.family_rate}, {"statistical_cases", b.statistical_cases}, {"per_case", b.per_case}};
  }
  return {{"rule", "Bonferroni: each statistical case of a tier runs at alpha = family_rate / statistical_cases"},
          {"tiers", tiers}};
}

}  // namespace

nlohmann::json to_json(const RunSummary& summary, const ReportContext& context) {
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& r : summary.results) cases.push_back(to_json(r));
  nlohmann::json totals{{"passed", summary.passed}, {"failed", summary.failed}, {"seconds", summary.seconds}};
  totals["sweep"] = summary.sweep.seeds > 1
                        ? nlohmann::json{{"seeds", summary.sweep.seeds},
                                         {"failed_seeds", summary.sweep.failed_seeds},
                                         {"rate_ci95", {summary.sweep.rate_lower, summary.sweep.rate_upper}},
                                         {"declared_rate", summary.sweep.declared_rate}}
                        : nlohmann::json();
  return {{"kolmo_version", kolmo::version_string},
          {"provenance", to_json(context.provenance)},
          {"options", options_json(context.options)},
          {"error_budget", budgets_json(context.budgets)},
          {"cases", cases},
          {"summary", totals}};
}

void write_markdown(std::ostream& out, const RunSummary& summary, const ReportContext& context) {
  const Provenance& p = context.provenance;
  out << "# Kolmo verification report\n\n"
      << "**" << summary.passed << " passed, " << summary.failed << " failed** in " << seconds_cell(summary.seconds)
      << " s.\n\n"
      << "## Provenance\n\n"
      << "- Kolmo " << p.kolmo_version << ", commit `" << p.git_commit << "`" << (p.git_dirty ? " (dirty tree)" : "")
      << "\n- built " << p.build_type << " with " << p.compiler << ", flags `" << p.compile_flags << "`\n"
      << "- machine: " << p.cpu_model << ", " << p.cores << " hardware threads; " << p.os << "\n"
      << "- dependencies:";
  for (const auto& [name, version] : p.dependencies) out << " " << name << " " << version << ";";
  out << "\n- date: " << p.date_utc << "\n- command: `" << p.command_line << "`\n"
      << "- options: `" << options_json(context.options).dump() << "`\n\n"
      << "## Error budget\n\n";
  for (const ErrorBudget& b : context.budgets) {
    out << "- tier " << to_string(b.tier) << ": family-wise false-failure rate " << general(b.family_rate) << " over "
        << b.statistical_cases << " statistical cases, α = " << general(b.per_case) << " each (Bonferroni)\n";
  }
  if (summary.sweep.seeds > 1) out << "- " << suite_sweep_line(summary.sweep) << "\n";
  out << "\n| case | verdict | check | measured ± uncertainty | seconds |\n|---|---|---|---|---|\n";
  for (const auto& r : summary.results) {
    const Outcome& o = r.outcome;
    std::string measured = scientific(o.measured, 5);
    if (std::isfinite(o.uncertainty)) measured += " ± " + scientific(o.uncertainty, 1);
    out << "| `" << r.info.name << "` | " << verdict_cell(r) << " | " << cell(statement(o)) << " | " << measured
        << " | " << seconds_cell(r.seconds) << " |\n";
  }
  for (const auto& r : summary.results) {
    const Outcome& o = r.outcome;
    out << "\n## `" << r.info.name << "` — " << verdict_cell(r) << "\n\n"
        << r.info.claim << "\n\n"
        << "- source: " << r.info.source << "\n"
        << "- tier: " << to_string(r.info.tier) << ", kind: " << to_string(r.info.kind) << ", seed: " << r.seed;
    if (r.runs > 1) out << " (seeds " << r.seed << ".." << r.seed + static_cast<std::uint64_t>(r.runs - 1) << ")";
    if (std::isfinite(r.alpha)) out << ", α = " << general(r.alpha);
    out << "\n- check (" << to_string(o.check) << "): " << statement(o) << "\n- rule: " << o.tolerance.rule << "\n"
        << "- measured: " << scientific(o.measured, 10);
    if (has_expected_value(o.check)) out << ", expected: " << scientific(o.expected, 10);
    out << "\n";
    if (std::isfinite(o.p_value)) out << "- p-value: " << general(o.p_value) << "\n";
    if (r.sweep) {
      const SweepStatistics& s = *r.sweep;
      out << "- failures: " << r.failures << " of " << r.runs << " runs, rate ∈ [" << general(s.failure_rate_lower)
          << ", " << general(s.failure_rate_upper) << "] (95%); P(Binomial(" << r.runs << ", α) ≥ " << r.failures
          << ") = " << general(s.binomial_tail) << "\n";
      if (s.p_values >= 2) {
        out << "- p-values of " << s.p_values << " runs against U(0,1): KS D = " << general(s.uniformity_ks)
            << ", p = " << general(s.uniformity_p_value) << "\n";
      }
    } else if (r.runs > 1) {
      out << "- failures: " << r.failures << " of " << r.runs << " runs\n";
    }
    if (r.baseline) out << "- baseline: " << scientific(*r.baseline, 10) << "\n";
    if (!r.message.empty()) out << "- " << r.message << "\n";
    if (!o.note.empty()) out << "- note: " << o.note << "\n";
    for (const BoundComparison& b : o.bounds) out << "- bound: " << summary_line(b) << "\n";
    if (!o.details.empty()) out << "- details: `" << o.details.dump() << "`\n";
  }
}

}  // namespace kolmo::verify
