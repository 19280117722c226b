// The README's SDE example, compiled and run by ctest against the installed package
// (consumer.find_package_kolmo): a strong-convergence study of the Milstein scheme on geometric
// Brownian motion, every step size driven by the same Brownian paths and compared with the exact
// solution on each path; the fitted order comes with its 95% confidence interval, and the last
// local order with its drift bound and jackknife margins (what the verification cases test).
#include <iostream>

#include <kolmo/process/geometric_brownian_motion.hpp>
#include <kolmo/sde/convergence.hpp>
#include <kolmo/sde/milstein.hpp>
#include <kolmo/verify/study_report.hpp>

int main() {
  using namespace kolmo;
  const process::GeometricBrownianMotion gbm(/*lambda=*/2.0, /*mu=*/1.0);
  const sde::SdeProblem problem(gbm.sde(), ensemble::InitialLaw::point(Eigen::VectorXd::Ones(1)),
                                /*t0=*/0.0, /*t1=*/1.0, /*seed=*/42);

  sde::ConvergenceOptions options;
  options.dts = {1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128};
  options.paths = 10'000;
  options.threads = 2;
  options.exact = [&gbm](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
    return gbm.solution(t0, t1, x0, w);
  };

  const sde::ConvergenceStudy study = sde::study_convergence(problem, sde::Milstein{}, options);
  verify::write_table(study, std::cout);
  const auto [lower, upper] = study.strong_local->interval(0.95);
  return study.strong_local->status.ok() && lower <= 1.0 && 1.0 <= upper ? 0 : 1;
}
