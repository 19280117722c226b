#include "kolmo/stats/two_sample_test.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::stats {
namespace {

constexpr std::uint64_t seed = 31'337;  // recorded seed of the permutation draws below

TEST(RandomPermutation, IsAReproduciblePermutationPerNumber) {
  const std::vector<std::size_t> a = random_permutation(50, seed, 3);
  std::vector<std::size_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::size_t> identity(50);
  std::iota(identity.begin(), identity.end(), std::size_t{0});
  EXPECT_EQ(sorted, identity);
  EXPECT_EQ(random_permutation(50, seed, 3), a);      // pure function of (seed, number)
  EXPECT_NE(random_permutation(50, seed, 4), a);      // a different permutation number
  EXPECT_NE(random_permutation(50, seed + 1, 3), a);  // a different seed
  EXPECT_EQ(random_permutation(1, seed, 0), std::vector<std::size_t>{0});
  EXPECT_TRUE(random_permutation(0, seed, 0).empty());
}

TEST(RandomPermutation, FirstEntryIsUniform) {
  // Chi-square over 6 values with 6000 permutations; 5 dof, P(chi2_5 > 25.7) = 1e-4.
  std::vector<int> counts(6, 0);
  for (std::uint64_t b = 0; b < 6000; ++b) ++counts[random_permutation(6, seed, b)[0]];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 1000.0) * (c - 1000.0) / 1000.0;
  EXPECT_LT(chi2, 25.7);
}

TEST(BlockSums, MatchDirectSumsOverTheBlocks) {
  // A symmetric 5 x 5 matrix with distinct entries M(i, j) = (i + 1)(j + 1) + i + j, groups
  // {1, 3} and {0, 2, 4}.
  Eigen::MatrixXd m(5, 5);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) m(i, j) = (i + 1) * (j + 1) + i + j;
  Eigen::VectorXd s = Eigen::VectorXd::Zero(5);
  s(1) = s(3) = 1.0;
  const BlockSums sums = block_sums(m, m.rowwise().sum(), s);
  double within_first = 0, within_second = 0, between = 0, trace_first = 0, trace_second = 0;
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      const bool fi = s(i) == 1.0, fj = s(j) == 1.0;
      if (fi && fj) within_first += m(i, j);
      if (!fi && !fj) within_second += m(i, j);
      if (fi && !fj) between += m(i, j);
    }
    (s(i) == 1.0 ? trace_first : trace_second) += m(i, i);
  }
  // Integer-valued sums below 2^53: exact.
  EXPECT_EQ(sums.within_first, within_first);
  EXPECT_EQ(sums.within_second, within_second);
  EXPECT_EQ(sums.between, between);
  EXPECT_EQ(sums.trace_first, trace_first);
  EXPECT_EQ(sums.trace_second, trace_second);
  EXPECT_EQ(sums.n, 2u);
  EXPECT_EQ(sums.m, 3u);
}

TEST(PermutationThreshold, FollowsThePhipsonSmythRule) {
  std::vector<double> values(19);
  std::iota(values.begin(), values.end(), 1.0);  // 1, ..., 19; B = 19
  std::reverse(values.begin(), values.end());
  // alpha = 0.05: (1 + c)/20 <= 0.05 allows c = 0, so the threshold is the largest value.
  EXPECT_EQ(permutation_threshold(values, 0.05), 19.0);
  // alpha = 0.1 allows c = 1: the second largest.
  EXPECT_EQ(permutation_threshold(values, 0.1), 18.0);
  // alpha = 0.01 < 1/(B + 1): no rejection possible.
  EXPECT_EQ(permutation_threshold(values, 0.01), std::numeric_limits<double>::infinity());
}

TEST(PermutationTest, AgreesWithAnIndependentRecomputation) {
  // Pooled diagonal matrix of values v_i = sin(i); statistic = sum of v over the first group.
  const int total = 12;
  const std::size_t n = 5;
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(total, total);
  for (int i = 0; i < total; ++i) m(i, i) = std::sin(1.0 + i);
  const BlockStatistic statistic = [](const BlockSums& s) { return s.trace_first; };
  const std::size_t permutations = 199;
  const TwoSampleTestResult result =
      permutation_test(m, n, statistic, seed, permutations, 0.1, "test");

  double observed = 0;
  for (std::size_t i = 0; i < n; ++i) observed += m(static_cast<int>(i), static_cast<int>(i));
  std::vector<double> permuted;
  std::size_t at_least = 0;
  for (std::uint64_t b = 0; b < permutations; ++b) {
    const std::vector<std::size_t> order = random_permutation(total, seed, b);
    double value = 0;
    for (std::size_t i = 0; i < n; ++i)
      value += m(static_cast<int>(order[i]), static_cast<int>(order[i]));
    permuted.push_back(value);
    // Sums of 5 terms in a different order: compare with a rounding margin, as equal sets
    // must count as ">= observed".
    if (value >= observed - 1e-12) ++at_least;
  }
  EXPECT_NEAR(result.statistic, observed, 1e-12);
  EXPECT_EQ(result.p_value, (1.0 + static_cast<double>(at_least)) / (permutations + 1.0));
  EXPECT_EQ(result.reject, result.p_value <= 0.1);
  EXPECT_EQ(result.reject, result.statistic > result.threshold);
  EXPECT_EQ(result.permutations, permutations);
  EXPECT_EQ(result.seed, seed);
  EXPECT_EQ(result.alpha, 0.1);
}

TEST(PermutationTest, RejectsMisuse) {
  const Eigen::MatrixXd m = Eigen::MatrixXd::Identity(4, 4);
  const BlockStatistic statistic = [](const BlockSums& s) { return s.trace_first; };
  KOLMO_EXPECT_THROW_NAMING((void)permutation_test(m, 2, statistic, seed, 0, 0.05, "w"),
                            "permutations");
  KOLMO_EXPECT_THROW_NAMING((void)permutation_test(m, 2, statistic, seed, 9, 0.0, "w"), "alpha");
  KOLMO_EXPECT_THROW_NAMING((void)permutation_test(m, 2, statistic, seed, 9, 1.0, "w"), "alpha");
  const Eigen::MatrixXd x = Eigen::MatrixXd::Zero(3, 2);
  KOLMO_EXPECT_THROW_NAMING(check_two_samples(x, Eigen::MatrixXd::Zero(3, 1), 1, "w"), "y.cols()");
  KOLMO_EXPECT_THROW_NAMING(check_two_samples(Eigen::MatrixXd::Zero(0, 2), x, 1, "w"), "x.rows()");
  KOLMO_EXPECT_THROW_NAMING(check_two_samples(x, Eigen::MatrixXd::Zero(1, 2), 2, "w"), "y.rows()");
  Eigen::MatrixXd bad = x;
  bad(2, 1) = std::numeric_limits<double>::quiet_NaN();
  KOLMO_EXPECT_THROW_NAMING(check_two_samples(bad, x, 1, "w"), "x");
}

}  // namespace
}  // namespace kolmo::stats
