#include "kolmo/pde/stationary.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/process/double_well.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "support/expect_error.hpp"

namespace kolmo::pde {
namespace {

const process::DoubleWellLangevin well(1.0, 0.5);

ScalarField gibbs_log(const process::DoubleWellLangevin& w) {
  return [&w](const process::StateView& x) -> Eigen::ArrayXd {
    return x.col(0).unaryExpr([&w](double v) { return -w.potential(v) / w.temperature(); });
  };
}

TEST(StationaryDensity, EqualsTheSampledGibbsDensityToRoundOffWithADriftPotential) {
  const Grid grid({{-2.5, 2.5, 200}});
  FokkerPlanck fp(well.sde(), grid);
  fp.with_drift_potential(gibbs_log(well));
  const StationarySolution s = stationary_density(fp);
  ASSERT_TRUE(s.status.ok()) << s.status.message;
  const DensityField gibbs = DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
    return x.col(0).unaryExpr([](double v) { return well.gibbs_density(v); });
  });
  // Conditioning of the pinned system ~ 1/h² · e^{ΔU/D}: round-off amplified by ~1e4 at most.
  EXPECT_LT((s.density.values() - gibbs.values()).cwiseAbs().maxCoeff(), 1e-11 * gibbs.values().maxCoeff());
  EXPECT_LT(s.residual, 1e-12);
  EXPECT_NEAR(s.density.mass(), 1.0, 1e-14);
}

TEST(StationaryDensity, ConvergesAtSecondOrderWithoutThePotential) {
  // The plain face drift is exact only to O(h²): halving h quarters the error.
  std::vector<double> error;
  for (std::size_t cells : {50u, 100u}) {
    const Grid grid({{-2.5, 2.5, cells}});
    const StationarySolution s = stationary_density(FokkerPlanck(well.sde(), grid));
    const DensityField gibbs = DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
      return x.col(0).unaryExpr([](double v) { return well.gibbs_density(v); });
    });
    error.push_back((s.density.values() - gibbs.values()).cwiseAbs().sum() * grid.cell_measure());
  }
  EXPECT_NEAR(std::log2(error[0] / error[1]), 2.0, 0.15);
}

TEST(StationaryDensity, RefusesAbsorbingBoundaries) {
  const Grid open({{-2, 2, 40, Boundary::absorbing}});
  KOLMO_EXPECT_THROW_NAMING((void)stationary_density(FokkerPlanck(well.sde(), open)), "grid.axis(0).boundary");
}

}  // namespace
}  // namespace kolmo::pde
