// The CIR hazards found from outside: Milstein needs only g g' (finite at 0 where ∂g/∂x is not),
// a path that crosses 0 — on its last step too — is stopped and reported, and the
// positivity-preserving scheme never crosses.
#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/process/cox_ingersoll_ross.hpp"
#include "kolmo/sde/drift_implicit_square_root.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/exact_cox_ingersoll_ross.hpp"
#include "kolmo/sde/milstein.hpp"
#include "support/expect_error.hpp"

namespace kolmo::sde {
namespace {

constexpr std::uint64_t seed = 31;
// Below the Feller condition (2κθ = 0.6 < σ² = 1: 0 is attainable), yet δ = 4κθ/σ² = 1.2 ≥ 1,
// the regime where the drift-implicit square-root scheme is defined.
const process::CoxIngersollRoss cir(1.0, 0.3, 1.0);

SdeProblem problem(double x0, double t1) {
  return {cir.sde(), InitialLaw::point(Eigen::VectorXd::Constant(1, x0)), 0.0, t1, seed};
}

TEST(CoxIngersollRossSchemes, EulerThatCrossesZeroOnItsLastStepIsReported) {
  // One step of size 1 from x0 = 0.05: X_1 = 0.05 + 0.25 + √0.05 ΔW is negative for ΔW < −1.34,
  // about 9% of the paths. Before the state space was declared these negative terminal values
  // were returned as ordinary states (√x only fails one step later, and there was none).
  EnsembleOptions options{.paths = 2000};
  options.observe.moment_times = {1.0};
  const EnsembleSolution one_step = solve(problem(0.05, 1.0), EulerMaruyama{1.0}, options);
  EXPECT_EQ(one_step.status.code, StatusCode::left_state_space) << one_step.status.message;
  ASSERT_GT(one_step.failures.size(), 100u);
  for (const PathFailure& f : one_step.failures) {
    EXPECT_EQ(f.kind, PathFailureKind::left_state_space);
    EXPECT_LT(f.value, 0.0);
    EXPECT_EQ(f.time, 1.0);
    EXPECT_TRUE(std::isnan(one_step.terminal(static_cast<Eigen::Index>(f.path), 0)));
  }
  EXPECT_EQ(one_step.moments[0].left_out, one_step.failures.size());
  EXPECT_EQ(one_step.moments[0].moments.count() + one_step.failures.size(), 2000u);
  EXPECT_NE(one_step.status.message.find("left the SDE's state space"), std::string::npos) << one_step.status.message;
}

TEST(CoxIngersollRossSchemes, MilsteinUsesTheProductAndStopsPathsBelowZero) {
  // The SDE supplies g g' = σ²/2 only; Milstein used to require ∂g/∂x = σ/(2√x), infinite at 0.
  const EnsembleSolution milstein = solve(problem(0.05, 1.0), Milstein{1.0 / 64}, {.paths = 2000});
  // Below the Feller condition Milstein's own steps can still cross 0; whatever it does, a
  // crossing is a reported failure and every returned state is in [0, ∞).
  for (Eigen::Index p = 0; p < milstein.terminal.rows(); ++p) {
    EXPECT_TRUE(std::isnan(milstein.terminal(p, 0)) || milstein.terminal(p, 0) >= 0.0);
  }
  EXPECT_EQ(milstein.status.ok(), milstein.failures.empty());
}

TEST(CoxIngersollRossSchemes, DriftImplicitSquareRootNeverLeavesTheStateSpace) {
  for (double dt : {1.0, 1.0 / 8, 1.0 / 128}) {
    const EnsembleSolution implicit = solve(problem(0.05, 1.0), DriftImplicitSquareRoot{dt, cir}, {.paths = 20000});
    EXPECT_TRUE(implicit.status.ok()) << dt << ": " << implicit.status.message;
    EXPECT_TRUE((implicit.terminal >= 0.0).all()) << dt;
  }
}

TEST(CoxIngersollRossSchemes, ExactSchemeIsThreadInvariantAndPositive) {
  const EnsembleSolution one = solve(problem(0.05, 1.0), ExactCoxIngersollRoss{0.25, cir}, {.paths = 3000, .threads = 1});
  const EnsembleSolution two = solve(problem(0.05, 1.0), ExactCoxIngersollRoss{0.25, cir}, {.paths = 3000, .threads = 2});
  ASSERT_TRUE(one.status.ok()) << one.status.message;
  EXPECT_TRUE((one.terminal == two.terminal).all());
  EXPECT_TRUE((one.terminal >= 0.0).all());
}

TEST(CoxIngersollRossSchemes, RefuseAnotherProcessOrAnUnsupportedRegime) {
  const process::CoxIngersollRoss other(2.0, 0.3, 1.0);
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem(0.5, 1.0), DriftImplicitSquareRoot{0.1, other}, {.paths = 10}), "sde.name()");
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem(0.5, 1.0), ExactCoxIngersollRoss{0.1, other}, {.paths = 10}), "sde.name()");
  const process::CoxIngersollRoss rough(0.5, 0.3, 1.0);  // δ = 0.6 < 1
  const SdeProblem rough_problem(rough.sde(), InitialLaw::point(Eigen::VectorXd::Constant(1, 0.5)), 0.0, 1.0, seed);
  KOLMO_EXPECT_THROW_NAMING((void)solve(rough_problem, DriftImplicitSquareRoot{0.1, rough}, {.paths = 10}),
                            "cir: 4 kappa theta / sigma^2");
  const SdeProblem backwards(cir.sde(), InitialLaw::point(Eigen::VectorXd::Constant(1, 0.5)), 1.0, 0.0, seed);
  KOLMO_EXPECT_THROW_NAMING((void)solve(backwards, DriftImplicitSquareRoot{-0.1, cir}, {.paths = 10}), "h");
}

}  // namespace
}  // namespace kolmo::sde
