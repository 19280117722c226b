#include "kolmo/stats/running_moments.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::stats {
namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

// Reference mean and unbiased variance by the two-pass formula in long double.
struct Reference {
  long double mean, variance;
};
Reference two_pass(const std::vector<double>& x) {
  long double sum = 0;
  for (double v : x) sum += v;
  const long double mean = sum / static_cast<long double>(x.size());
  long double squares = 0;
  for (double v : x) squares += (v - mean) * (v - mean);
  return {mean, squares / static_cast<long double>(x.size() - 1)};
}

// Deterministic, irregular data with mean ~ 10 and spread ~ 1 (condition number ~ 10).
std::vector<double> test_data(std::size_t n) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = 10.0 + std::sin(0.7 * static_cast<double>(i) * static_cast<double>(i % 13 + 1));
  return x;
}

TEST(RunningMoments, HandComputedSample) {
  // {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, sum of squared deviations 32, so variance 32/7.
  const std::vector<double> x{2, 4, 4, 4, 5, 5, 7, 9};
  const RunningMoments m = moments_of(x);
  EXPECT_EQ(m.count(), 8u);
  // Eight updates of small integers: each value is exact or within a few ulps.
  EXPECT_NEAR(m.mean(), 5.0, 8 * eps * 5.0);
  EXPECT_NEAR(m.sum_of_squared_deviations(), 32.0, 8 * eps * 32.0);
  EXPECT_NEAR(m.variance(), 32.0 / 7.0, 8 * eps * 32.0 / 7.0);
  EXPECT_NEAR(m.standard_error(), std::sqrt(32.0 / 7.0 / 8.0), 8 * eps);
  EXPECT_EQ(m.min(), 2.0);
  EXPECT_EQ(m.max(), 9.0);
}

TEST(RunningMoments, OnePassMatchesTwoPassReference) {
  const std::vector<double> x = test_data(10'000);
  const Reference ref = two_pass(x);
  const RunningMoments m = moments_of(x);
  // Welford's relative error is O(n eps kappa) in the worst case (Chan, Golub & LeVeque 1983);
  // with kappa = mean/sd ~ 10 and rounding errors of random sign it stays ~ sqrt(n) eps kappa
  // = 100 * 2.2e-16 * 10 ~ 2e-13: allow that.
  const double bound = std::sqrt(static_cast<double>(x.size())) * eps * 10.0;
  EXPECT_NEAR(m.mean(), static_cast<double>(ref.mean), bound * 10.0);  // |mean| ~ 10
  EXPECT_NEAR(m.variance() / static_cast<double>(ref.variance), 1.0, bound);
}

TEST(RunningMoments, MergeOfChunksEqualsOnePass) {
  const std::vector<double> x = test_data(10'000);
  const RunningMoments whole = moments_of(x);
  // Uneven chunks, merged in chunk order, as an ensemble's threads would be.
  const std::vector<std::size_t> cuts{0, 1, 17, 1000, 1001, 4096, 9999, 10'000};
  RunningMoments merged;
  for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
    RunningMoments chunk;
    for (std::size_t i = cuts[c]; i < cuts[c + 1]; ++i) chunk.add(x[i]);
    merged.merge(chunk);
  }
  EXPECT_EQ(merged.count(), whole.count());
  // Both are backward-stable evaluations of the same quantities and differ by rounding only,
  // within the one-pass error bound of the previous test (7 merges add a few ulps each).
  const double bound = std::sqrt(static_cast<double>(x.size())) * eps * 10.0;
  EXPECT_NEAR(merged.mean() / whole.mean(), 1.0, bound);
  EXPECT_NEAR(merged.variance() / whole.variance(), 1.0, bound);
  EXPECT_EQ(merged.min(), whole.min());
  EXPECT_EQ(merged.max(), whole.max());
}

TEST(RunningMoments, MergeIsExactForTwoHalvesOfSmallIntegers) {
  // {1, 2, 3} and {4, 5}: means 2 and 4.5, M2 = 2 and 0.5; merged mean 3, M2 = 10 (all exact).
  RunningMoments a = moments_of(std::vector<double>{1, 2, 3});
  const RunningMoments b = moments_of(std::vector<double>{4, 5});
  a.merge(b);
  EXPECT_EQ(a.count(), 5u);
  EXPECT_DOUBLE_EQ(a.mean(), 3.0);
  EXPECT_DOUBLE_EQ(a.sum_of_squared_deviations(), 10.0);
  EXPECT_DOUBLE_EQ(a.variance(), 2.5);
}

TEST(RunningMoments, MergeWithEmptyIsIdentityAndOrderIsReproducible) {
  const std::vector<double> x = test_data(100);
  const RunningMoments full = moments_of(x);
  RunningMoments empty_left;
  empty_left.merge(full);
  EXPECT_EQ(empty_left.mean(), full.mean());
  EXPECT_EQ(empty_left.variance(), full.variance());
  RunningMoments right = full;
  right.merge(RunningMoments{});
  EXPECT_EQ(right.variance(), full.variance());

  // The same partition merged in the same order twice is bit-identical.
  auto merge_in_order = [&] {
    RunningMoments total;
    for (std::size_t start = 0; start < x.size(); start += 7) {
      RunningMoments chunk;
      for (std::size_t i = start; i < std::min(x.size(), start + 7); ++i) chunk.add(x[i]);
      total.merge(chunk);
    }
    return total;
  };
  const RunningMoments first = merge_in_order(), second = merge_in_order();
  EXPECT_EQ(first.mean(), second.mean());
  EXPECT_EQ(first.variance(), second.variance());
}

TEST(RunningMoments, RejectsMisuse) {
  RunningMoments m;
  KOLMO_EXPECT_THROW_NAMING(m.add(std::numeric_limits<double>::quiet_NaN()), "x");
  KOLMO_EXPECT_THROW_NAMING(m.add(std::numeric_limits<double>::infinity()), "x");
  KOLMO_EXPECT_THROW_NAMING((void)m.mean(), "count");
  KOLMO_EXPECT_THROW_NAMING((void)m.min(), "count");
  KOLMO_EXPECT_THROW_NAMING((void)m.max(), "count");
  m.add(1.0);
  KOLMO_EXPECT_THROW_NAMING((void)m.variance(), "count");
  KOLMO_EXPECT_THROW_NAMING((void)m.standard_error(), "count");
  KOLMO_EXPECT_THROW_NAMING((void)moments_of(std::vector<double>{}), "samples.size()");
}

TEST(RunningCovariance, HandComputedCorrelatedSample) {
  // (1, 2), (2, 4), (3, 6): var x = 1, cov = 2, var y = 4, mean (2, 4).
  RunningCovariance c(2);
  c.add(std::vector<double>{1, 2});
  c.add(std::vector<double>{2, 4});
  c.add(std::vector<double>{3, 6});
  EXPECT_EQ(c.count(), 3u);
  EXPECT_NEAR(c.mean()(0), 2.0, 4 * eps);
  EXPECT_NEAR(c.mean()(1), 4.0, 8 * eps);
  const Eigen::MatrixXd cov = c.covariance();
  EXPECT_NEAR(cov(0, 0), 1.0, 8 * eps);
  EXPECT_NEAR(cov(0, 1), 2.0, 16 * eps);
  EXPECT_NEAR(cov(1, 1), 4.0, 32 * eps);
  EXPECT_EQ(cov(0, 1), cov(1, 0));
  EXPECT_NEAR(c.standard_error()(0), std::sqrt(1.0 / 3.0), 8 * eps);
}

TEST(RunningCovariance, AgreesWithScalarMomentsAndMergesLikeOnePass) {
  const std::size_t n = 5000;
  const std::vector<double> u = test_data(n);
  Eigen::MatrixXd samples(static_cast<Eigen::Index>(n), 3);
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    samples(row, 0) = u[i];
    samples(row, 1) = 2.0 * u[i] - u[(i * 7) % n];
    samples(row, 2) = std::cos(static_cast<double>(i));
  }
  RunningCovariance whole(3);
  whole.add_rows(samples);

  // Each diagonal entry is the scalar variance of its column (same Welford recurrence).
  const double bound = std::sqrt(static_cast<double>(n)) * eps * 10.0;
  for (Eigen::Index k = 0; k < 3; ++k) {
    RunningMoments column;
    for (Eigen::Index i = 0; i < samples.rows(); ++i) column.add(samples(i, k));
    EXPECT_NEAR(whole.covariance()(k, k) / column.variance(), 1.0, bound);
    EXPECT_NEAR(whole.mean()(k), column.mean(), bound * 10.0);
  }

  RunningCovariance merged(3);
  for (Eigen::Index start = 0; start < samples.rows(); start += 777) {
    RunningCovariance chunk(3);
    chunk.add_rows(samples.middleRows(start, std::min<Eigen::Index>(777, samples.rows() - start)));
    merged.merge(chunk);
  }
  EXPECT_EQ(merged.count(), whole.count());
  const Eigen::MatrixXd a = merged.covariance(), b = whole.covariance();
  EXPECT_LE((a - b).cwiseAbs().maxCoeff(), bound * b.cwiseAbs().maxCoeff());
  EXPECT_EQ(a, a.transpose());  // the u u^T updates keep it exactly symmetric
  EXPECT_LE((merged.mean() - whole.mean()).cwiseAbs().maxCoeff(), bound * 20.0);  // |mean| <= 20
}

TEST(RunningCovariance, RejectsMisuse) {
  KOLMO_EXPECT_THROW_NAMING(RunningCovariance(0), "dimension");
  RunningCovariance c(2);
  KOLMO_EXPECT_THROW_NAMING(c.add(std::vector<double>{1.0}), "x.size()");
  KOLMO_EXPECT_THROW_NAMING(c.add(std::vector<double>{1.0, std::nan("")}), "x");
  KOLMO_EXPECT_THROW_NAMING(c.add_rows(Eigen::MatrixXd::Zero(2, 3)), "samples.cols()");
  Eigen::MatrixXd bad = Eigen::MatrixXd::Zero(2, 2);
  bad(1, 1) = std::numeric_limits<double>::infinity();
  KOLMO_EXPECT_THROW_NAMING(c.add_rows(bad), "samples");
  KOLMO_EXPECT_THROW_NAMING(c.merge(RunningCovariance(3)), "other.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)c.mean(), "count");
  c.add(std::vector<double>{1.0, 2.0});
  KOLMO_EXPECT_THROW_NAMING((void)c.covariance(), "count");
  KOLMO_EXPECT_THROW_NAMING((void)c.standard_error(), "count");
}

}  // namespace
}  // namespace kolmo::stats
