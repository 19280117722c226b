#include "kolmo/compare/compare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolmo/compare/histogram_density.hpp"
#include "support/expect_error.hpp"

namespace kolmo::compare {
namespace {

constexpr std::uint64_t seed = 4242;
const distribution::Law normal = distribution::Law::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));
const pde::Grid line({{-6.0, 6.0, 240}});

// Every test below uses fixed seeds, and its threshold is a p-value level (1e-6 for "the truth
// passes", 1e-6 the other way for "a shifted law fails"): a correct comparison passes with
// probability 1 − 1e-6 over seeds, and the shifts are 10 standard errors or more.

TEST(CompareSamples, KsAgainstAFieldAndALawAcceptsTheTruthAndRejectsAShift) {
  const Eigen::ArrayXXd x = normal.sample(seed, 0, 20000);
  const Comparison with_field = compare(x, normal.on(line));
  EXPECT_EQ(with_field.test, "kolmogorov-smirnov");
  EXPECT_EQ(with_field.samples, 20000u);
  EXPECT_GT(with_field.p_value, 1e-6);
  const Comparison with_law = compare(x, normal);
  EXPECT_GT(with_law.p_value, 1e-6);
  // 0.07 standard deviations is 10 standard errors of the mean at n = 20000: D ≈ 0.028.
  const Comparison shifted = compare((x + 0.07).eval(), normal);
  EXPECT_LT(shifted.p_value, 1e-6) << shifted.statistic;
}

TEST(CompareSamples, FailedPathsAreLeftOutAndCounted) {
  Eigen::ArrayXXd x = normal.sample(seed, 0, 5000);
  x(3, 0) = std::numeric_limits<double>::quiet_NaN();
  x(77, 0) = std::numeric_limits<double>::infinity();
  const Comparison c = compare(x, normal);
  EXPECT_TRUE(c.status.ok());
  EXPECT_EQ(c.left_out, 2u);
  EXPECT_EQ(c.samples, 4998u);
  EXPECT_TRUE(std::isfinite(c.p_value));
  const Comparison none = compare(Eigen::ArrayXXd::Constant(3, 1, std::nan("")), normal);
  EXPECT_EQ(none.status.code, StatusCode::insufficient_data);
  EXPECT_EQ(none.left_out, 3u);
}

TEST(CompareSamples, AGridErrorBoundMakesKsTolerantByExactlyHalfOfIt) {
  const Eigen::ArrayXXd x = (normal.sample(seed, 0, 20000) + 0.07).eval();
  const Comparison strict = compare(x, normal);
  const Comparison tolerant = compare(x, normal, {.grid_error = 2.0 * strict.statistic});
  EXPECT_EQ(tolerant.statistic, strict.statistic);
  EXPECT_EQ(tolerant.p_value, 1.0);  // D − ε/2 = 0
  EXPECT_EQ(tolerant.assumed_error, 2.0 * strict.statistic);
  EXPECT_NE(tolerant.assumption.find("within L1 distance"), std::string::npos) << tolerant.assumption;
}

TEST(CompareSamples, ChiSquareOnCellsAndEnergyDistanceInTwoDimensions) {
  const Eigen::ArrayXXd x = normal.sample(seed, 0, 20000);
  const Comparison chi2 = compare(x, normal.on(line), {.test = SampleTest::chi_square});
  EXPECT_EQ(chi2.test, "chi-square");
  EXPECT_GT(chi2.degrees_of_freedom, 20u);
  EXPECT_GT(chi2.p_value, 1e-6);
  EXPECT_LT(compare((x * 1.1).eval(), normal.on(line), {.test = SampleTest::chi_square}).p_value, 1e-6);

  const distribution::Law plane = distribution::Law::gaussian(Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity());
  const pde::Grid square({{-5.0, 5.0, 50}, {-5.0, 5.0, 50}});
  const Eigen::ArrayXXd y = plane.sample(seed + 1, 0, 1000);
  const Comparison energy = compare(y, plane.on(square), {.seed = 9});
  EXPECT_EQ(energy.test, "energy-distance");
  EXPECT_GT(energy.p_value, 1e-3);  // 499 permutations: the smallest p-value is 1/500
  Eigen::ArrayXXd moved = y;
  moved.col(0) += 0.5;
  EXPECT_LE(compare(moved, plane.on(square), {.seed = 9}).p_value, 2.0 / 500.0);
  KOLMO_EXPECT_THROW_NAMING((void)compare(y, plane.on(square), {.test = SampleTest::kolmogorov_smirnov}), "options.test");
  KOLMO_EXPECT_THROW_NAMING((void)compare(y, normal), "samples.cols()");
  KOLMO_EXPECT_THROW_NAMING((void)compare(x, normal, {.test = SampleTest::chi_square}), "options.test");
  KOLMO_EXPECT_THROW_NAMING((void)compare(x, normal, {.grid_error = -1.0}), "options.grid_error");
}

TEST(CompareFields, DistancesMomentsAndRichardsonErrorEstimates) {
  const pde::DensityField exact = normal.on(line);
  const FieldComparison same = compare(exact, exact);
  EXPECT_EQ(same.l1, 0.0);
  EXPECT_EQ(same.kl, 0.0);
  const distribution::Law moved = distribution::Law::gaussian(Eigen::VectorXd::Constant(1, 0.1), Eigen::MatrixXd::Identity(1, 1));
  const FieldComparison shift = compare(exact, moved.on(line));
  // Cell averages change the moments and divergences by O(h²) (h = 0.05): within 1e-7 and 1e-5.
  EXPECT_NEAR(shift.mean_difference(0), -0.1, 1e-7);
  EXPECT_NEAR(shift.kl, 0.5 * 0.01, 1e-5);  // KL(N(0,1) ‖ N(0.1,1)) = 0.1²/2
  // TV(N(0,1), N(0.1,1)) = 2Φ(0.05) − 1.
  EXPECT_NEAR(shift.total_variation, std::erf(0.05 / std::sqrt(2.0)), 1e-6);

  // Midpoint-sampled densities have an O(h²) error against the exact cell averages; Richardson
  // from a grid twice as coarse estimates it to within its own O(h⁴) relative term.
  const auto midpoint = [](std::size_t cells) {
    return pde::DensityField::at_cell_centers(pde::Grid({{-6.0, 6.0, cells}}), [](const process::StateView& x) -> Eigen::ArrayXd {
      return (-0.5 * x.col(0).square()).exp();
    });
  };
  const pde::DensityField fine = midpoint(240), coarse = midpoint(120);
  const double estimate = richardson_l1_error(fine, coarse, 2.0);
  const double truth = compare(fine, exact).l1;
  EXPECT_NEAR(estimate / truth, 1.0, 0.01) << estimate << " vs " << truth;
  EXPECT_TRUE(compare(fine, exact, {.a_error = 1.01 * estimate}).within_error_bound);
  EXPECT_FALSE(compare(fine, exact, {.a_error = 0.5 * estimate}).within_error_bound);
  KOLMO_EXPECT_THROW_NAMING((void)compare(fine, coarse), "b.grid()");
  KOLMO_EXPECT_THROW_NAMING((void)richardson_l1_error(fine, midpoint(100), 2.0), "coarse.grid().axis(0).cells");
}

TEST(CompareTwoSamples, SameLawPassesAnotherFails) {
  const Eigen::ArrayXXd a = normal.sample(seed, 0, 1500), b = normal.sample(seed, 1500, 1500);
  const TwoSampleComparison same = compare(a, b, {.seed = 3});
  EXPECT_GT(same.energy.p_value, 1e-3);
  EXPECT_GT(same.mmd.p_value, 1e-3);
  ASSERT_TRUE(same.kolmogorov_smirnov.has_value());
  EXPECT_GT(same.kolmogorov_smirnov->p_value, 1e-6);
  const TwoSampleComparison wider = compare(a, (b * 1.5).eval(), {.seed = 3});
  EXPECT_LE(wider.energy.p_value, 2.0 / 500.0);
  EXPECT_LE(wider.mmd.p_value, 2.0 / 500.0);
  EXPECT_LT(wider.kolmogorov_smirnov->p_value, 1e-6);
}

TEST(HistogramDensity, CountsSmoothsAndSaysWhatItLeftOut) {
  const pde::Grid grid({{0.0, 1.0, 4}});
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(7, 1) << 0.1, 0.1, 0.3, 0.6, 0.99, 1.5, std::nan("")).finished();
  const HistogramDensity h = histogram_density(x, grid);
  EXPECT_EQ(h.samples, 6u);
  EXPECT_EQ(h.left_out, 1u);
  EXPECT_EQ(h.outside, 1u);
  EXPECT_EQ(h.estimator, "histogram");
  EXPECT_TRUE(h.density.values().isApprox((Eigen::VectorXd(4) << 2, 1, 1, 1).finished() / (6 * 0.25)));
  const HistogramDensity smooth = histogram_density(x, grid, {.bandwidth_cells = 1.0});
  EXPECT_NEAR(smooth.density.mass(), h.density.mass(), 1e-15);  // smoothing keeps the mass
  EXPECT_GT(smooth.density.values()[1], 0.0);
  EXPECT_NE(smooth.estimator.find("Gaussian smoothing of 1 cells"), std::string::npos);
  KOLMO_EXPECT_THROW_NAMING((void)histogram_density(x, grid, {.bandwidth_cells = -1.0}), "options.bandwidth_cells");
  KOLMO_EXPECT_THROW_NAMING((void)histogram_density(Eigen::ArrayXXd::Constant(2, 1, 5.0), grid), "samples");
}

}  // namespace
}  // namespace kolmo::compare
