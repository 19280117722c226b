#pragma once
// `kolmo samplers`: the samplers' work–precision table on exact targets under VP, VE and EDM
// schedules (verification/studies/work_precision.hpp), printed as Markdown and optionally
// written as JSON and Markdown files. See README, "Samplers".

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "studies/work_precision.hpp"

namespace kolmo::cli {

class SamplersCommand {
 public:
  /// Adds the `samplers` subcommand and its options to `app`.
  explicit SamplersCommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }

  /// Runs after a successful parse: 0 when every entry ran, 1 when one failed numerically.
  /// Throws kolmo::Error on bad option values.
  int run() const;

 private:
  CLI::App* command_;
  verification::WorkPrecisionOptions options_;
  std::string json_;
  std::string markdown_;
};

}  // namespace kolmo::cli
