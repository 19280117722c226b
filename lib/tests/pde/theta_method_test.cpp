#include "kolmo/pde/theta_method.hpp"

#include <gtest/gtest.h>

#include <Eigen/LU>

#include <cmath>
#include <numbers>

#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "support/expect_error.hpp"
#include "support/gaussian_density.hpp"

namespace kolmo::pde {
namespace {

const process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);  // stationary N(0, 1/2)

const auto gaussian = test_support::gaussian_density;

TEST(ThetaMethod, CrankNicolsonFollowsTheOrnsteinUhlenbeckTransitionDensity) {
  const Grid grid({{-4, 4, 200}});
  const DensityField start = DensityField::at_cell_centers(grid, gaussian(1.0, 0.1));
  const auto solution = solve({FokkerPlanck(ou.sde(), grid), start, 1.0}, {.dt = 0.01});
  ASSERT_TRUE(solution.status.ok()) << solution.status.message;
  const double variance = 0.1 * std::exp(-2.0) + 0.5 * (1 - std::exp(-2.0));
  // Space error ~ h² = 1.6e-3 times O(1) derivatives: a wrong flux or sign is off by O(1).
  EXPECT_LT(solution.density.l1_distance(gaussian(std::exp(-1.0), variance)), 5e-3);
  EXPECT_NEAR(solution.density.mean()(0), std::exp(-1.0), 2e-3);
  EXPECT_EQ(solution.stats.steps, 100u);
  EXPECT_EQ(solution.stats.factorisations, 1u);  // time-independent: one LU for the whole run
  EXPECT_EQ(solution.stats.linear_solver, "tridiagonal");
  EXPECT_LT(solution.stats.largest_mass_correction, 1e-14);  // round-off only
}

TEST(ThetaMethod, NonDominantSystemsFallBackToThePivotingSparseLu) {
  // Central fluxes with cell Péclet number |f| h / D = 4 · 0.4 / 0.005 ≫ 2: I − c L is not
  // diagonally dominant, so the Thomas algorithm is not safe; the answer must still be right.
  const process::OrnsteinUhlenbeck fast(4.0, 0.0, 0.1);
  const Grid grid({{-1, 1, 5}});
  const FokkerPlanck central(fast.sde(), grid, FluxScheme::central);
  const DensityField start(grid, Eigen::VectorXd::Ones(5) / 2.0);
  const auto solution = solve({central, start, 1.0}, {.scheme = TimeScheme::implicit_euler, .dt = 0.5});
  EXPECT_EQ(solution.stats.linear_solver, "sparse_lu");
  const Eigen::MatrixXd m = Eigen::MatrixXd::Identity(5, 5) - 0.5 * Eigen::MatrixXd(central.generator(0.0));
  const Eigen::VectorXd expected = m.lu().solve(m.lu().solve(start.values()));
  EXPECT_LT((solution.density.values() - expected).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(ThetaMethod, ZeroFluxConservesMassAndAbsorbingReportsWhatLeft) {
  const DensityFunction start = gaussian(0.5, 0.05);
  const Grid closed({{-2, 2, 80}});
  const auto kept = solve({FokkerPlanck(ou.sde(), closed), DensityField::at_cell_centers(closed, start), 2.0},
                          {.dt = 0.01});
  EXPECT_NEAR(kept.density.mass(), 1.0, 1e-13);
  EXPECT_NEAR(kept.absorbed_mass, 0.0, 1e-13);

  const Grid open({{-1, 1, 80, Boundary::absorbing}});
  const auto lost = solve({FokkerPlanck(ou.sde(), open), DensityField::at_cell_centers(open, start), 2.0},
                          {.scheme = TimeScheme::implicit_euler, .dt = 0.01});
  EXPECT_GT(lost.absorbed_mass, 0.3);  // half the stationary mass lies beyond |x| = 0.48
  EXPECT_NEAR(lost.absorbed_mass + lost.density.mass(), 1.0, 1e-13);
  EXPECT_GE(lost.density.minimum(), 0.0);
}

TEST(ThetaMethod, RannacherStartUpRemovesCrankNicolsonRingingOnDeltaData) {
  const Grid grid({{-3, 3, 301}});
  Eigen::VectorXd delta = Eigen::VectorXd::Zero(301);
  delta(150) = 1.0 / grid.width(0);
  const DensityField start(grid, delta);
  const FokkerPlanck fp(ou.sde(), grid);
  // dt / h² = 25: Crank–Nicolson's amplification of the grid-scale mode is ≈ −1.
  const auto plain = solve({fp, start, 0.2}, {.dt = 0.01, .rannacher_steps = 0});
  const auto started = solve({fp, start, 0.2}, {.dt = 0.01, .rannacher_steps = 2});
  const auto implicit = solve({fp, start, 0.2}, {.scheme = TimeScheme::implicit_euler, .dt = 0.01});
  EXPECT_LT(plain.density.minimum(), -1e-3);
  EXPECT_GE(started.density.minimum(), -1e-14);
  EXPECT_GE(implicit.density.minimum(), -1e-14);
}

// dX = −(1 + t) X dt + dW: E X_t = m0 exp(−t − t²/2). Frozen at t = 0 the mean would decay as
// e^{−t} instead (0.37 against 0.22 at t = 1), so a stepper that ignored the SDE's declared
// time dependence fails.
process::Sde accelerating_ou() {
  return process::Sde::additive(
      "accelerating-ou", 1, 1,
      [](double t, const process::StateView& x) -> Eigen::ArrayXXd { return -(1.0 + t) * x; },
      [](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Ones(1, 1); });
}

TEST(ThetaMethod, TimeDependentCoefficientsAreReassembledEveryStep) {
  const Grid grid({{-4, 4, 400}});
  const DensityField start = DensityField::at_cell_centers(grid, gaussian(1.0, 0.1));
  const double exact = std::exp(-1.5);
  for (TimeScheme scheme : {TimeScheme::implicit_euler, TimeScheme::crank_nicolson}) {
    // The SDE declares nothing: time-dependent is the default, which the solver follows.
    const auto run = solve({FokkerPlanck(accelerating_ou(), grid), start, 1.0}, {.scheme = scheme, .dt = 0.005});
    ASSERT_TRUE(run.status.ok()) << to_string(scheme);
    // Errors: O(h²) ≈ 4e-4 in space; O(dt) ≈ 5e-3 · |dm/dt| for implicit Euler.
    EXPECT_NEAR(run.density.mean()(0), exact, scheme == TimeScheme::implicit_euler ? 5e-3 : 1e-3) << to_string(scheme);
    EXPECT_GE(run.stats.factorisations, 200u);
  }
  // Forgetting the time dependence used to be a silent default (time_dependent = false); now a
  // request that contradicts the SDE is refused, and only a wrong declaration freezes L at t0.
  KOLMO_EXPECT_THROW_NAMING((void)solve({FokkerPlanck(accelerating_ou(), grid), start, 1.0},
                                        {.dt = 0.005, .time_dependent = false}),
                            "time_dependent");
  const process::Sde misdeclared = accelerating_ou().with_time_dependence(process::TimeDependence::autonomous);
  const auto frozen = solve({FokkerPlanck(misdeclared, grid), start, 1.0}, {.dt = 0.005});
  EXPECT_GT(std::abs(frozen.density.mean()(0) - exact), 0.1);  // the check above can fail
}

TEST(ThetaMethod, SnapshotsLandOnTheirTimes) {
  const Grid grid({{-3, 3, 60}});
  const auto solution = solve({FokkerPlanck(ou.sde(), grid), DensityField::at_cell_centers(grid, gaussian(0, 0.2)), 1.0},
                              {.dt = 0.125}, {.snapshot_times = {0.5, 0.0, 1.0}});
  ASSERT_EQ(solution.snapshots.size(), 3u);
  EXPECT_EQ(solution.snapshots[0].time(), 0.5);
  EXPECT_EQ(solution.snapshots[1].time(), 0.0);
  EXPECT_EQ(solution.snapshots[2].values(), solution.density.values());
}

TEST(ThetaMethod, RejectsBadInput) {
  const Grid grid({{-3, 3, 60}});
  const FokkerPlanck fp(ou.sde(), grid);
  const DensityField start = DensityField::at_cell_centers(grid, gaussian(0, 0.2));
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 1.0}, {.dt = -0.1}), "method.dt");
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 1.0}, {.dt = 0.3}), "method.dt");
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 0.0}, {.dt = 0.1}), "t1");
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 1.0}, {.dt = 0.1}, {.snapshot_times = {1.5}}), "snapshot_times[0]");
  const Grid other({{-3, 3, 61}});
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, DensityField::at_cell_centers(other, gaussian(0, 0.2)), 1.0}, {.dt = 0.1}),
                            "initial.grid()");
  Eigen::VectorXd negative = Eigen::VectorXd::Ones(60);
  negative(7) = -1.0;
  KOLMO_EXPECT_THROW_NAMING(DensityField(grid, negative), "values");
  KOLMO_EXPECT_THROW_NAMING(DensityField(grid, Eigen::VectorXd::Zero(60)), "mass");
  KOLMO_EXPECT_THROW_NAMING((void)DensityField::at_cell_centers(grid, gaussian(0, 1e-4)), "grid");  // sd 0.01, cells 0.1 wide
}

}  // namespace
}  // namespace kolmo::pde
