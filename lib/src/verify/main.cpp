#include "kolmo/verify/main.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "kolmo/core/error.hpp"
#include "kolmo/verify/baseline.hpp"
#include "kolmo/verify/error_budget.hpp"
#include "kolmo/verify/provenance.hpp"
#include "kolmo/verify/report.hpp"
#include "kolmo/verify/runner.hpp"

namespace kolmo::verify {
namespace {

constexpr int usage_error = 2;

/// Opens `file` for writing, creating its directory; throws kolmo::Error naming `option`.
std::ofstream open_output(const std::filesystem::path& file, const std::string& option, const std::string& program) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file);
  if (ec || !out) throw_bad_argument(program, option, file.string(), "a writable path");
  return out;
}

std::uint64_t parse_seed(const std::string& text, const std::string& program) {
  std::uint64_t seed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw_bad_argument(program, "--seed", text, "an integer in [0, 2^64)");
  }
  return seed;
}

void list_cases(const Registry& registry, const std::vector<const Case*>& cases) {
  for (const Case* c : cases) {
    std::cout << c->info.name << "  [" << to_string(c->info.tier) << ", " << to_string(c->info.kind)
              << ", seed " << c->info.seed;
    const double alpha = case_alpha(registry, c->info);
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
void show_progress(const Progress& p) {
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

/// `argument` as a POSIX shell would need it to run the same command again.
std::string shell_quoted(const std::string& argument) {
  const bool plain = !argument.empty() && argument.find_first_not_of(
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+-") ==
                                              std::string::npos;
  if (plain) return argument;
  std::string quoted = "'";
  for (char c : argument) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// The command line's values, before they are checked.
struct Arguments {
  std::string tier = "fast";
  std::string filter;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string seed;  // parsed by run(): CLI11 2.1 would wrap a negative value into a uint64
  bool seed_given = false;
  int seeds = 1;
  std::string json;
  std::string report;
  std::string baselines;
  bool no_baselines = false;
  bool list = false;
  bool update_baselines = false;
  bool progress = false;
};

void add_options(CLI::App& app, Arguments& a) {
  app.add_option("--tier", a.tier, "Tier to run: fast (CI, seconds), full (minutes) or all")->capture_default_str();
  app.add_option("--filter", a.filter, "Run only cases whose name matches this regular expression");
  app.add_option("--threads", a.threads, "OpenMP threads (results do not depend on it)")->capture_default_str();
  app.add_option("--seed", a.seed, "Use this seed for every statistical case instead of each case's own");
  app.add_option("--seeds", a.seeds,
                 "Rerun each statistical case over K consecutive seeds; report failure rates and p-value "
                 "uniformity; a case fails when P(Binomial(K, alpha) >= failures) < alpha")
      ->capture_default_str();
  app.add_option("--json", a.json, "Write the results as JSON to FILE");
  app.add_option("--report", a.report, "Write a Markdown report to DIR/report.md");
  auto* baselines = app.add_option("--baselines", a.baselines,
                                   "Directory of deterministic baselines (<area>.json); default: the program's own, if any");
  auto* no_baselines = app.add_flag("--no-baselines", a.no_baselines, "Run without comparing deterministic cases to baselines");
  no_baselines->excludes(baselines);
  app.add_flag("--list", a.list, "List the selected cases and exit");
  app.add_flag("--update-baselines", a.update_baselines,
               "Record the measured values of the deterministic cases run as their new baselines")
      ->excludes(no_baselines);
  app.add_flag("--progress", a.progress,
               "Show progress on stderr even when it is not a terminal (shown by default on a terminal unless CI is set)");
}

RunOptions run_options(const Arguments& a, const MainOptions& main_options) {
  RunOptions options;
  options.tiers = parse_tier_selection(a.tier, "--tier");
  options.filter = a.filter;
  options.threads = a.threads;
  options.seeds = a.seeds;
  if (a.seed_given) options.seed = parse_seed(a.seed, main_options.program);
  if (!a.no_baselines) {
    if (!a.baselines.empty()) {
      options.baselines = std::filesystem::path(a.baselines);
    } else if (main_options.default_baselines) {
      options.baselines = *main_options.default_baselines;
    }
  }
  options.update_baselines = a.update_baselines;
  options.communicator = main_options.communicator;
  if (options.update_baselines && !options.baselines) {
    throw_bad_argument(main_options.program, "--update-baselines", "given", "--baselines DIR (this program has no default)");
  }
  validate(options);
  return options;
}

/// Whether this process prints and writes: not a rank other than 0 of a distributed run.
bool speaks(const MainOptions& options) { return options.communicator == nullptr || options.communicator->rank() == 0; }

/// Silences std::cout while it lives (the ranks other than 0 of a distributed run).
class Silenced {
 public:
  explicit Silenced(bool silent) : saved_(silent ? std::cout.rdbuf(sink_.rdbuf()) : nullptr) {}
  ~Silenced() {
    if (saved_ != nullptr) std::cout.rdbuf(saved_);
  }
  Silenced(const Silenced&) = delete;
  Silenced& operator=(const Silenced&) = delete;

 private:
  std::ostringstream sink_;
  std::streambuf* saved_;
};

/// Everything after parsing: 0 all passed, 1 a case failed; throws kolmo::Error on bad input.
int run(const Arguments& a, const Registry& registry, const MainOptions& main_options, const std::string& command_line) {
  const Silenced quiet(!speaks(main_options));
  const RunOptions options = run_options(a, main_options);
  const auto cases = registry.select(options.tiers, options.filter);
  if (cases.empty()) {
    throw Error(main_options.program + ": no verification case matches --tier " + a.tier + " --filter '" + a.filter +
                "' (see " + main_options.program + " --list --tier all)");
  }
  if (a.list) {
    list_cases(registry, cases);
    return 0;
  }

  // A missing baselines directory fails before anything is printed (the runner loads it again).
  if (options.baselines && !options.update_baselines) (void)BaselineStore::load(*options.baselines);

  // Open the outputs before running, so a bad path fails in a second, not after the suite.
  std::ofstream json_out, report_out;
  std::string output_error;  // rank 0 alone opens them: every rank must learn if that failed
  try {
    if (!a.json.empty() && speaks(main_options)) json_out = open_output(a.json, "--json", main_options.program);
    if (!a.report.empty() && speaks(main_options)) {
      report_out = open_output(std::filesystem::path(a.report) / "report.md", "--report", main_options.program);
    }
  } catch (const std::exception& error) {
    output_error = error.what();
  }
  ensemble::agree(main_options.communicator, output_error);

  std::size_t width = 0;
  for (const auto* c : cases) width = std::max(width, c->info.name.size());
  TableWriter table(std::cout, width);
  const bool progress = progress_wanted(a.progress) && speaks(main_options);
  RunCallbacks callbacks;
  callbacks.on_result = [&](const CaseResult& r) {
    if (progress) clear_progress();
    table.row(r);
  };
  if (progress) callbacks.on_progress = show_progress;

  const ReportContext context{options, collect_provenance(command_line), error_budgets(registry, options.tiers)};
  for (const auto& budget : context.budgets) {
    std::cout << "tier " << to_string(budget.tier) << ": family-wise false-failure budget " << budget.family_rate
              << " over " << budget.statistical_cases << " statistical cases, alpha = " << budget.per_case
              << " each (Bonferroni)\n";
  }
  table.header();
  const auto summary = run_cases(registry, cases, options, callbacks);
  if (progress) clear_progress();
  table.footer(summary);
  const auto without_baseline = std::count_if(summary.results.begin(), summary.results.end(), [](const auto& r) {
    return r.info.kind == CaseKind::deterministic && r.message == "no baseline recorded";
  });
  if (options.baselines && !options.update_baselines && without_baseline > 0) {
    std::cout << "note: " << without_baseline << " deterministic case(s) have no baseline in "
              << options.baselines->string() << ": their values were not checked for drift\n";
  }

  if (json_out.is_open()) json_out << to_json(summary, context).dump(2) << '\n';
  if (report_out.is_open()) write_markdown(report_out, summary, context);
  if (options.update_baselines) std::cout << "baselines written to " << options.baselines->string() << '\n';
  return summary.all_passed() ? 0 : 1;
}

int report_error(const MainOptions& options, const std::string& message) {
  if (!speaks(options)) return usage_error;  // every rank fails alike; rank 0 says why
  // The error prefix is the program's first word ("kolmo" for "kolmo verify").
  std::cerr << options.program.substr(0, options.program.find(' ')) << ": error: " << message << '\n';
  return usage_error;
}

}  // namespace

int main(int argc, const char* const* argv, const Registry& registry, const MainOptions& options) {
  CLI::App app{options.description, options.program};
  Arguments arguments;
  add_options(app, arguments);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    return report_error(options, std::string(error.what()) + " (see " + options.program + " --help)");
  }
  arguments.seed_given = app.count("--seed") > 0;
  std::string command_line = options.program;
  for (int i = 1; i < argc; ++i) command_line += ' ' + shell_quoted(argv[i]);
  try {
    return run(arguments, registry, options, command_line);
  } catch (const std::exception& error) {
    return report_error(options, error.what());
  }
}

}  // namespace kolmo::verify
