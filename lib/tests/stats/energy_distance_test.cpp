#include "kolmo/stats/energy_distance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "support/expect_error.hpp"
#include "kolmo/random/normal.hpp"

namespace kolmo::stats {
namespace {

constexpr std::uint64_t seed = 4'242;  // recorded seed of the samples and permutations below

Eigen::MatrixXd column(std::vector<double> values) {
  return Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

// n x d standard normals (kolmo random API, path = row + offset, component = column), shifted.
Eigen::MatrixXd normals(Eigen::Index n, Eigen::Index d, double shift, std::uint64_t offset) {
  Eigen::MatrixXd z(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < d; ++k)
      z(i, k) = shift + random::standard_normal({seed, random::Purpose::verification,
                                                 offset + static_cast<std::uint64_t>(i), 0,
                                                 static_cast<std::uint64_t>(k)});
  return z;
}

// 2 int (F_n - G_m)^2 dt for 1-D samples, exactly: the ECDFs are constant between the sorted
// pooled points.
double twice_integrated_squared_ecdf_difference(std::vector<double> a, std::vector<double> b) {
  std::vector<double> pooled = a;
  pooled.insert(pooled.end(), b.begin(), b.end());
  std::sort(pooled.begin(), pooled.end());
  auto ecdf = [](const std::vector<double>& s, double t) {
    return static_cast<double>(
               std::count_if(s.begin(), s.end(), [&](double v) { return v <= t; })) /
           static_cast<double>(s.size());
  };
  double integral = 0;
  for (std::size_t i = 0; i + 1 < pooled.size(); ++i) {
    const double difference = ecdf(a, pooled[i]) - ecdf(b, pooled[i]);
    integral += difference * difference * (pooled[i + 1] - pooled[i]);
  }
  return 2.0 * integral;
}

TEST(EnergyDistance, HandComputedValues) {
  // One point each at distance 1: E = 2 * 1 - 0 - 0.
  EXPECT_DOUBLE_EQ(energy_distance(column({0.0}), column({1.0})), 2.0);
  // x = {(0,0), (0,1)}, y = {(3,4)}: cross distances 5 and sqrt(18); within-x distance 1.
  // E = 2/(2*1) (5 + 3 sqrt 2) - (1/4)(2 * 1) - 0.
  Eigen::MatrixXd x(2, 2), y(1, 2);
  x << 0, 0, 0, 1;
  y << 3, 4;
  EXPECT_NEAR(energy_distance(x, y), 5.0 + 3.0 * std::sqrt(2.0) - 0.5, 1e-14);
}

TEST(EnergyDistance, EqualsTwiceTheIntegratedSquaredEcdfDifferenceInOneDimension) {
  const std::vector<double> a{0.3, -1.2, 2.5, 0.0, 0.7}, b{1.1, 1.9, -0.4, 3.3};
  // Two exact formulas summed differently: agreement to ~100 ulps of the O(1) terms.
  EXPECT_NEAR(energy_distance(column(a), column(b)), twice_integrated_squared_ecdf_difference(a, b),
              1e-13);
}

TEST(EnergyDistance, IsSymmetricZeroOnEqualSamplesAndRigidMotionInvariant) {
  const Eigen::MatrixXd x = normals(40, 3, 0.0, 0), y = normals(30, 3, 0.5, 100);
  const double e = energy_distance(x, y);
  EXPECT_GT(e, 0.0);
  EXPECT_NEAR(energy_distance(y, x), e, 1e-14 * (1.0 + e));
  EXPECT_NEAR(energy_distance(x, x), 0.0, 1e-13);
  // Rotate by 90 degrees in the (0, 1) plane and translate: distances are unchanged.
  Eigen::Matrix3d rotation;
  rotation << 0, -1, 0, 1, 0, 0, 0, 0, 1;
  const Eigen::RowVector3d shift(5.0, -2.0, 1.0);
  const Eigen::MatrixXd xr = (x * rotation.transpose()).rowwise() + shift;
  const Eigen::MatrixXd yr = (y * rotation.transpose()).rowwise() + shift;
  EXPECT_NEAR(energy_distance(xr, yr), e, 1e-12 * (1.0 + e));
}

TEST(EnergyTest, DetectsSeparatedLawsAndNeverRejectsIdenticalSamples) {
  const Eigen::MatrixXd x = normals(30, 2, 0.0, 0), y = normals(30, 2, 3.0, 1000);
  const TwoSampleTestResult r = energy_test(x, y, seed, 199, 0.05);
  EXPECT_NEAR(r.statistic, energy_distance(x, y), 1e-12 * r.statistic);
  // Means 3 * sqrt(2) = 4.2 standard deviations apart: no relabelling reaches the observed
  // split, so p = 1/(B + 1), the smallest value the rule gives.
  EXPECT_DOUBLE_EQ(r.p_value, 1.0 / 200.0);
  EXPECT_TRUE(r.reject);
  EXPECT_GT(r.statistic, r.threshold);
  EXPECT_EQ(r.permutations, 199u);
  EXPECT_EQ(r.seed, seed);

  // x against itself: E = 0 is the smallest possible value, every permutation reaches it.
  const TwoSampleTestResult same = energy_test(x, x, seed, 99, 0.05);
  EXPECT_NEAR(same.statistic, 0.0, 1e-13);
  EXPECT_GT(same.p_value, 0.5);
  EXPECT_FALSE(same.reject);

  // Reproducible: the same seed gives the same result.
  const TwoSampleTestResult again = energy_test(x, y, seed, 199, 0.05);
  EXPECT_EQ(again.p_value, r.p_value);
  EXPECT_EQ(again.threshold, r.threshold);
}

TEST(EnergyTest, RejectsMisuse) {
  const Eigen::MatrixXd x = Eigen::MatrixXd::Zero(3, 2);
  KOLMO_EXPECT_THROW_NAMING((void)energy_distance(Eigen::MatrixXd::Zero(0, 2), x), "x.rows()");
  KOLMO_EXPECT_THROW_NAMING((void)energy_distance(x, Eigen::MatrixXd::Zero(3, 1)), "y.cols()");
  Eigen::MatrixXd bad = x;
  bad(0, 0) = std::numeric_limits<double>::infinity();
  KOLMO_EXPECT_THROW_NAMING((void)energy_distance(x, bad), "y");
  KOLMO_EXPECT_THROW_NAMING((void)energy_test(x, x, seed, 0), "permutations");
  KOLMO_EXPECT_THROW_NAMING((void)energy_test(x, x, seed, 99, 1.5), "alpha");
}

}  // namespace
}  // namespace kolmo::stats
