#include "converge_command.hpp"

#include "kolmo/verify/runner.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <thread>

#include "kolmo/core/validate.hpp"
#include "kolmo/process/double_well.hpp"
#include "kolmo/process/geometric_brownian_motion.hpp"
#include "kolmo/process/kloeden_platen.hpp"
#include "kolmo/sde/convergence.hpp"
#include "kolmo/verify/study_report.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/milstein.hpp"
#include "kolmo/sde/platen_weak2.hpp"
#include "kolmo/sde/rossler_sra1.hpp"
#include "kolmo/sde/stochastic_heun.hpp"

namespace kolmo::cli {
namespace {

constexpr const char* command_name = "kolmo converge";

/// A catalogue problem as the command runs it: the SDE, its start and, when known, the
/// exact solution on a path. All run over [0, 1].
struct CatalogueProblem {
  process::Sde sde;
  double x0;
  sde::PathSolution exact;
};

template <class Model>
sde::PathSolution path_solution(Model model) {
  return [model](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
    return model.solution(t0, t1, x0, w);
  };
}

const std::vector<std::string> problem_names = {"gbm", "gbm-stratonovich", "kp-arctan", "kp-sinh", "kp-additive",
                                                "double-well"};
const std::vector<std::string> scheme_names = {"euler-maruyama", "milstein", "rossler-sra1", "platen-weak2",
                                               "stochastic-heun"};

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

CatalogueProblem make_problem(const std::string& name) {
  const process::GeometricBrownianMotion gbm(2.0, 1.0);  // Higham 2001
  if (name == "gbm") return {gbm.sde(), 1.0, path_solution(gbm)};
  if (name == "gbm-stratonovich") {
    return {gbm.stratonovich_sde(), 1.0,
            [gbm](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
              return gbm.stratonovich_solution(t0, t1, x0, w);
            }};
  }
  if (name == "kp-arctan") return {process::ArctanSde(1.0).sde(), 0.5, path_solution(process::ArctanSde(1.0))};
  if (name == "kp-sinh") return {process::SinhSde(1.0).sde(), 0.0, path_solution(process::SinhSde(1.0))};
  if (name == "kp-additive") {
    return {process::AdditiveTestSde(1.0, 1.0).sde(), 1.0, path_solution(process::AdditiveTestSde(1.0, 1.0))};
  }
  if (name == "double-well") return {process::DoubleWellLangevin(1.0, 0.5).sde(), -1.0, nullptr};
  throw_bad_argument(command_name, "--problem", name, "one of " + joined(problem_names));
}

template <sde::Scheme S>
sde::ConvergenceStudy run_study(const sde::SdeProblem& problem, const S& scheme, const sde::ConvergenceOptions& options) {
  return sde::study_convergence(problem, scheme, options);
}

sde::ConvergenceStudy dispatch(const std::string& scheme, const sde::SdeProblem& problem,
                               const sde::ConvergenceOptions& options) {
  if (scheme == "euler-maruyama") return run_study(problem, sde::EulerMaruyama{}, options);
  if (scheme == "milstein") return run_study(problem, sde::Milstein{}, options);
  if (scheme == "rossler-sra1") return run_study(problem, sde::RosslerSra1{}, options);
  if (scheme == "platen-weak2") return run_study(problem, sde::PlatenWeak2{}, options);
  if (scheme == "stochastic-heun") return run_study(problem, sde::StochasticHeun{}, options);
  throw_bad_argument(command_name, "--scheme", scheme, "one of " + joined(scheme_names));
}

std::ofstream open_output(const std::string& file, const std::string& option) {
  std::ofstream out(file);
  if (!out) throw_bad_argument(command_name, option, file, "a writable path");
  return out;
}

}  // namespace

ConvergeCommand::ConvergeCommand(CLI::App& app)
    : command_(app.add_subcommand("converge", "Convergence study of an SDE scheme on a catalogue problem")),
      threads_(static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {
  command_->add_option("--problem", problem_, "Catalogue problem: " + joined(problem_names))->capture_default_str();
  command_->add_option("--scheme", scheme_, "Scheme: " + joined(scheme_names))->capture_default_str();
  command_->add_option("--dt", dts_, "Step sizes (any list; each must divide [0, 1])")->delimiter(',');
  command_->add_option("--reference-dt", reference_dt_,
                       "Reference step for problems without an exact solution (default: smallest dt / 16)");
  command_->add_option("--paths", paths_, "Monte Carlo paths")->capture_default_str();
  command_->add_option("--threads", threads_, "OpenMP threads (results do not depend on it)")->capture_default_str();
  command_->add_option("--seed", seed_, "Seed of every random draw")->capture_default_str();
  command_->add_option("--json", json_, "Write the study as JSON to FILE");
  command_->add_option("--csv", csv_, "Write one CSV row per step size to FILE");
}

int ConvergeCommand::run(const ensemble::Communicator* communicator) const {
  require(threads_ >= 1 && threads_ <= verify::max_threads, command_name, "--threads", threads_,
          "between 1 and " + std::to_string(verify::max_threads));
  const CatalogueProblem catalogue = make_problem(problem_);
  const sde::SdeProblem problem(catalogue.sde, ensemble::InitialLaw::point(Eigen::VectorXd::Constant(1, catalogue.x0)),
                                0.0, 1.0, seed_);
  sde::ConvergenceOptions options;
  options.dts = dts_;
  options.paths = paths_;
  // Jackknife groups for the orders' standard errors: 100, or every path when there are fewer.
  options.groups = static_cast<std::size_t>(std::min<std::uint64_t>(100, std::max<std::uint64_t>(paths_, 2)));
  options.threads = threads_;
  options.exact = catalogue.exact;
  if (!options.exact) {
    options.reference_dt = reference_dt_ != 0.0 ? reference_dt_ : *std::min_element(dts_.begin(), dts_.end()) / 16;
  }
  options.functionals = {{"x", [](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd { return x.col(0); }},
                         {"x^2", [](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd { return x.col(0).square(); }}};

  options.communicator = communicator;

  const sde::ConvergenceStudy study = dispatch(scheme_, problem, options);
  if (communicator != nullptr && communicator->rank() != 0) return study.status.ok() ? 0 : 1;
  verify::write_table(study, std::cout);
  if (!json_.empty()) open_output(json_, "--json") << verify::to_json(study).dump(2) << '\n';
  if (!csv_.empty()) {
    std::ofstream csv = open_output(csv_, "--csv");
    verify::write_csv(study, csv);
  }
  return study.status.ok() ? 0 : 1;
}

}  // namespace kolmo::cli
