#pragma once
// `kolmo verify`: runs the verification suite and reports it (see README, "Verification").

#include <string>

#include <CLI/CLI.hpp>

namespace kolmo::cli {

class VerifyCommand {
 public:
  /// Adds the `verify` subcommand and its options to `app`.
  explicit VerifyCommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }

  /// Runs after a successful parse: 0 all passed, 1 some case failed. Throws kolmo::Error on
  /// bad option values or unwritable outputs (main turns that into exit code 2).
  /// `command_line` is recorded in the reports' provenance.
  int run(const std::string& command_line) const;

 private:
  CLI::App* command_;
  std::string tier_ = "fast";
  std::string filter_;
  int threads_;
  std::string seed_;  // parsed by run(): CLI11 2.1 would wrap a negative value into a uint64
  int seeds_ = 1;
  std::string json_;
  std::string report_;
  std::string baselines_;
  bool no_baselines_ = false;
  bool list_ = false;
  bool update_baselines_ = false;
  bool progress_ = false;
};

}  // namespace kolmo::cli
