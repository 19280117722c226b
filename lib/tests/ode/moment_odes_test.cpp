#include "kolmo/ode/moment_odes.hpp"

#include <gtest/gtest.h>

#include "support/expect_error.hpp"

namespace kolmo::ode {
namespace {

TEST(LinearMoments, AgreeWithTheVanLoanTransitionOfTheLinearSde) {
  const Eigen::Matrix2d a = (Eigen::Matrix2d() << -1.0, 0.7, -0.4, -0.5).finished();
  const process::LinearSde sde(a, Eigen::Vector2d(0.3, -0.2), (Eigen::Matrix2d() << 0.8, 0.0, 0.3, 0.5).finished());
  const Eigen::Vector2d mean0(1.0, 2.0);
  const Eigen::Matrix2d covariance0 = (Eigen::Matrix2d() << 0.2, 0.05, 0.05, 0.1).finished();
  const GaussianMoments moments = linear_moments(sde, mean0, covariance0, 1.5, DormandPrince{1e-12, 1e-12});
  ASSERT_TRUE(moments.status.ok());
  const process::GaussianTransition transition = sde.transition(1.5);
  const Eigen::Matrix2d phi = transition.propagator;
  EXPECT_LT((moments.mean - transition.mean(mean0)).norm(), 1e-10);
  EXPECT_LT((moments.covariance - (phi * covariance0 * phi.transpose() + transition.covariance)).norm(), 1e-10);
}

TEST(LinearMoments, BadInputIsAClearError) {
  const process::LinearSde sde(-Eigen::MatrixXd::Identity(2, 2), Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2));
  KOLMO_EXPECT_THROW_NAMING((void)linear_moments(sde, Eigen::VectorXd::Zero(3), Eigen::MatrixXd::Zero(2, 2), 1.0), "mean0.size()");
  KOLMO_EXPECT_THROW_NAMING((void)linear_moments(sde, Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Zero(3, 3), 1.0), "covariance0");
  KOLMO_EXPECT_THROW_NAMING((void)linear_moments(sde, Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Zero(2, 2), 0.0), "t");
}

}  // namespace
}  // namespace kolmo::ode
