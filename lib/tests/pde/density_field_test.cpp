#include "kolmo/pde/density_field.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "support/expect_error.hpp"

namespace kolmo::pde {
namespace {

// An anisotropic Gaussian N((0.3, −0.2), diag(0.25, 0.09)) — separable, so its marginals are
// the 1-D Gaussians sampled on the kept axes.
Eigen::ArrayXd gaussian_1d(const Eigen::ArrayXd& x, double mean, double variance) {
  return (-(x - mean).square() / (2 * variance)).exp() / std::sqrt(2 * std::numbers::pi * variance);
}

DensityFunction plane_gaussian() {
  return [](const process::StateView& x) -> Eigen::ArrayXd {
    return gaussian_1d(x.col(0), 0.3, 0.25) * gaussian_1d(x.col(1), -0.2, 0.09);
  };
}

TEST(DensityField, RefusesValuesThatAreNotADensity) {
  const Grid grid({{0.0, 1.0, 4}});
  KOLMO_EXPECT_THROW_NAMING(DensityField(grid, Eigen::VectorXd::Ones(3)), "values.size()");
  KOLMO_EXPECT_THROW_NAMING(DensityField(grid, Eigen::Vector4d(1, -1e-3, 1, 1)), "values");
  KOLMO_EXPECT_THROW_NAMING(DensityField(grid, Eigen::Vector4d(1, std::numeric_limits<double>::quiet_NaN(), 1, 1)),
                            "values");
  KOLMO_EXPECT_THROW_NAMING(DensityField(grid, Eigen::Vector4d::Zero()), "mass");
  // A bump narrower than a cell is not resolved: sampling it would misstate mass and moments.
  KOLMO_EXPECT_THROW_NAMING((void)DensityField::at_cell_centers(Grid({{-1.0, 1.0, 20}}),
                                                 [](const process::StateView& x) -> Eigen::ArrayXd {
                                                   return gaussian_1d(x.col(0), 0.0, 1e-4);
                                                 }),
                            "grid");
}

TEST(DensityField, MarginalsOfASeparableDensityAreItsFactors) {
  const Grid grid({{-2.0, 2.5, 90}, {-1.5, 1.0, 50}});
  const DensityField p = DensityField::at_cell_centers(grid, plane_gaussian(), 0.7);
  for (std::size_t kept : {0u, 1u}) {
    const DensityField marginal = p.marginal({kept});
    EXPECT_EQ(marginal.grid().dimension(), 1u);
    EXPECT_EQ(marginal.grid().axis(0), grid.axis(kept));
    EXPECT_DOUBLE_EQ(marginal.time(), 0.7);
    EXPECT_NEAR(marginal.mass(), 1.0, 1e-14);
    // The sampled product is exactly separable, so the marginal is the normalised sampled factor.
    const double mean = kept == 0 ? 0.3 : -0.2, variance = kept == 0 ? 0.25 : 0.09;
    Eigen::ArrayXd factor = gaussian_1d(marginal.grid().centers().col(0), mean, variance);
    factor /= factor.sum() * marginal.grid().cell_measure();
    EXPECT_LT((marginal.values().array() - factor).abs().maxCoeff(), 1e-13);
    EXPECT_NEAR(marginal.mean()[0], p.mean()[static_cast<Eigen::Index>(kept)], 1e-13);
  }
  KOLMO_EXPECT_THROW_NAMING((void)p.marginal({}), "axes.size()");
  KOLMO_EXPECT_THROW_NAMING((void)p.marginal({0, 1}), "axes.size()");
  KOLMO_EXPECT_THROW_NAMING((void)p.marginal({2}), "axes[0]");
}

TEST(DensityField, MarginalOf3dKeepsTheOrderOfTheListedAxes) {
  const Grid grid({{0.0, 1.0, 3}, {0.0, 2.0, 4}, {0.0, 1.0, 5}});
  Eigen::VectorXd values(60);
  for (Eigen::Index i = 0; i < 60; ++i) values[i] = 1.0 + static_cast<double>(i % 7);
  const DensityField p(grid, values);
  const DensityField plane = p.marginal({0, 2});
  ASSERT_EQ(plane.grid().cells(), 15u);
  // Cell (i, k) of the marginal sums the four cells (i, j, k) times h_1 = 0.5.
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t k = 0; k < 5; ++k) {
      double sum = 0.0;
      for (std::size_t j = 0; j < 4; ++j) sum += values[static_cast<Eigen::Index>(i + 3 * (j + 4 * k))];
      EXPECT_DOUBLE_EQ(plane.values()[static_cast<Eigen::Index>(i + 3 * k)], 0.5 * sum);
    }
  }
  EXPECT_NEAR(plane.mass(), p.mass(), 1e-13);
  KOLMO_EXPECT_THROW_NAMING((void)p.marginal({2, 0}), "axes[1]");
}

TEST(DensityField, CdfIntegratesTheCellAveragesExactly) {
  const Grid grid({{-1.0, 3.0, 4}});
  const DensityField p(grid, Eigen::Vector4d(1.0, 0.0, 2.0, 1.0));  // mass 4
  Eigen::ArrayXd x(8);
  x << -5.0, -1.0, -0.5, 0.0, 1.0, 1.5, 3.0, 7.0;
  Eigen::ArrayXd expected(8);
  expected << 0.0, 0.0, 0.125, 0.25, 0.25, 0.5, 1.0, 1.0;
  EXPECT_LT((p.cdf(x) - expected).abs().maxCoeff(), 1e-15);
  KOLMO_EXPECT_THROW_NAMING((void)p.cdf(Eigen::ArrayXd::Constant(1, std::numeric_limits<double>::quiet_NaN())),
                            "x[0]");
  const DensityField plane = DensityField::at_cell_centers(Grid({{-2.0, 2.5, 30}, {-1.5, 1.0, 20}}), plane_gaussian());
  KOLMO_EXPECT_THROW_NAMING((void)plane.cdf(x), "grid.dimension()");
  KOLMO_EXPECT_THROW_NAMING(
      (void)DensityField::computed(grid, Eigen::Vector4d(1.0, -1.0, 2.0, 1.0), 0.0).cdf(x), "minimum()");
}

TEST(DensityField, CdfNeverDecreasesToTheLastBit) {
  // A tiny mass before cells of zero density: F is flat there, and must not wobble by an ulp.
  Eigen::VectorXd values = Eigen::VectorXd::Zero(50);
  values[0] = 3.8039654077548067e-31;
  values[40] = 1.0;
  const DensityField p(Grid({{-6.0, 6.0, 50}}), values);
  const Eigen::ArrayXd x = Eigen::ArrayXd::LinSpaced(200001, -6.0, 6.0);
  const Eigen::ArrayXd f = p.cdf(x);
  for (Eigen::Index i = 1; i < f.size(); ++i) ASSERT_GE(f[i], f[i - 1]) << "x = " << x[i];
}

}  // namespace
}  // namespace kolmo::pde
