#include "verify_command.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cases/cases.hpp"
#include "kolmo/core/error.hpp"
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

void list_cases(const std::vector<const verify::Case*>& cases) {
  for (const verify::Case* c : cases) {
    std::cout << c->info.name << "  [" << verify::to_string(c->info.tier) << ", " << verify::to_string(c->info.kind)
              << ", seed " << c->info.seed << "]\n    " << c->info.claim << "\n    source: " << c->info.source << '\n';
  }
}

}  // namespace

VerifyCommand::VerifyCommand(CLI::App& app)
    : command_(app.add_subcommand("verify", "Run the verification suite: every cross-check of the theory")),
      threads_(static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {
  command_->add_option("--tier", tier_, "Tier to run: fast (CI, seconds), full (minutes) or all")
      ->capture_default_str();
  command_->add_option("--filter", filter_, "Run only cases whose name matches this regular expression");
  command_->add_option("--threads", threads_, "OpenMP threads (results do not depend on it)")->capture_default_str();
  command_->add_option("--seed", seed_, "Use this seed for every case instead of each case's own");
  command_->add_option("--seeds", seeds_, "Rerun each statistical case over K consecutive seeds; pass if <= 1/20 fail")
      ->capture_default_str();
  command_->add_option("--json", json_, "Write the results as JSON to FILE");
  command_->add_option("--report", report_, "Write a Markdown report to DIR/report.md");
  command_->add_option("--baselines", baselines_, "Directory of deterministic baselines (<area>.json)")
      ->default_str(KOLMO_DEFAULT_BASELINE_DIR);
  command_->add_flag("--list", list_, "List the selected cases and exit");
  command_->add_flag("--update-baselines", update_baselines_,
                     "Record the measured values of the deterministic cases run as their new baselines");
}

int VerifyCommand::run() const {
  verify::RunOptions options;
  options.tiers = verify::parse_tier_selection(tier_, "--tier");
  options.filter = filter_;
  options.threads = threads_;
  options.seeds = seeds_;
  if (command_->count("--seed") > 0) options.seed = parse_seed(seed_);
  options.baselines = baselines_.empty() ? std::filesystem::path(KOLMO_DEFAULT_BASELINE_DIR)
                                         : std::filesystem::path(baselines_);
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
    list_cases(cases);
    return 0;
  }

  // Open the outputs before running, so a bad path fails in a second, not after the suite.
  std::ofstream json_out, report_out;
  if (!json_.empty()) json_out = open_output(json_, "--json");
  if (!report_.empty()) report_out = open_output(std::filesystem::path(report_) / "report.md", "--report");

  std::size_t width = 0;
  for (const auto* c : cases) width = std::max(width, c->info.name.size());
  verify::TableWriter table(std::cout, width);
  table.header();
  const auto summary = verify::run_cases(cases, options, [&](const verify::CaseResult& r) { table.row(r); });
  table.footer(summary);

  if (json_out.is_open()) json_out << verify::to_json(summary, options).dump(2) << '\n';
  if (report_out.is_open()) verify::write_markdown(report_out, summary, options);
  if (options.update_baselines) std::cout << "baselines written to " << options.baselines->string() << '\n';
  return summary.all_passed() ? 0 : 1;
}

}  // namespace kolmo::cli
