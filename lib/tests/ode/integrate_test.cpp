#include "kolmo/ode/integrate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_error.hpp"

namespace kolmo::ode {
namespace {

// dx/dt = A x with A = [[−θ, −ω], [ω, −θ]]: x(t) = e^{−θt} R(ωt) x0, tr A = −2θ.
constexpr double theta = 0.3, omega = 2.0;
const Eigen::Matrix2d a = (Eigen::Matrix2d() << -theta, -omega, omega, -theta).finished();
const Eigen::Vector2d x0(1.0, 0.5);

Flow rotating(bool with_divergence, bool with_jacobian) {
  Flow flow("rotating", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return (x.matrix() * a.transpose()).array();
  });
  if (with_divergence) {
    flow.with_divergence([](double, const process::StateView& x) -> Eigen::ArrayXXd {
      return Eigen::ArrayXXd::Constant(x.rows(), 1, a.trace());
    });
  }
  if (with_jacobian) flow.with_jacobian([](double, const Eigen::VectorXd&) -> Eigen::MatrixXd { return a; });
  return flow;
}

Eigen::Vector2d exact(double t) {
  const Eigen::Matrix2d rotation = (Eigen::Matrix2d() << std::cos(omega * t), -std::sin(omega * t),
                                    std::sin(omega * t), std::cos(omega * t)).finished();
  return std::exp(-theta * t) * rotation * x0;
}

TEST(Integrate, Rk4HalvingTheStepDividesTheErrorBySixteen) {
  const double e1 = (integrate(rotating(false, false), x0, 0.0, 2.0, Rk4{0.05}).state - exact(2.0)).norm();
  const double e2 = (integrate(rotating(false, false), x0, 0.0, 2.0, Rk4{0.025}).state - exact(2.0)).norm();
  // Order 4: e1/e2 = 16 (1 + O(h)); at h = 0.05 (|λ| h = 0.1) the O(h) term is a few per cent.
  EXPECT_NEAR(e1 / e2, 16.0, 1.0);
}

TEST(Integrate, EulerAndHeunHalvingTheStepDivideTheErrorByTwoAndFour) {
  const auto error = [](const Method& method) {
    return (integrate(rotating(false, false), x0, 0.0, 2.0, method).state - exact(2.0)).norm();
  };
  // Orders 1 and 2: the ratios are 2 (1 + O(h)) and 4 (1 + O(h)); at |λ| h = 2.02 · 0.01 the
  // O(h) term is about |λ| h = 2 per cent of the ratio.
  EXPECT_NEAR(error(Euler{0.01}) / error(Euler{0.005}), 2.0, 0.1);
  EXPECT_NEAR(error(Heun{0.01}) / error(Heun{0.005}), 4.0, 0.2);
}

TEST(Integrate, EulerAndHeunCountOneAndTwoEvaluationsPerStepAndRunBackwards) {
  const TrajectorySolution euler = integrate(rotating(false, false), x0, 0.0, 1.0, Euler{0.1});
  EXPECT_EQ(euler.steps, 10u);
  EXPECT_EQ(euler.velocity_evaluations, 10u);
  const TrajectorySolution heun = integrate(rotating(false, false), x0, 0.0, 1.0, Heun{0.1});
  EXPECT_EQ(heun.velocity_evaluations, 20u);
  // Forwards then backwards with Heun's method: back to x0 up to the O(h²) global error.
  const TrajectorySolution forward = integrate(rotating(false, false), x0, 0.0, 1.0, Heun{1e-3});
  const TrajectorySolution back = integrate(rotating(false, false), forward.state, 1.0, 0.0, Heun{-1e-3});
  EXPECT_LT((back.state - x0).norm(), 1e-5);
  KOLMO_EXPECT_THROW_NAMING((void)integrate(rotating(false, false), x0, 0.0, 1.0, Euler{0.3}), "dt");
}

TEST(Integrate, DormandPrinceForwardsAndBackwardsReturnsToTheStart) {
  const DormandPrince tight{1e-12, 1e-12};
  const TrajectorySolution forward = integrate(rotating(false, false), x0, 0.0, 3.0, tight);
  ASSERT_TRUE(forward.status.ok());
  EXPECT_LT((forward.state - exact(3.0)).norm(), 1e-10);
  const TrajectorySolution back = integrate(rotating(false, false), forward.state, 3.0, 0.0, tight);
  EXPECT_LT((back.state - x0).norm(), 1e-10);
  EXPECT_GT(forward.steps, 0u);
  EXPECT_GT(forward.velocity_evaluations, 6 * forward.steps - 1);
}

TEST(Integrate, DenseOutputObservesAtTheRequestedTimes) {
  IntegrateOptions options;
  options.observe_times = {1.5, 0.25, 1.0};  // any order: reported in integration order
  const TrajectorySolution result = integrate(rotating(false, false), x0, 0.0, 2.0, DenseDormandPrince{1e-11, 1e-11}, options);
  ASSERT_EQ(result.observed.size(), 3u);
  EXPECT_LT((result.observed[0] - exact(0.25)).norm(), 1e-8);
  EXPECT_LT((result.observed[1] - exact(1.0)).norm(), 1e-8);
  EXPECT_LT((result.observed[2] - exact(1.5)).norm(), 1e-8);
}

TEST(Integrate, Rk4ObservesAtTheStartAndOnItsGrid) {
  IntegrateOptions options;
  options.observe_times = {0.0, 0.5};
  const TrajectorySolution result = integrate(rotating(false, false), x0, 0.0, 1.0, Rk4{0.05}, options);
  ASSERT_EQ(result.observed.size(), 2u);
  EXPECT_EQ(result.observed[0], Eigen::VectorXd(x0));
  EXPECT_LT((result.observed[1] - exact(0.5)).norm(), 1e-5);
}

TEST(Integrate, RosenbrockTakesFarFewerStepsThanDormandPrinceOnAStiffFlow) {
  // dx/dt = diag(−1000, −1) x: explicit steps are bounded by stability (h < 3.3/1000).
  const Eigen::Matrix2d stiff = Eigen::Vector2d(-1000.0, -1.0).asDiagonal();
  Flow flow("stiff", 2, [stiff](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return (x.matrix() * stiff.transpose()).array();
  });
  flow.with_jacobian([stiff](double, const Eigen::VectorXd&) -> Eigen::MatrixXd { return stiff; });
  const TrajectorySolution implicit = integrate(flow, Eigen::Vector2d(1.0, 1.0), 0.0, 20.0, Rosenbrock{1e-8, 1e-8});
  const TrajectorySolution explicit_ = integrate(flow, Eigen::Vector2d(1.0, 1.0), 0.0, 20.0, DormandPrince{1e-8, 1e-8});
  ASSERT_TRUE(implicit.status.ok());
  EXPECT_NEAR(implicit.state(1), std::exp(-20.0), 1e-8);
  EXPECT_LT(implicit.steps * 10, explicit_.steps);
}

TEST(Integrate, LogDensityChangeIsMinusTimeTimesTheTraceForEveryDivergenceMethod) {
  const double t = 1.5, expected = -t * a.trace();
  IntegrateOptions options;
  options.log_density = ExactDivergence{};
  EXPECT_NEAR(integrate(rotating(true, false), x0, 0.0, t, DormandPrince{}, options).log_density_change, expected, 1e-9);
  EXPECT_NEAR(integrate(rotating(false, true), x0, 0.0, t, DormandPrince{}, options).log_density_change, expected, 1e-9);
  options.log_density = FiniteDifference{};
  EXPECT_NEAR(integrate(rotating(false, false), x0, 0.0, t, DormandPrince{}, options).log_density_change, expected, 1e-8);

  // Hutchinson: per probe −t zᵀAz = −t (tr A + (A12 + A21) z1 z2) = expected exactly here since
  // A is skew apart from its diagonal; with a symmetric part the probes scatter (ode_cases).
  options.log_density = Hutchinson{8};
  const TrajectorySolution hutchinson = integrate(rotating(false, true), x0, 0.0, t, DormandPrince{}, options);
  EXPECT_NEAR(hutchinson.log_density_change, expected, 1e-9);
  const TrajectorySolution by_differences = integrate(rotating(false, false), x0, 0.0, t, DormandPrince{}, options);
  EXPECT_NEAR(by_differences.log_density_change, expected, 1e-7);
}

TEST(Integrate, ABlowUpIsAStatusWithTheTime) {
  const Flow blow_up("blow-up", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x.square(); });
  const TrajectorySolution result = integrate(blow_up, Eigen::VectorXd::Ones(1), 0.0, 2.0, DormandPrince{1e-8, 1e-8, 10000});
  EXPECT_FALSE(result.status.ok());
  EXPECT_NE(result.status.where.find("t = "), std::string::npos) << result.status.where;
}

TEST(Integrate, BadInputIsAClearError) {
  const Flow flow = rotating(false, false);
  KOLMO_EXPECT_THROW_NAMING((void)integrate(flow, Eigen::VectorXd::Ones(3), 0.0, 1.0, Rk4{0.1}), "x0.size()");
  KOLMO_EXPECT_THROW_NAMING((void)integrate(flow, x0, 0.0, 1.0, Rk4{-0.1}), "dt");
  KOLMO_EXPECT_THROW_NAMING((void)integrate(flow, x0, 0.0, 1.0, Rosenbrock{}), "method");
  IntegrateOptions exact_divergence;
  exact_divergence.log_density = ExactDivergence{};
  KOLMO_EXPECT_THROW_NAMING((void)integrate(flow, x0, 0.0, 1.0, DormandPrince{}, exact_divergence), "options.log_density");
  IntegrateOptions outside;
  outside.observe_times = {2.0};
  KOLMO_EXPECT_THROW_NAMING((void)integrate(flow, x0, 0.0, 1.0, DormandPrince{}, outside), "options.observe_times[0]");
  KOLMO_EXPECT_THROW_NAMING((void)integrate(flow, x0, 0.0, 1.0, DormandPrince{-1.0, 1e-6}), "absolute_tolerance");
}

TEST(Flow, JacobianQuadraticFormsComeFusedOrFromTheProductAndCheckTheirShapes) {
  // v = A x with A = [[0, −1], [1, 0]] + diag(−1, −2): z_kᵀ A z_k = −z_0² − 2 z_1² for any x.
  const auto velocity = [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd v(x.rows(), 2);
    v.col(0) = -x.col(0) - x.col(1);
    v.col(1) = x.col(0) - 2.0 * x.col(1);
    return v;
  };
  const Eigen::ArrayXXd x = Eigen::ArrayXXd::Random(3, 2);
  const Eigen::ArrayXXd z = Eigen::ArrayXXd::Random(6, 2);  // K = 2 directions per point
  Eigen::ArrayXXd expected(3, 2);
  for (Eigen::Index k = 0; k < 2; ++k) {
    for (Eigen::Index i = 0; i < 3; ++i) expected(i, k) = -z(k * 3 + i, 0) * z(k * 3 + i, 0) - 2.0 * z(k * 3 + i, 1) * z(k * 3 + i, 1);
  }
  Flow plain("plain", 2, velocity);
  EXPECT_FALSE(plain.has_jacobian_quadratic_forms());
  KOLMO_EXPECT_THROW_NAMING((void)plain.jacobian_quadratic_forms(0.0, x, z), "jacobian_quadratic_forms");
  plain.with_jacobian_vector_product(
      [velocity](double t, const process::StateView&, const process::StateView& u) { return velocity(t, u); });
  ASSERT_TRUE(plain.has_jacobian_quadratic_forms());
  EXPECT_LT((plain.jacobian_quadratic_forms(0.0, x, z) - expected).abs().maxCoeff(), 1e-14);  // a few roundings of terms below 3
  Flow fused("fused", 2, velocity);
  fused.with_jacobian_quadratic_forms([](double, const process::StateView& at, const process::StateView& u) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd forms(at.rows(), u.rows() / at.rows());
    for (Eigen::Index k = 0; k < forms.cols(); ++k) {
      const auto uk = u.middleRows(k * at.rows(), at.rows());
      forms.col(k) = -uk.col(0).square() - 2.0 * uk.col(1).square();
    }
    return forms;
  });
  EXPECT_FALSE(fused.has_jacobian_vector_product());
  EXPECT_TRUE((fused.jacobian_quadratic_forms(0.0, x, z) == expected).all());
  KOLMO_EXPECT_THROW_NAMING((void)fused.jacobian_quadratic_forms(0.0, x, z.topRows(4)), "z");
  KOLMO_EXPECT_THROW_NAMING((void)fused.jacobian_quadratic_forms(0.0, x.leftCols(1), z), "x");
  Flow wrong("wrong", 2, velocity);
  wrong.with_jacobian_quadratic_forms([](double, const process::StateView& at, const process::StateView&) -> Eigen::ArrayXXd {
    return at;  // n × d, not n × K
  });
  KOLMO_EXPECT_THROW_NAMING((void)wrong.jacobian_quadratic_forms(0.0, x, Eigen::ArrayXXd::Random(9, 2)),
                            "jacobian_quadratic_forms(t, x, z)");
  KOLMO_EXPECT_THROW_NAMING(wrong.with_jacobian_quadratic_forms(nullptr), "forms");
}

}  // namespace
}  // namespace kolmo::ode
