#pragma once
// Test fixture: a small strong/weak convergence study of geometric Brownian motion (λ = 2,
// μ = 1, X0 = 1, T = 1) with its exact solution on the path, at step sizes that are not halvings
// (Brownian grid lcm = 24) — shared by the study's tests and its reports' tests.

#include "kolmo/process/geometric_brownian_motion.hpp"
#include "kolmo/sde/convergence.hpp"

namespace kolmo::test_support {

inline const process::GeometricBrownianMotion gbm(2.0, 1.0);

inline sde::SdeProblem gbm_problem() {
  return {gbm.sde(), sde::InitialLaw::point(Eigen::VectorXd::Ones(1)), 0.0, 1.0, 11};
}

inline sde::ConvergenceOptions gbm_options() {
  sde::ConvergenceOptions options;
  options.dts = {1.0 / 4, 1.0 / 6, 1.0 / 12, 1.0 / 24};
  options.paths = 4000;
  options.threads = 2;
  options.exact = [](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
    return gbm.solution(t0, t1, x0, w);
  };
  options.functionals = {{"x", [](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd { return x.col(0); }}};
  return options;
}

}  // namespace kolmo::test_support
