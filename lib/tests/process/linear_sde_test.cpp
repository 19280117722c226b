#include "kolmo/process/linear_sde.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include <boost/numeric/odeint/integrate/integrate_n_steps.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>

#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "support/expect_error.hpp"

namespace kolmo::process {
namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

double max_abs(const Eigen::MatrixXd& m) { return m.cwiseAbs().maxCoeff(); }

// A non-normal, stable drift with two noise sources mixing both coordinates: the case where a
// wrong transpose or block in Van Loan's formula shows.
LinearSde coupled_example() {
  Eigen::MatrixXd a(2, 2), g(2, 2);
  a << -1.0, 3.0, -0.5, -2.0;
  g << 0.7, 0.0, 0.4, 1.1;
  return LinearSde(a, Eigen::Vector2d(0.3, -0.8), g);
}

TEST(LinearSde, ScalarCaseIsTheOrnsteinUhlenbeckTransition) {
  const double theta = 1.5, mu = 0.5, sigma = 0.8, x0 = 3.0;
  const OrnsteinUhlenbeck ou(theta, mu, sigma);
  const LinearSde linear(Eigen::MatrixXd::Constant(1, 1, -theta), Eigen::VectorXd::Constant(1, theta * mu),
                         Eigen::MatrixXd::Constant(1, 1, sigma));
  for (double t : {1e-6, 0.1, 0.5, 2.0, 10.0}) {
    const auto transition = linear.transition(t);
    const double mean = transition.mean(Eigen::VectorXd::Constant(1, x0))(0);
    // Scaling-and-squaring exp is accurate to a few units of roundoff here (Higham 2005).
    EXPECT_NEAR(mean, ou.transition_mean(x0, t), 64 * eps * std::abs(mean)) << "t = " << t;
    EXPECT_NEAR(transition.covariance(0, 0), ou.transition_variance(t), 64 * eps * ou.transition_variance(t))
        << "t = " << t;
  }
  EXPECT_NEAR(linear.stationary_mean()(0), mu, 4 * eps);
  EXPECT_NEAR(linear.stationary_covariance()(0, 0), ou.stationary_variance(), 4 * eps);
}

TEST(LinearSde, ZeroDriftMatrixIsBrownianMotionWithDrift) {
  Eigen::MatrixXd g(2, 3);
  g << 1.0, 0.5, 0.0, -0.2, 0.0, 2.0;
  const LinearSde bm(Eigen::MatrixXd::Zero(2, 2), Eigen::Vector2d(0.25, -1.0), g);
  const double t = 1.75;
  const auto transition = bm.transition(t);
  EXPECT_LE(max_abs(transition.propagator - Eigen::MatrixXd::Identity(2, 2)), 4 * eps);
  EXPECT_LE(max_abs(transition.offset - bm.drift_offset() * t), 4 * eps);
  EXPECT_LE(max_abs(transition.covariance - g * g.transpose() * t), 16 * eps * max_abs(g * g.transpose() * t));
  EXPECT_FALSE(bm.is_stable());
}

// Independent computation: Odeint's rk4 on the moment ODEs m' = A m + b, Σ' = AΣ + ΣAᵀ + Q.
// The error of the h/2 solution is bounded by the Richardson estimate |y_h − y_{h/2}| (for a
// fourth-order method the true error is about 1/15 of it), plus rounding.
TEST(LinearSde, VanLoanAgreesWithTheMomentOdeIntegratedByOdeint) {
  const LinearSde sde = coupled_example();
  const Eigen::MatrixXd a = sde.drift_matrix(), q = sde.noise_covariance();
  const Eigen::VectorXd b = sde.drift_offset(), x0 = Eigen::Vector2d(2.0, -1.0);
  const double t = 1.5;

  using State = std::vector<double>;  // m (2), then Σ column-major (4)
  auto moments = [&](const State& y, State& dydt, double) {
    const Eigen::Map<const Eigen::Vector2d> m(y.data());
    const Eigen::Map<const Eigen::Matrix2d> sigma(y.data() + 2);
    Eigen::Map<Eigen::Vector2d>(dydt.data()) = a * m + b;
    Eigen::Map<Eigen::Matrix2d>(dydt.data() + 2) = a * sigma + sigma * a.transpose() + q;
  };
  auto integrate = [&](int steps) {
    State y{x0(0), x0(1), 0, 0, 0, 0};
    boost::numeric::odeint::runge_kutta4<State> rk4;
    boost::numeric::odeint::integrate_n_steps(rk4, moments, y, 0.0, t / steps, steps);
    return y;
  };
  const State coarse = integrate(200), fine = integrate(400);

  const auto transition = sde.transition(t);
  const Eigen::VectorXd mean = transition.mean(x0);
  for (int k = 0; k < 6; ++k) {
    const double van_loan = k < 2 ? mean(k) : transition.covariance((k - 2) % 2, (k - 2) / 2);
    const double bound = std::abs(coarse[k] - fine[k]) + 64 * eps * std::max(1.0, std::abs(fine[k]));
    EXPECT_NEAR(van_loan, fine[k], bound) << "component " << k;
  }
  // The check can fail: the Richardson bound is far below the moments' size.
  EXPECT_LT(std::abs(coarse[2] - fine[2]), 1e-9);
}

TEST(LinearSde, TransitionsComposeAsASemigroup) {
  const LinearSde sde = coupled_example();
  const double s = 0.4, t = 0.9;
  const auto ts = sde.transition(s), tt = sde.transition(t), tst = sde.transition(s + t);
  const Eigen::VectorXd x0 = Eigen::Vector2d(-0.5, 1.5);
  const double scale = max_abs(tst.covariance);
  EXPECT_LE(max_abs(tst.propagator - tt.propagator * ts.propagator), 64 * eps);
  EXPECT_LE(max_abs(tst.mean(x0) - tt.mean(ts.mean(x0))), 64 * eps * 4);
  EXPECT_LE(max_abs(tst.covariance - (tt.propagator * ts.covariance * tt.propagator.transpose() + tt.covariance)),
            64 * eps * scale);
}

TEST(LinearSde, StationaryLawSolvesLyapunovAndIsTheLongTimeLimit) {
  const LinearSde sde = coupled_example();
  ASSERT_TRUE(sde.is_stable());
  const Eigen::MatrixXd a = sde.drift_matrix(), q = sde.noise_covariance();
  const Eigen::MatrixXd sigma_inf = sde.stationary_covariance();
  EXPECT_LE(max_abs(a * sigma_inf + sigma_inf * a.transpose() + q), 64 * eps * max_abs(q));
  EXPECT_LE(max_abs(a * sde.stationary_mean() + sde.drift_offset()), 64 * eps);
  // Eigenvalues have real part -1.5, so at t = 40 the remaining distance is ~e^{-120}.
  const auto far = sde.transition(40.0);
  EXPECT_LE(max_abs(far.covariance - sigma_inf), 1e3 * eps * max_abs(sigma_inf));
  EXPECT_LE(max_abs(far.mean(Eigen::Vector2d(50.0, -50.0)) - sde.stationary_mean()), 1e3 * eps);
  EXPECT_GT(sigma_inf.llt().matrixL().toDenseMatrix().diagonal().minCoeff(), 0.0);  // positive definite
}

TEST(LinearSde, TransitionOverZeroTimeIsTheIdentity) {
  const auto transition = coupled_example().transition(0.0);
  EXPECT_EQ(transition.propagator, Eigen::MatrixXd::Identity(2, 2));
  EXPECT_EQ(transition.offset, Eigen::VectorXd::Zero(2));
  EXPECT_EQ(transition.covariance, Eigen::MatrixXd::Zero(2, 2));
}

TEST(LinearSde, RejectsBadArguments) {
  const Eigen::MatrixXd a = -Eigen::MatrixXd::Identity(2, 2), g = Eigen::MatrixXd::Identity(2, 2);
  const Eigen::VectorXd b = Eigen::VectorXd::Zero(2);
  KOLMO_EXPECT_THROW_NAMING(LinearSde(Eigen::MatrixXd::Zero(2, 3), b, g), "drift_matrix");
  KOLMO_EXPECT_THROW_NAMING(LinearSde(Eigen::MatrixXd(0, 0), Eigen::VectorXd(0), Eigen::MatrixXd(0, 1)),
                            "drift_matrix");
  KOLMO_EXPECT_THROW_NAMING(LinearSde(a, Eigen::VectorXd::Zero(3), g), "drift_offset.size()");
  KOLMO_EXPECT_THROW_NAMING(LinearSde(a, b, Eigen::MatrixXd::Identity(3, 3)), "diffusion_matrix");
  Eigen::MatrixXd bad = a;
  bad(1, 0) = std::nan("");
  KOLMO_EXPECT_THROW_NAMING(LinearSde(bad, b, g), "drift_matrix(1, 0)");
  Eigen::VectorXd bad_b = b;
  bad_b(1) = INFINITY;
  KOLMO_EXPECT_THROW_NAMING(LinearSde(a, bad_b, g), "drift_offset(1, 0)");

  const LinearSde sde(a, b, g);
  KOLMO_EXPECT_THROW_NAMING((void)sde.transition(-1.0), "t");
  KOLMO_EXPECT_THROW_NAMING((void)sde.transition(std::nan("")), "t");
  KOLMO_EXPECT_THROW_NAMING((void)sde.drift(Eigen::VectorXd::Zero(3)), "x.size()");
  const LinearSde unstable(Eigen::MatrixXd::Identity(2, 2), b, g);
  KOLMO_EXPECT_THROW_NAMING((void)unstable.stationary_covariance(), "drift_matrix");
  KOLMO_EXPECT_THROW_NAMING((void)unstable.stationary_mean(), "drift_matrix");
}

}  // namespace
}  // namespace kolmo::process
