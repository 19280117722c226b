#include "kolmo/pde/fokker_planck.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/pde/density_field.hpp"
#include "kolmo/process/double_well.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "support/expect_error.hpp"

namespace kolmo::pde {
namespace {

// A 2-D SDE with state-dependent diagonal noise and a rotation in the drift.
process::Sde rotating_sde() {
  return process::Sde::diagonal(
      "rotating", 2,
      [](double, const process::StateView& x) -> Eigen::ArrayXXd {
        Eigen::ArrayXXd f(x.rows(), 2);
        f.col(0) = -x.col(0) - 2.0 * x.col(1);
        f.col(1) = 2.0 * x.col(0) - x.col(1);
        return f;
      },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 0.5 + 0.1 * x.square(); });
}

TEST(BernoulliFunction, MatchesItsDefinitionAndLimits) {
  EXPECT_EQ(bernoulli_function(0.0), 1.0);
  for (double z : {-30.0, -2.0, -1e-3, 1e-5, 0.5, 3.0, 40.0}) {
    EXPECT_NEAR(bernoulli_function(z), z / std::expm1(z), 1e-15 * std::max(1.0, std::abs(z))) << z;
  }
  EXPECT_NEAR(bernoulli_function(1e-5), 1.0 - 0.5e-5 + 1e-10 / 12, 1e-15);
  EXPECT_EQ(bernoulli_function(800.0), 0.0);     // e^800 overflows: the limit, not NaN
  EXPECT_EQ(bernoulli_function(-800.0), 800.0);  // B(z) → −z
}

TEST(FokkerPlanck, ZeroFluxColumnsSumToZeroAndExponentialFittingIsAnMMatrix) {
  const Grid grid({{-3, 3, 24}, {-3, 3, 20}});
  for (FluxScheme flux : {FluxScheme::exponential_fitting, FluxScheme::central}) {
    const Eigen::SparseMatrix<double> l = FokkerPlanck(rotating_sde(), grid, flux)(0.0);
    const Eigen::MatrixXd dense(l);
    EXPECT_LT(dense.colwise().sum().cwiseAbs().maxCoeff(), 1e-12 * dense.cwiseAbs().maxCoeff()) << to_string(flux);
    if (flux == FluxScheme::exponential_fitting) {
      Eigen::MatrixXd off = dense;
      off.diagonal().setZero();
      EXPECT_GE(off.minCoeff(), 0.0);
    }
  }
}

TEST(FokkerPlanck, AbsorbingBoundariesOnlyLoseMassAndPeriodicOnesConserveIt) {
  const Grid absorbing({{-2, 2, 30, Boundary::absorbing}});
  const Eigen::MatrixXd l(FokkerPlanck(process::OrnsteinUhlenbeck(1.0, 0.3, 1.0).sde(), absorbing)(0.0));
  const Eigen::RowVectorXd column_sums = l.colwise().sum();
  EXPECT_LT(column_sums(0), 0.0);
  EXPECT_LT(column_sums(29), 0.0);
  EXPECT_LT(column_sums.segment(1, 28).cwiseAbs().maxCoeff(), 1e-12);
  const Grid periodic({{0, 1, 16, Boundary::periodic}});
  const Eigen::MatrixXd lp(FokkerPlanck(process::OrnsteinUhlenbeck(1.0, 0.3, 1.0).sde(), periodic)(0.0));
  EXPECT_LT(lp.colwise().sum().cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_GT(lp(0, 15), 0.0);  // the wrap-around face couples the ends
  EXPECT_GT(lp(15, 0), 0.0);
}

TEST(FokkerPlanck, DriftPotentialMakesTheSampledGibbsDensityExactlyStationary) {
  const process::DoubleWellLangevin well(1.0, 0.5);
  const Grid grid({{-2.5, 2.5, 101}});
  const ScalarField phi = [&](const process::StateView& x) -> Eigen::ArrayXd {
    return x.col(0).unaryExpr([&](double v) { return -well.potential(v) / well.temperature(); });
  };
  const DensityField gibbs = DensityField::sample(grid, [&](const process::StateView& x) -> Eigen::ArrayXd {
    return x.col(0).unaryExpr([&](double v) { return well.gibbs_density(v); });
  });
  FokkerPlanck with_potential(well.sde(), grid);
  with_potential.with_drift_potential(phi);
  const Eigen::VectorXd residual = with_potential(0.0) * gibbs.values();
  const double scale = (Eigen::MatrixXd(with_potential(0.0)).cwiseAbs() * gibbs.values()).maxCoeff();
  EXPECT_LT(residual.cwiseAbs().maxCoeff(), 64 * 1e-16 * scale);  // round-off of a 3-term sum
  // Without the potential the face drift is f at the face: stationary only to O(h²).
  const Eigen::VectorXd plain = FokkerPlanck(well.sde(), grid)(0.0) * gibbs.values();
  EXPECT_GT(plain.cwiseAbs().maxCoeff(), 1e3 * residual.cwiseAbs().maxCoeff());
}

TEST(FokkerPlanck, RejectsWhatItCannotDiscretise) {
  const Grid line({{-1, 1, 10}});
  KOLMO_EXPECT_THROW_NAMING(FokkerPlanck(rotating_sde(), line), "sde.dimension()");
  const process::Sde correlated = process::Sde::additive(
      "correlated", 2, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double) -> Eigen::MatrixXd { return (Eigen::MatrixXd(2, 2) << 1.0, 0.5, 0.0, 1.0).finished(); });
  const Grid plane({{-1, 1, 10}, {-1, 1, 10}});
  KOLMO_EXPECT_THROW_NAMING((void)FokkerPlanck(correlated, plane)(0.0), "sde diffusion");
  const process::Sde degenerate = process::Sde::diagonal(
      "degenerate", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 0.0 * x; });
  KOLMO_EXPECT_THROW_NAMING((void)FokkerPlanck(degenerate, Grid({{-1, 1, 10}}))(0.0), "sde diffusion");
}

}  // namespace
}  // namespace kolmo::pde
