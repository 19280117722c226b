// The `kolmo` command line. Exit codes: 0 success, 1 a verification case failed (verify) or a
// study hit a non-finite path (converge), 2 bad usage
// or bad input (one line on stderr, "kolmo: error: ...").
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "kolmo/core/error.hpp"
#include "kolmo/version.hpp"
#include "converge_command.hpp"
#include "verify_command.hpp"

namespace {

constexpr int usage_error = 2;

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

int report_error(const std::string& message) {
  std::cerr << "kolmo: error: " << message << '\n';
  return usage_error;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Kolmo: Fokker-Planck, SDE and score-based diffusion numerics with a verification suite", "kolmo"};
  app.set_version_flag("--version", std::string("kolmo ") + kolmo::version_string);
  app.require_subcommand(1);
  kolmo::cli::VerifyCommand verify(app);
  kolmo::cli::ConvergeCommand converge(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    return report_error(std::string(error.what()) + " (see kolmo --help and kolmo <command> --help)");
  }

  try {
    if (verify.selected()) {
      std::string command_line;
      for (int i = 0; i < argc; ++i) {
        if (i > 0) command_line += ' ';
        command_line += shell_quoted(argv[i]);
      }
      return verify.run(command_line);
    }
    if (converge.selected()) return converge.run();
  } catch (const kolmo::Error& error) {
    return report_error(error.what());
  } catch (const std::exception& error) {
    return report_error(error.what());
  }
  return usage_error;
}
