// The `kolmo` command line. Exit codes: 0 success, 1 a verification case failed (verify) or a
// study hit a non-finite path (converge, samplers), 2 bad usage
// or bad input (one line on stderr, "kolmo: error: ...").
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cases/cases.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/verify/main.hpp"
#include "kolmo/version.hpp"
#include "converge_command.hpp"
#include "ranks.hpp"
#include "samplers_command.hpp"

namespace {

constexpr int usage_error = 2;

/// The baselines that belong to this executable: KOLMO_BASELINES_FROM_BINARY resolved against the
/// executable's directory — share/kolmo/baselines of the installed package, or the build tree's
/// link to verification/baselines. Not a path on the machine that built it.
std::filesystem::path default_baselines() {
  std::error_code ec;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw kolmo::Error("kolmo verify: cannot locate the kolmo executable to find its baselines; pass --baselines DIR");
  return (executable.parent_path() / KOLMO_BASELINES_FROM_BINARY).lexically_normal();
}

/// `kolmo verify ...`: the library's verification command line over Kolmo's own cases, split
/// over the ranks when started by mpirun.
int run_verify(int argc, char** argv, const kolmo::ensemble::Communicator* communicator) {
  kolmo::verify::Registry registry;
  kolmo::verification::register_all_cases(registry);
  return kolmo::verify::main(argc, argv, registry,
                             {.program = "kolmo verify",
                              .description = "Run the verification suite: every cross-check of the theory",
                              .default_baselines = default_baselines(),
                              .communicator = communicator});
}

int report_error(const std::string& message) {
  std::cerr << "kolmo: error: " << message << '\n';
  return usage_error;
}

}  // namespace

int main(int argc, char** argv) {
  const kolmo::cli::Ranks ranks(argc, argv);
  CLI::App app{"Kolmo: Fokker-Planck, SDE and score-based diffusion numerics with a verification suite", "kolmo"};
  app.set_version_flag("--version", std::string("kolmo ") + kolmo::version_string);
  app.require_subcommand(1);
  // `verify` hands everything after it to kolmo::verify::main (the command line downstream
  // verification suites get too); it is listed here for --help.
  app.add_subcommand("verify", "Run the verification suite: every cross-check of the theory (kolmo verify --help)")
      ->prefix_command();
  kolmo::cli::ConvergeCommand converge(app);
  kolmo::cli::SamplersCommand samplers(app);
  if (argc >= 2 && std::string(argv[1]) == "verify") {
    try {
      return run_verify(argc - 1, argv + 1, ranks.communicator());
    } catch (const std::exception& error) {
      return report_error(error.what());
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    return report_error(std::string(error.what()) + " (see kolmo --help and kolmo <command> --help)");
  }

  try {
    if (converge.selected()) return converge.run(ranks.communicator());
    if (samplers.selected()) return samplers.run();
  } catch (const kolmo::Error& error) {
    return report_error(error.what());
  } catch (const std::exception& error) {
    return report_error(error.what());
  }
  return usage_error;
}
