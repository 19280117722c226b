#include "kolmo/pde/method_of_lines.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <unsupported/Eigen/MatrixFunctions>

#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "support/expect_error.hpp"
#include "support/gaussian_density.hpp"

namespace kolmo::pde {
namespace {

const auto gaussian = test_support::gaussian_density;

const Grid grid({{-4, 4, 120}});

TEST(MethodOfLines, MatchesTheMatrixExponentialOfTheSemiDiscreteSystem) {
  const FokkerPlanck fp(process::OrnsteinUhlenbeck(1.0, 0.0, 1.0).sde(), grid);
  const DensityField start = DensityField::at_cell_centers(grid, gaussian(1.0, 0.1));
  const auto run = solve({fp, start, 1.0}, MethodOfLines{}, {.snapshot_times = {0.25, 0.5}});
  ASSERT_TRUE(run.status.ok()) << run.status.message;
  const Eigen::MatrixXd l(fp.generator(0.0));
  for (const auto& [field, t] : {std::pair{run.snapshots[0], 0.25}, {run.snapshots[1], 0.5}, {run.density, 1.0}}) {
    const Eigen::VectorXd exact = (t * l).exp() * start.values();
    EXPECT_DOUBLE_EQ(field.time(), t);
    // Tolerances 1e-10 per step; the global error stays ~1e-9 of the peak (Rosenbrock is L-stable).
    EXPECT_LT((field.values() - exact).cwiseAbs().maxCoeff(), 1e-8 * exact.maxCoeff()) << "t = " << t;
  }
  EXPECT_GT(run.stats.steps, 5u);
  EXPECT_EQ(run.stats.linear_solver, "rosenbrock4_dense");
}

TEST(MethodOfLines, TimeDependentReferenceAgreesWithCrankNicolsonToSecondOrder) {
  // dX = −(1 + t) X dt + dW: the reference re-assembles L(t); Crank–Nicolson's error against it
  // falls by ≈ 4 when dt halves (3 to 5 allows the next-order term and the Rannacher start;
  // a reference that froze L at t0, or a first-order step, gives ≈ 1 or 2).
  const process::Sde accelerating = process::Sde::additive(
      "accelerating OU", 1, 1, [](double t, const process::StateView& x) -> Eigen::ArrayXXd { return -(1 + t) * x; },
      [](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Ones(1, 1); });
  const Grid coarse({{-4, 4, 60}});
  const FokkerPlanck fp(accelerating, coarse);
  const DensityField start = DensityField::at_cell_centers(coarse, gaussian(1.0, 0.1));
  const auto reference = solve({fp, start, 1.0}, MethodOfLines{.time_dependent = true});
  ASSERT_TRUE(reference.status.ok()) << reference.status.message;
  std::vector<double> error;
  for (double dt : {0.02, 0.01}) {
    const auto cn = solve({fp, start, 1.0}, ThetaMethod{.dt = dt, .time_dependent = true});
    error.push_back((cn.density.values() - reference.density.values()).cwiseAbs().sum() * coarse.cell_measure());
  }
  EXPECT_GT(error[0] / error[1], 3.0);
  EXPECT_LT(error[0] / error[1], 5.0);
}

TEST(MethodOfLines, RejectsBadInput) {
  const FokkerPlanck fp(process::OrnsteinUhlenbeck(1.0, 0.0, 1.0).sde(), grid);
  const DensityField start = DensityField::at_cell_centers(grid, gaussian(1.0, 0.1));
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 1.0},
                                        MethodOfLines{.absolute_tolerance = 0.0}), "method.absolute_tolerance");
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 1.0},
                                        MethodOfLines{}, {.snapshot_times = {1.5}}), "snapshot_times[0]");
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, -1.0}, MethodOfLines{}), "t1");
  const Grid large({{-4, 4, 5000}});
  KOLMO_EXPECT_THROW_NAMING(
      (void)solve({FokkerPlanck(process::OrnsteinUhlenbeck(1.0, 0.0, 1.0).sde(), large),
                   DensityField::at_cell_centers(large, gaussian(1.0, 0.1)), 1.0},
                  MethodOfLines{}),
      "grid.cells()");
}

}  // namespace
}  // namespace kolmo::pde
