#include "kolmo/pde/fokker_planck.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

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
    const Eigen::SparseMatrix<double> l = FokkerPlanck(rotating_sde(), grid, flux).generator(0.0);
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
  const Eigen::MatrixXd l(FokkerPlanck(process::OrnsteinUhlenbeck(1.0, 0.3, 1.0).sde(), absorbing).generator(0.0));
  const Eigen::RowVectorXd column_sums = l.colwise().sum();
  EXPECT_LT(column_sums(0), 0.0);
  EXPECT_LT(column_sums(29), 0.0);
  EXPECT_LT(column_sums.segment(1, 28).cwiseAbs().maxCoeff(), 1e-12);
  const Grid periodic({{0, 1, 16, Boundary::periodic}});
  const Eigen::MatrixXd lp(FokkerPlanck(process::OrnsteinUhlenbeck(1.0, 0.3, 1.0).sde(), periodic).generator(0.0));
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
  const DensityField gibbs = DensityField::at_cell_centers(grid, [&](const process::StateView& x) -> Eigen::ArrayXd {
    return x.col(0).unaryExpr([&](double v) { return well.gibbs_density(v); });
  });
  FokkerPlanck with_potential(well.sde(), grid);
  with_potential.with_drift_potential(phi);
  const Eigen::VectorXd residual = with_potential.generator(0.0) * gibbs.values();
  const double scale = (Eigen::MatrixXd(with_potential.generator(0.0)).cwiseAbs() * gibbs.values()).maxCoeff();
  EXPECT_LT(residual.cwiseAbs().maxCoeff(), 64 * 1e-16 * scale);  // round-off of a 3-term sum
  // Without the potential the face drift is f at the face: stationary only to O(h²).
  const Eigen::VectorXd plain = FokkerPlanck(well.sde(), grid).generator(0.0) * gibbs.values();
  EXPECT_GT(plain.cwiseAbs().maxCoeff(), 1e3 * residual.cwiseAbs().maxCoeff());
}

// Correlated noise in 2-D: g = [[1, 0], [0.6, 0.8]] gives D = ½ [[1, 0.6], [0.6, 1]].
process::Sde correlated_ou() {
  return process::Sde::additive(
      "correlated OU", 2, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double) -> Eigen::MatrixXd { return (Eigen::MatrixXd(2, 2) << 1.0, 0.0, 0.6, 0.8).finished(); });
}

TEST(FokkerPlanck, MixedDerivativePartConservesMassAndCompletesTheOperator) {
  for (Boundary boundary : {Boundary::zero_flux, Boundary::periodic, Boundary::absorbing}) {
    const Grid plane({{-3, 3, 12}, {-2, 2.5, 9, boundary}});
    const FokkerPlanck fp(correlated_ou(), plane);
    ASSERT_TRUE(fp.has_mixed_derivatives(0.0));
    const Eigen::SparseMatrix<double> mixed = fp.mixed_operator(0.0);
    const Eigen::VectorXd sums = Eigen::RowVectorXd::Ones(mixed.rows()) * mixed;
    EXPECT_EQ(sums.cwiseAbs().maxCoeff(), 0.0) << to_string(boundary);
    Eigen::SparseMatrix<double> sum = mixed;
    for (const auto& part : fp.axis_operators(0.0)) sum += part;
    EXPECT_LT(Eigen::MatrixXd(sum - fp.generator(0.0)).cwiseAbs().maxCoeff(), 1e-12) << to_string(boundary);
  }
  // On an interior cell the stencil is the 9-point one: corners ±D_01/(2 h_0 h_1) from the two
  // faces (½ · ½ · 2 = ½ of 1/(h_0 h_1) each, times D_01 = 0.3), signs by quadrant.
  const Grid plane({{0, 10, 10}, {0, 10, 10}});
  const Eigen::MatrixXd mixed(FokkerPlanck(correlated_ou(), plane).mixed_operator(0.0));
  const Eigen::Index centre = 5 + 10 * 5;
  EXPECT_NEAR(mixed(centre, centre + 1 + 10), 0.3 / 2, 1e-15);
  EXPECT_NEAR(mixed(centre, centre - 1 - 10), 0.3 / 2, 1e-15);
  EXPECT_NEAR(mixed(centre, centre + 1 - 10), -0.3 / 2, 1e-15);
  EXPECT_NEAR(mixed(centre, centre + 1), 0.0, 1e-15);
  EXPECT_FALSE(FokkerPlanck(rotating_sde(), plane).has_mixed_derivatives(0.0));
}

TEST(FokkerPlanck, RejectsWhatItCannotDiscretise) {
  const Grid line({{-1, 1, 10}});
  KOLMO_EXPECT_THROW_NAMING(FokkerPlanck(rotating_sde(), line), "sde.dimension()");
  // Mixed derivatives are discretised in 2-D only.
  const process::Sde correlated = process::Sde::additive(
      "correlated", 3, 3, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double) -> Eigen::MatrixXd { return (Eigen::MatrixXd(3, 3) << 1.0, 0.5, 0, 0, 1.0, 0, 0, 0, 1).finished(); });
  const Grid cube({{-1, 1, 5}, {-1, 1, 5}, {-1, 1, 5}});
  KOLMO_EXPECT_THROW_NAMING((void)FokkerPlanck(correlated, cube).generator(0.0), "sde diffusion");
  const process::Sde degenerate = process::Sde::diagonal(
      "degenerate", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 0.0 * x; });
  KOLMO_EXPECT_THROW_NAMING((void)FokkerPlanck(degenerate, Grid({{-1, 1, 10}})).generator(0.0), "sde diffusion");
}

/// The message of the kolmo::Error that `assemble` throws (empty, and a test failure, if none).
template <class Assemble>
std::string error_of(Assemble assemble) {
  try {
    assemble();
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no kolmo::Error";
  return {};
}

TEST(FokkerPlanck, NamesANonFiniteCoefficientItsPlaceAndTime) {
  // A drift that is NaN in one place used to surface as "sparse LU factorisation failed
  // (singular matrix)" in the time stepper; the operator must name it where it is evaluated.
  const Grid line({{-1, 1, 8}});  // centres and faces exact binary fractions, as printed
  const process::Sde holed = process::Sde::diagonal(
      "holed", 1,
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return (x.abs() < 0.15).select(NAN, -x); },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Ones(x.rows(), 1); });
  const std::string drift = error_of([&] { (void)FokkerPlanck(holed, line).generator(0.25); });
  EXPECT_NE(drift.find("'sde drift' = f_0 = nan at x = (0) and t = 0.25"), std::string::npos) << drift;
  // √x below 0 (1-D): the NaN, not a misleading "off-diagonal entry 0 … expected a diagonal D
  // in 3-D" from comparisons with a NaN scale.
  const process::Sde square_root = process::Sde::diagonal(
      "sqrt", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x.sqrt(); });
  const std::string diffusion = error_of([&] { (void)FokkerPlanck(square_root, line).generator(1.5); });
  EXPECT_NE(diffusion.find("'sde diffusion' = g_0 = nan at x = (-0.875) and t = 1.5"), std::string::npos) << diffusion;
  EXPECT_EQ(diffusion.find("off-diagonal"), std::string::npos) << diffusion;
}

}  // namespace
}  // namespace kolmo::pde
