#include "verify_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cases/cases.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/verify/baseline.hpp"
#include "kolmo/verify/error_budget.hpp"
#include "kolmo/verify/provenance.hpp"
#include "kolmo/verify/report.hpp"
#include "kolmo/verify/runner.hpp"

namespace kolmo::cli {
namespace {

/// Opens `file` for writing, creating its directory; throws kolmo::Error naming `option`.
std::ofstream open_output(const std::filesystem::path& file, const std::string& option) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file);
  if (ec || !out) throw_bad_argument("kolmo verify", option, file.string(), "a writable path");
  return out;
}

std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t seed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw_bad_argument("kolmo verify", "--seed", text, "an integer in [0, 2^64)");
  }
  return seed;
}

/// The baselines that belong to this executable: KOLMO_BASELINES_FROM_BINARY resolved against the
/// executable's directory — share/kolmo/baselines of the installed package, or the build tree's
/// link to verification/baselines. Not a path on the machine that built it.
std::filesystem::path default_baselines() {
  std::error_code ec;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("kolmo verify: cannot locate the kolmo executable to find its baselines; pass --baselines DIR");
  return (executable.parent_path() / KOLMO_BASELINES_FROM_BINARY).lexically_normal();
}

void list_cases(const verify::Registry& registry, const std::vector<const verify::Case*>& cases) {
  for (const verify::Case* c : cases) {
    std::cout << c->info.name << "  [" << verify::to_string(c->info.tier) << ", " << verify::to_string(c->info.kind)
              << ", seed " << c->info.seed;
    const double alpha = verify::case_alpha(registry, c->info);
    if (std::isfinite(alpha)) std::cout << ", alpha " << alpha;
    std::cout << "]\n    " << c->info.claim << "\n    source: " << c->info.source << '\n';
  }
}

/// "1m05s" / "42s"
std::string duration(double seconds) {
  const long whole = std::lround(seconds);
  return whole >= 60 ? std::to_string(whole / 60) + "m" + (whole % 60 < 10 ? "0" : "") + std::to_string(whole % 60) + "s"
                     : std::to_string(whole) + "s";
}

/// One self-overwriting status line on stderr: case i of n, seed j of K, elapsed, estimate left
/// (elapsed time per finished run times the runs left — crude, and labelled as an estimate).
void show_progress(const verify::Progress& p) {
  std::string line = "[" + std::to_string(p.case_index + 1) + "/" + std::to_string(p.case_count) + "] " +
                     (p.info ? p.info->name : std::string());
  if (p.runs > 1) line += " seed " + std::to_string(p.run_index + 1) + "/" + std::to_string(p.runs);
  line += "  " + duration(p.elapsed_seconds) + " elapsed";
  if (p.runs_done > 0) {
    const double left = p.elapsed_seconds / static_cast<double>(p.runs_done) *
                        static_cast<double>(p.runs_total - p.runs_done);
    line += ", ~" + duration(left) + " left";
  }
  std::cerr << "\r\033[K" << line << std::flush;
}

void clear_progress() { std::cerr << "\r\033[K" << std::flush; }

/// Progress is for people at a terminal: on when stderr is one and CI is not set, unless asked.
bool progress_wanted(bool forced) {
  const char* ci = std::getenv("CI");
  return forced || (isatty(STDERR_FILENO) == 1 && (ci == nullptr || *ci == '\0'));
}

std::vector<verify::ErrorBudget> budgets_run(const verify::Registry& registry, verify::TierSelection tiers) {
  std::vector<verify::ErrorBudget> budgets;
  if (tiers != verify::TierSelection::full) budgets.push_back(verify::error_budget(registry, verify::Tier::fast));
  if (tiers != verify::TierSelection::fast) budgets.push_back(verify::error_budget(registry, verify::Tier::full));
  return budgets;
}

}  // namespace

VerifyCommand::VerifyCommand(CLI::App& app)
    : command_(app.add_subcommand("verify", "Run the verification suite: every cross-check of the theory")),
      threads_(static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {
  command_->add_option("--tier", tier_, "Tier to run: fast (CI, seconds), full (minutes) or all")
      ->capture_default_str();
  command_->add_option("--filter", filter_, "Run only cases whose name matches this regular expression");
  command_->add_option("--threads", threads_, "OpenMP threads (results do not depend on it)")->capture_default_str();
  command_->add_option("--seed", seed_, "Use this seed for every statistical case instead of each case's own");
  command_->add_option("--seeds", seeds_,
                       "Rerun each statistical case over K consecutive seeds; report failure rates and p-value "
                       "uniformity; a case fails when P(Binomial(K, alpha) >= failures) < alpha")
      ->capture_default_str();
  command_->add_option("--json", json_, "Write the results as JSON to FILE");
  command_->add_option("--report", report_, "Write a Markdown report to DIR/report.md");
  auto* baselines = command_->add_option(
      "--baselines", baselines_,
      "Directory of deterministic baselines (<area>.json); default: the baselines installed with this executable");
  auto* no_baselines =
      command_->add_flag("--no-baselines", no_baselines_, "Run without comparing deterministic cases to baselines");
  no_baselines->excludes(baselines);
  command_->add_flag("--list", list_, "List the selected cases and exit");
  command_->add_flag("--update-baselines", update_baselines_,
                     "Record the measured values of the deterministic cases run as their new baselines")
      ->excludes(no_baselines);
  command_->add_flag("--progress", progress_,
                     "Show progress on stderr even when it is not a terminal (shown by default on a terminal "
                     "unless CI is set)");
}

int VerifyCommand::run(const std::string& command_line) const {
  verify::RunOptions options;
  options.tiers = verify::parse_tier_selection(tier_, "--tier");
  options.filter = filter_;
  options.threads = threads_;
  options.seeds = seeds_;
  if (command_->count("--seed") > 0) options.seed = parse_seed(seed_);
  if (!no_baselines_) options.baselines = baselines_.empty() ? default_baselines() : std::filesystem::path(baselines_);
  options.update_baselines = update_baselines_;
  verify::validate(options);

  verify::Registry registry;
  verification::register_all_cases(registry);
  const auto cases = registry.select(options.tiers, options.filter);
  if (cases.empty()) {
    throw Error("kolmo verify: no verification case matches --tier " + tier_ + " --filter '" + filter_ +
                "' (see kolmo verify --list --tier all)");
  }
  if (list_) {
    list_cases(registry, cases);
    return 0;
  }

  // A missing baselines directory fails before anything is printed (the runner loads it again).
  if (options.baselines && !options.update_baselines) (void)verify::BaselineStore::load(*options.baselines);

  // Open the outputs before running, so a bad path fails in a second, not after the suite.
  std::ofstream json_out, report_out;
  if (!json_.empty()) json_out = open_output(json_, "--json");
  if (!report_.empty()) report_out = open_output(std::filesystem::path(report_) / "report.md", "--report");

  std::size_t width = 0;
  for (const auto* c : cases) width = std::max(width, c->info.name.size());
  verify::TableWriter table(std::cout, width);
  const bool progress = progress_wanted(progress_);
  verify::RunCallbacks callbacks;
  callbacks.on_result = [&](const verify::CaseResult& r) {
    if (progress) clear_progress();
    table.row(r);
  };
  if (progress) callbacks.on_progress = show_progress;

  const verify::ReportContext context{options, verify::collect_provenance(command_line),
                                     budgets_run(registry, options.tiers)};
  for (const auto& budget : context.budgets) {
    std::cout << "tier " << verify::to_string(budget.tier) << ": family-wise false-failure budget "
              << budget.family_rate << " over " << budget.statistical_cases << " statistical cases, alpha = "
              << budget.per_case << " each (Bonferroni)\n";
  }
  table.header();
  const auto summary = verify::run_cases(registry, cases, options, callbacks);
  if (progress) clear_progress();
  table.footer(summary);
  const auto without_baseline = std::count_if(summary.results.begin(), summary.results.end(), [](const auto& r) {
    return r.info.kind == verify::CaseKind::deterministic && r.message == "no baseline recorded";
  });
  if (options.baselines && !options.update_baselines && without_baseline > 0) {
    std::cout << "note: " << without_baseline << " deterministic case(s) have no baseline in "
              << options.baselines->string() << ": their values were not checked for drift\n";
  }

  if (json_out.is_open()) json_out << verify::to_json(summary, context).dump(2) << '\n';
  if (report_out.is_open()) verify::write_markdown(report_out, summary, context);
  if (options.update_baselines) std::cout << "baselines written to " << options.baselines->string() << '\n';
  return summary.all_passed() ? 0 : 1;
}

}  // namespace kolmo::cli
