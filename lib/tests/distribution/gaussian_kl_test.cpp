#include "kolmo/distribution/gaussian_kl.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_error.hpp"

namespace kolmo::distribution {
namespace {

GaussianMixture one_gaussian(double mean, double variance) {
  return GaussianMixture::gaussian(Eigen::VectorXd::Constant(1, mean), Eigen::MatrixXd::Constant(1, 1, variance));
}

TEST(GaussianKl, MatchesTheOneDimensionalFormulaAndVanishesOnEqualLaws) {
  const auto q = one_gaussian(0.3, 0.5), p = one_gaussian(-1.0, 2.0);
  EXPECT_NEAR(gaussian_kl(q, p), 0.5 * (0.5 / 2.0 + 1.3 * 1.3 / 2.0 - 1.0 + std::log(2.0 / 0.5)), 1e-14);
  EXPECT_NEAR(gaussian_kl(p, p), 0.0, 1e-15);
  // In 2-D with a correlated covariance: the sum of two 1-D KLs after whitening by the same rotation.
  Eigen::Matrix2d rotation;
  rotation << std::cos(0.7), -std::sin(0.7), std::sin(0.7), std::cos(0.7);
  const Eigen::Matrix2d cq = rotation * Eigen::Vector2d(0.5, 3.0).asDiagonal() * rotation.transpose();
  const Eigen::Matrix2d cp = rotation * Eigen::Vector2d(2.0, 1.0).asDiagonal() * rotation.transpose();
  const Eigen::Vector2d mq = rotation * Eigen::Vector2d(1.3, 0.0), mp = Eigen::Vector2d::Zero();
  const double expected = 0.5 * (0.5 / 2.0 + 1.3 * 1.3 / 2.0 - 1.0 + std::log(2.0 / 0.5)) +
                          0.5 * (3.0 / 1.0 - 1.0 + std::log(1.0 / 3.0));
  EXPECT_NEAR(gaussian_kl(GaussianMixture::gaussian(mq, cq), GaussianMixture::gaussian(mp, cp)),
              expected, 1e-13);
}

TEST(GaussianKl, RefusesMixturesAndMismatchedDimensions) {
  const GaussianMixture two({0.5, 0.5}, {Eigen::VectorXd::Constant(1, -1.0), Eigen::VectorXd::Constant(1, 1.0)},
                            {Eigen::MatrixXd::Identity(1, 1), Eigen::MatrixXd::Identity(1, 1)});
  KOLMO_EXPECT_THROW_NAMING((void)gaussian_kl(two, one_gaussian(0.0, 1.0)), "q.components()");
  KOLMO_EXPECT_THROW_NAMING((void)gaussian_kl(one_gaussian(0.0, 1.0), two), "p.components()");
  const GaussianMixture plane = GaussianMixture::gaussian(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2));
  KOLMO_EXPECT_THROW_NAMING((void)gaussian_kl(plane, one_gaussian(0.0, 1.0)), "q.dimension()");
}

}  // namespace
}  // namespace kolmo::distribution
