#include "kolmo/stats/mmd.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "support/expect_error.hpp"
#include "kolmo/random/normal.hpp"

namespace kolmo::stats {
namespace {

constexpr std::uint64_t seed = 8'128;  // recorded seed of the samples and permutations below

Eigen::MatrixXd column(std::vector<double> values) {
  return Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

Eigen::MatrixXd normals(Eigen::Index n, Eigen::Index d, double shift, std::uint64_t offset) {
  Eigen::MatrixXd z(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < d; ++k)
      z(i, k) = shift + random::standard_normal({seed, random::Purpose::verification,
                                                 offset + static_cast<std::uint64_t>(i), 0,
                                                 static_cast<std::uint64_t>(k)});
  return z;
}

TEST(Mmd, HandComputedUnbiasedStatistic) {
  // x = {0, 1}, y = {0, 2}, sigma = 1, k(a, b) = exp(-(a - b)^2 / 2):
  //   within x: 2 e^{-1/2} / (2 * 1);  within y: 2 e^{-2} / 2;
  //   between: 2/(2 * 2) (k(0,0) + k(0,2) + k(1,0) + k(1,2)) = (1 + e^{-2} + 2 e^{-1/2}) / 2;
  //   MMD^2_u = e^{-1/2} + e^{-2} - (1 + e^{-2} + 2 e^{-1/2}) / 2 = (e^{-2} - 1) / 2 (negative:
  //   the unbiased estimate is not a squared norm).
  EXPECT_NEAR(mmd_squared_unbiased(column({0, 1}), column({0, 2}), 1.0),
              0.5 * (std::exp(-2.0) - 1.0), 1e-15);
  // Bandwidth scaling: doubling sigma and all coordinates leaves the value unchanged.
  EXPECT_NEAR(mmd_squared_unbiased(column({0, 2}), column({0, 4}), 2.0),
              0.5 * (std::exp(-2.0) - 1.0), 1e-15);
}

TEST(Mmd, MedianHeuristicIsTheMedianPooledDistance) {
  // Pooled {0, 1, 3}: distances 1, 3, 2 -> median 2.
  EXPECT_EQ(median_heuristic_bandwidth(column({0, 1}), column({3})), 2.0);
  // Pooled {0, 1, 3, 7}: distances 1, 3, 7, 2, 6, 4 -> middle pair 3, 4 -> 3.5.
  EXPECT_EQ(median_heuristic_bandwidth(column({0, 1}), column({3, 7})), 3.5);
  // Two dimensions: {(0,0), (3,4)} and {(0,4)}: distances 5, 4, 3 -> 4.
  Eigen::MatrixXd x(2, 2), y(1, 2);
  x << 0, 0, 3, 4;
  y << 0, 4;
  EXPECT_EQ(median_heuristic_bandwidth(x, y), 4.0);
}

TEST(MmdPermutationTest, DetectsAShiftAndAgreesWithTheDirectStatistic) {
  const Eigen::MatrixXd x = normals(40, 2, 0.0, 0), y = normals(40, 2, 2.0, 500);
  const double sigma = median_heuristic_bandwidth(x, y);
  const TwoSampleTestResult r = mmd_permutation_test(x, y, sigma, seed, 199, 0.05);
  // Same sums, different association: agreement to rounding of O(n^2) terms of size <= 1.
  EXPECT_NEAR(r.statistic, mmd_squared_unbiased(x, y, sigma), 1e-12);
  // A 2 sqrt(2) standard-deviation shift with n = 40 is far beyond every relabelling.
  EXPECT_DOUBLE_EQ(r.p_value, 1.0 / 200.0);
  EXPECT_TRUE(r.reject);
  EXPECT_GT(r.statistic, r.threshold);
  EXPECT_EQ(r.seed, seed);
  EXPECT_EQ(r.permutations, 199u);
  const TwoSampleTestResult again = mmd_permutation_test(x, y, sigma, seed, 199, 0.05);
  EXPECT_EQ(again.threshold, r.threshold);
}

TEST(MmdBoundTest, ThresholdIsCorollaryElevenAndPValueIsItsInverse) {
  // Hand example for the paired statistic: x = {0, 1}, y = {2, 0}, sigma = 1, pairs (0,2),(1,0):
  //   h(z1, z2) = k(0,1) + k(2,0) - k(0,0) - k(1,2) = e^{-2} - 1, h(z2, z1) the same,
  //   so MMD^2_u(paired) = 2 (e^{-2} - 1) / (2 * 1) = e^{-2} - 1.
  const TwoSampleTestResult hand = mmd_bound_test(column({0, 1}), column({2, 0}), 1.0, 0.05);
  EXPECT_NEAR(hand.statistic, std::exp(-2.0) - 1.0, 1e-15);
  EXPECT_EQ(hand.p_value, 1.0);  // a negative statistic is no evidence against H0
  EXPECT_FALSE(hand.reject);

  // m = 200 (even): Corollary 11 threshold 4 K sqrt(log(1/alpha) / m) with K = 1.
  // python3 -c 'import numpy as np; print(4*np.sqrt(np.log(20)/200))'
  const Eigen::MatrixXd x = normals(200, 1, 0.0, 0), y = normals(200, 1, 10.0, 1000);
  const TwoSampleTestResult r = mmd_bound_test(x, y, 1.0, 0.05);
  EXPECT_NEAR(r.threshold, 0.4895493661361633, 1e-14);
  // Clusters 10 sigma apart: within-sample kernel mean E exp(-(X - X')^2 / 2) = 1/sqrt(3),
  // cross terms ~ e^{-25}, so MMD^2 = 2/sqrt(3) = 1.15, well above 0.49: the bound rejects.
  EXPECT_GT(r.statistic, r.threshold);
  EXPECT_TRUE(r.reject);
  EXPECT_NEAR(r.p_value, std::exp(-r.statistic * r.statistic * 100.0 / 8.0), 1e-15);
  EXPECT_EQ(r.permutations, 0u);

  // Same law: the statistic is O(1/m) << threshold, the (conservative) bound cannot reject.
  const TwoSampleTestResult null = mmd_bound_test(x, normals(200, 1, 0.0, 5000), 1.0, 0.05);
  EXPECT_FALSE(null.reject);
  EXPECT_GT(null.p_value, 0.05);
  // Odd m uses m_2 = floor(m / 2): m = 5 gives sqrt(8 log 20 / 2).
  const TwoSampleTestResult odd =
      mmd_bound_test(normals(5, 1, 0, 0), normals(5, 1, 0, 9), 1.0, 0.05);
  EXPECT_NEAR(odd.threshold, std::sqrt(8.0 * std::log(20.0) / 2.0), 1e-14);
}

TEST(Mmd, RejectsMisuse) {
  const Eigen::MatrixXd x = normals(4, 2, 0.0, 0), y = normals(3, 2, 0.0, 10);
  KOLMO_EXPECT_THROW_NAMING((void)mmd_squared_unbiased(x, y, 0.0), "bandwidth");
  KOLMO_EXPECT_THROW_NAMING((void)mmd_squared_unbiased(x, y, std::nan("")), "bandwidth");
  KOLMO_EXPECT_THROW_NAMING((void)mmd_squared_unbiased(x.topRows(1), y, 1.0), "x.rows()");
  KOLMO_EXPECT_THROW_NAMING((void)mmd_squared_unbiased(x, y.leftCols(1), 1.0), "y.cols()");
  KOLMO_EXPECT_THROW_NAMING((void)mmd_bound_test(x, y, 1.0), "y.rows()");
  KOLMO_EXPECT_THROW_NAMING((void)mmd_bound_test(x, x, 1.0, 0.0), "alpha");
  KOLMO_EXPECT_THROW_NAMING((void)mmd_permutation_test(x, y, 1.0, seed, 0), "permutations");
  KOLMO_EXPECT_THROW_NAMING((void)mmd_permutation_test(x, y, -1.0, seed, 9), "bandwidth");
  KOLMO_EXPECT_THROW_NAMING(
      (void)median_heuristic_bandwidth(Eigen::MatrixXd::Zero(3, 1), Eigen::MatrixXd::Zero(2, 1)),
      "median pairwise distance");
}

}  // namespace
}  // namespace kolmo::stats
