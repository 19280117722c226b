#include "cases/sde_studies.hpp"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "kolmo/process/cox_ingersoll_ross.hpp"
#include "kolmo/process/geometric_brownian_motion.hpp"

namespace kolmo::verification {
namespace {

ensemble::InitialLaw start_at(double x0) { return ensemble::InitialLaw::point(Eigen::VectorXd::Constant(1, x0)); }

sde::WeakFunctional power(int k) {
  return {k == 1 ? "x" : "x^" + std::to_string(k),
          [k](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd { return x.col(0).pow(k); }};
}

std::vector<double> halvings(int first_exponent, int count) {
  std::vector<double> dts;
  for (int k = 0; k < count; ++k) dts.push_back(std::ldexp(1.0, -(first_exponent + k)));
  return dts;
}

/// GBM(λ, μ) from X0 = 1 over [0, 1] with its exact solution on the path.
StudySetup gbm_study(double lambda, double mu, std::vector<double> dts, std::uint64_t paths, int moment,
                     std::uint64_t seed, int threads) {
  const process::GeometricBrownianMotion gbm(lambda, mu);
  sde::ConvergenceOptions options;
  options.dts = std::move(dts);
  options.paths = paths;
  options.threads = threads;
  options.functionals = {power(moment)};
  options.exact = [gbm](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
    return gbm.solution(t0, t1, x0, w);
  };
  return {sde::SdeProblem(gbm.sde(), start_at(1.0), 0.0, 1.0, seed), options};
}

}  // namespace

StudySetup higham_gbm_study(std::uint64_t seed, int threads) {
  return gbm_study(2.0, 1.0, halvings(4, 5), 160000, 1, seed, threads);
}

StudySetup stratonovich_gbm_study(std::uint64_t seed, int threads) {
  const process::GeometricBrownianMotion gbm(2.0, 1.0);
  StudySetup setup = higham_gbm_study(seed, threads);
  setup.options.exact = [gbm](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
    return gbm.stratonovich_solution(t0, t1, x0, w);
  };
  return {sde::SdeProblem(gbm.stratonovich_sde(), start_at(1.0), 0.0, 1.0, seed), setup.options};
}

StudySetup sine_drift_additive_study(std::uint64_t seed, int threads) {
  const process::Sde sine = process::Sde::additive(
      "sine-drift-time-dependent-noise", 1, 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x.sin(); },
      [](double t) -> Eigen::MatrixXd { return Eigen::MatrixXd::Constant(1, 1, 2.0 / std::sqrt(1.0 + t)); });
  sde::ConvergenceOptions options;
  options.dts = halvings(2, 5);
  options.reference_dt = std::ldexp(1.0, -10);
  options.paths = 80000;
  options.threads = threads;
  return {sde::SdeProblem(sine, start_at(0.5), 0.0, 1.0, seed), options};
}

StudySetup weak_gbm_study(std::uint64_t seed, int threads) {
  return gbm_study(1.0, 0.5, halvings(3, 4), 800000, 2, seed, threads);
}

StudySetup cir_feller_study(std::uint64_t seed, int threads) {
  const process::CoxIngersollRoss cir(2.0, 1.0, 0.5);
  sde::ConvergenceOptions options;
  options.dts = halvings(3, 5);
  options.reference_dt = std::ldexp(1.0, -11);
  options.paths = 80000;
  options.threads = threads;
  options.functionals = {{"x", [](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd { return x.col(0); }}};
  return {sde::SdeProblem(cir.sde(), start_at(1.0), 0.0, 1.0, seed), options};
}

}  // namespace kolmo::verification
