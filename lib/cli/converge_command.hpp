#pragma once
// `kolmo converge`: a convergence study of one scheme on one catalogue problem, printed as a
// table (and optionally written as JSON/CSV). See README, "Monte Carlo SDEs".

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "kolmo/ensemble/distributed.hpp"

namespace kolmo::cli {

class ConvergeCommand {
 public:
  /// Adds the `converge` subcommand and its options to `app`.
  explicit ConvergeCommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }

  /// Runs after a successful parse: 0 when the study ran (fits may still refuse, as printed),
  /// 1 when a path became non-finite. Throws kolmo::Error on bad option values. With a
  /// communicator (`mpirun kolmo converge`) the paths are split over the ranks, the study is the
  /// one-process study bit for bit, and rank 0 alone prints and writes.
  int run(const ensemble::Communicator* communicator = nullptr) const;

 private:
  CLI::App* command_;
  std::string problem_ = "gbm";
  std::string scheme_ = "euler-maruyama";
  std::vector<double> dts_ = {1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128, 1.0 / 256};
  double reference_dt_ = 0.0;
  unsigned long long paths_ = 10000;
  int threads_;
  unsigned long long seed_ = 1;
  std::string json_;
  std::string csv_;
};

}  // namespace kolmo::cli
