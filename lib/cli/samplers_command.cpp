#include "samplers_command.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <thread>

#include "kolmo/core/validate.hpp"
#include "kolmo/verify/runner.hpp"

namespace kolmo::cli {
namespace {

constexpr const char* command_name = "kolmo samplers";

std::ofstream output(const std::string& path, const char* option) {
  std::ofstream out(path);
  require(out.good(), command_name, option, path, "a writable file");
  return out;
}

}  // namespace

SamplersCommand::SamplersCommand(CLI::App& app)
    : command_(app.add_subcommand("samplers", "Work-precision table of the samplers on exact targets (VP, VE, EDM)")) {
  options_.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  command_->add_option("--nfe", options_.nfe, "Function evaluations to measure at")->delimiter(',')->capture_default_str();
  command_->add_option("--schedules", options_.schedules, "Schedules: vp, ve, edm")->delimiter(',')->capture_default_str();
  command_->add_option("--paths", options_.paths, "Samples per entry for W2 / energy distance (a multiple of 10)")
      ->capture_default_str();
  command_->add_option("--map-paths", options_.map_paths, "Start points of the deterministic map error")->capture_default_str();
  command_->add_option("--seed", options_.seed, "Seed of every random draw")->capture_default_str();
  command_->add_option("--threads", options_.threads, "OpenMP threads (results do not depend on it)")->capture_default_str();
  command_->add_option("--json", json_, "Write the entries as JSON to FILE");
  command_->add_option("--markdown", markdown_, "Write the tables as Markdown to FILE");
}

int SamplersCommand::run() const {
  require(options_.threads >= 1 && options_.threads <= verify::max_threads, command_name, "--threads", options_.threads,
          "between 1 and " + std::to_string(verify::max_threads));
  const std::vector<verification::WorkPrecisionEntry> entries = verification::work_precision(options_);
  const std::string tables = verification::to_markdown(entries, options_);
  std::cout << tables;
  if (!json_.empty()) output(json_, "--json") << verification::to_json(entries, options_).dump(1) << '\n';
  if (!markdown_.empty()) output(markdown_, "--markdown") << tables;
  const bool all_ran = std::all_of(entries.begin(), entries.end(), [](const auto& e) { return e.status.ok(); });
  return all_ran ? 0 : 1;
}

}  // namespace kolmo::cli
