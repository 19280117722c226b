#include "kolmo/stats/chi_square.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::stats {
namespace {

// Boost's chi-square survival function is accurate to a few ulps; the closed forms used below
// (dof 2: exp(-x/2); dof 1: erfc(sqrt(x/2))) likewise. Allow 1e-14 relative.
constexpr double p_tolerance = 1e-14;

TEST(ChiSquare, HandComputedStatisticWithoutPooling) {
  // Counts {10, 20, 30, 40} against a uniform law: E = 25 each,
  // X^2 = (225 + 25 + 25 + 225)/25 = 20 with 3 dof.
  const ChiSquareResult r = chi_square_test(std::vector<double>{10, 20, 30, 40},
                                            std::vector<double>{0.25, 0.25, 0.25, 0.25});
  ASSERT_TRUE(r.status.ok());
  EXPECT_NEAR(r.statistic, 20.0, 1e-13);
  EXPECT_EQ(r.degrees_of_freedom, 3u);
  // python3 -c 'from scipy.stats import chi2; print(chi2.sf(20, 3))'
  EXPECT_NEAR(r.p_value, 0.00016974243555282632, p_tolerance * 1.7e-4 * 10);
  EXPECT_EQ(r.cells, 4u);
  EXPECT_EQ(r.pooled_cells, 4u);
  EXPECT_EQ(r.total_count, 100.0);
}

TEST(ChiSquare, PoolsSmallExpectedCellsInOrder) {
  // N = 37, p = {0.01, 0.02, 0.3, 0.5, 0.12, 0.05}: E = {0.37, 0.74, 11.1, 18.5, 4.44, 1.85}.
  // Walk: 0.37 + 0.74 + 11.1 = 12.21 >= 5 closes group 1; 18.5 is group 2; 4.44 + 1.85 = 6.29
  // closes group 3. Observed per group: 1 + 2 + 10 = 13, 20, 3 + 1 = 4.
  const std::vector<double> counts{1, 2, 10, 20, 3, 1}, p{0.01, 0.02, 0.3, 0.5, 0.12, 0.05};
  const ChiSquareResult r = chi_square_test(counts, p);
  ASSERT_TRUE(r.status.ok());
  const double expected = (13 - 12.21) * (13 - 12.21) / 12.21 + (20 - 18.5) * (20 - 18.5) / 18.5 +
                          (4 - 6.29) * (4 - 6.29) / 6.29;
  EXPECT_NEAR(r.statistic, expected, 1e-13);
  EXPECT_EQ(r.cells, 6u);
  EXPECT_EQ(r.pooled_cells, 3u);
  EXPECT_EQ(r.degrees_of_freedom, 2u);
  EXPECT_NEAR(r.p_value, std::exp(-expected / 2.0), p_tolerance);

  // One fitted parameter leaves 1 dof: p = erfc(sqrt(X^2 / 2)).
  ChiSquareOptions fitted;
  fitted.fitted_parameters = 1;
  const ChiSquareResult f = chi_square_test(counts, p, fitted);
  EXPECT_EQ(f.degrees_of_freedom, 1u);
  EXPECT_NEAR(f.p_value, std::erfc(std::sqrt(expected / 2.0)), p_tolerance);
}

TEST(ChiSquare, TrailingSmallGroupJoinsThePreviousOne) {
  // E = {11.1, 18.5, 5.55, 1.85}: the last 1.85 never reaches 5 and joins 5.55 -> 7.4.
  const ChiSquareResult r =
      chi_square_test(std::vector<double>{12, 17, 6, 2}, std::vector<double>{0.3, 0.5, 0.15, 0.05});
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.pooled_cells, 3u);
  const double expected = 0.9 * 0.9 / 11.1 + 1.5 * 1.5 / 18.5 + 0.6 * 0.6 / 7.4;
  EXPECT_NEAR(r.statistic, expected, 1e-13);
}

TEST(ChiSquare, OutsideCellCarriesTheMissingMass) {
  // p sums to 0.8; the outside cell has p = 0.2. Counts {25, 55} + 20 outside, N = 100:
  // X^2 = 25/30 + 25/50 + 0 with 2 dof.
  ChiSquareOptions options;
  options.outside_cell = true;
  options.outside_count = 20;
  const ChiSquareResult r =
      chi_square_test(std::vector<double>{25, 55}, std::vector<double>{0.3, 0.5}, options);
  ASSERT_TRUE(r.status.ok());
  EXPECT_NEAR(r.outside_probability, 0.2, 1e-15);
  EXPECT_EQ(r.cells, 3u);
  EXPECT_EQ(r.total_count, 100.0);
  EXPECT_NEAR(r.statistic, 25.0 / 30.0 + 0.5, 1e-13);
  EXPECT_NEAR(r.p_value, std::exp(-(25.0 / 30.0 + 0.5) / 2.0), p_tolerance);
}

TEST(ChiSquare, SamplesAreBinnedOnTheEdges) {
  // Edges {0, 0.5, 1}: [0, 0.5) holds 0.1, 0.2; [0.5, 1] holds 0.5, 0.6, 0.9 and 1.0 (the last
  // cell is closed); -0.5 and 2.0 are outside. With p = {0.4, 0.4} (outside 0.2), N = 8 and no
  // pooling (minimum_expected 1): E = {3.2, 3.2, 1.6},
  // X^2 = 1.2^2/3.2 + 0.8^2/3.2 + 0.4^2/1.6 = 0.45 + 0.2 + 0.1 = 0.75.
  const std::vector<double> samples{0.1, 0.2, 0.6, 0.9, 1.0, -0.5, 0.5, 2.0};
  const std::vector<double> edges{0.0, 0.5, 1.0}, p{0.4, 0.4};
  ChiSquareOptions options;
  options.outside_cell = true;
  options.minimum_expected = 1.0;
  const ChiSquareResult r = chi_square_test_samples(samples, edges, p, options);
  ASSERT_TRUE(r.status.ok());
  EXPECT_NEAR(r.statistic, 0.75, 1e-14);
  EXPECT_EQ(r.degrees_of_freedom, 2u);
  EXPECT_EQ(r.pooled_cells, 3u);
  EXPECT_NEAR(r.p_value, std::exp(-0.375), p_tolerance);
}

TEST(ChiSquare, TooFewPooledCellsIsInsufficientData) {
  // E = {3.5, 3.5}: the first group needs both cells to reach 5, leaving one cell and 0 dof.
  const ChiSquareResult r =
      chi_square_test(std::vector<double>{3, 4}, std::vector<double>{0.5, 0.5});
  EXPECT_EQ(r.status.code, StatusCode::insufficient_data);
  EXPECT_EQ(r.pooled_cells, 1u);
  EXPECT_TRUE(std::isnan(r.p_value));
}

TEST(ChiSquare, RejectsMisuse) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> empty, c{10, 10}, p{0.5, 0.5};
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(empty, empty), "counts.size()");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(c, std::vector<double>{1.0}),
                            "probabilities.size()");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(std::vector<double>{-1, 10}, p), "counts");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(std::vector<double>{1.5, 10}, p), "counts");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(std::vector<double>{nan, 10}, p), "counts");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(std::vector<double>{0, 0}, p), "total count");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(c, std::vector<double>{0.5, nan}),
                            "probabilities");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(c, std::vector<double>{1.5, -0.5}),
                            "probabilities");
  // The sum must be 1 within 1e-9: 1 + 2e-9 is rejected, 1 + 5e-10 accepted.
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(c, std::vector<double>{0.5, 0.5 + 2e-9}),
                            "sum of probabilities");
  EXPECT_NO_THROW((void)chi_square_test(c, std::vector<double>{0.5, 0.5 + 5e-10}));
  ChiSquareOptions outside;
  outside.outside_cell = true;
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(c, std::vector<double>{0.6, 0.6}, outside),
                            "sum of probabilities");
  ChiSquareOptions stray;
  stray.outside_count = 3;
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(c, p, stray), "options.outside_count");
  ChiSquareOptions zero_minimum;
  zero_minimum.minimum_expected = 0.0;
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test(c, p, zero_minimum), "options.minimum_expected");
  const std::vector<double> samples{0.1, 0.7};
  KOLMO_EXPECT_THROW_NAMING(
      (void)chi_square_test_samples(samples, std::vector<double>{0, 1, 0.5}, p), "edges");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test_samples(samples, std::vector<double>{0, 1}, p),
                            "probabilities.size()");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test_samples(std::vector<double>{0.1, 1.7},
                                                          std::vector<double>{0, 0.5, 1}, p),
                            "samples");
  KOLMO_EXPECT_THROW_NAMING((void)chi_square_test_samples(empty, std::vector<double>{0, 0.5, 1}, p),
                            "samples.size()");
  KOLMO_EXPECT_THROW_NAMING(
      (void)chi_square_test_samples(samples, std::vector<double>{0, 0.5, 1}, p, stray),
      "options.outside_count");
}

}  // namespace
}  // namespace kolmo::stats
