// One step of every scheme against its published formula written out by hand, on a batch of two
// paths with chosen increments, plus each scheme's refusals. The order of each scheme is held to
// its advertised value by the verification cases (verification/cases/sde_cases.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/process/geometric_brownian_motion.hpp"
#include "kolmo/process/kloeden_platen.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/exact_linear.hpp"
#include "kolmo/sde/milstein.hpp"
#include "kolmo/sde/platen_weak2.hpp"
#include "kolmo/sde/rossler_sra1.hpp"
#include "kolmo/sde/stochastic_heun.hpp"
#include "support/expect_error.hpp"

namespace kolmo::sde {
namespace {

constexpr double lambda = 0.3, mu = 0.4, t = 0.2, h = 0.1;
const process::GeometricBrownianMotion gbm(lambda, mu);

Eigen::ArrayXXd column(double a, double b) {
  Eigen::ArrayXXd x(2, 1);
  x << a, b;
  return x;
}

const Eigen::ArrayXXd x0 = column(1.5, 0.7);
const Eigen::ArrayXXd dw = column(0.05, -0.2);

template <class S>
Eigen::ArrayXXd one_step(const S& scheme, const process::Sde& sde, double step, const Eigen::ArrayXXd& areas = {}) {
  Eigen::ArrayXXd x = x0;
  scheme.make_stepper(sde)->step(t, step, x, {dw, areas.size() > 0 ? &areas : nullptr});
  return x;
}

TEST(EulerMaruyama, OneStepIsXPlusFhPlusGdW) {
  for (double step : {h, -h}) {  // backwards: drift uses the signed step, noise is unchanged
    const Eigen::ArrayXXd expected = x0 + lambda * x0 * step + mu * x0 * dw;
    EXPECT_TRUE(one_step(EulerMaruyama{step}, gbm.sde(), step).isApprox(expected, 1e-15));
  }
}

TEST(Milstein, OneStepAddsHalfGGPrimeTimesDW2MinusH) {
  const Eigen::ArrayXXd ito = x0 + lambda * x0 * h + mu * x0 * dw + 0.5 * mu * x0 * mu * (dw.square() - h);
  EXPECT_TRUE(one_step(Milstein{h}, gbm.sde(), h).isApprox(ito, 1e-15));
  const Eigen::ArrayXXd backward = x0 - lambda * x0 * h + mu * x0 * dw + 0.5 * mu * x0 * mu * (dw.square() - h);
  EXPECT_TRUE(one_step(Milstein{-h}, gbm.sde(), -h).isApprox(backward, 1e-15));
  const Eigen::ArrayXXd stratonovich = x0 + lambda * x0 * h + mu * x0 * dw + 0.5 * mu * x0 * mu * dw.square();
  EXPECT_TRUE(one_step(Milstein{h}, gbm.stratonovich_sde(), h).isApprox(stratonovich, 1e-15));
}

TEST(PlatenWeak2, OneStepIsKloedenPlaten15_1_1) {
  const double root = std::sqrt(h);
  const Eigen::ArrayXXd support = x0 + lambda * x0 * h + mu * x0 * dw;
  const Eigen::ArrayXXd plus = x0 + lambda * x0 * h + mu * x0 * root;
  const Eigen::ArrayXXd minus = x0 + lambda * x0 * h - mu * x0 * root;
  const Eigen::ArrayXXd expected = x0 + 0.5 * (lambda * support + lambda * x0) * h +
                                   0.25 * (mu * plus + mu * minus + 2 * mu * x0) * dw +
                                   0.25 * (mu * plus - mu * minus) * (dw.square() - h) / root;
  EXPECT_TRUE(one_step(PlatenWeak2{h}, gbm.sde(), h).isApprox(expected, 1e-15));
}

TEST(StochasticHeun, OneStepIsTheTrapezoidOnAnEulerPredictor) {
  const Eigen::ArrayXXd predictor = x0 + lambda * x0 * h + mu * x0 * dw;
  const Eigen::ArrayXXd expected = x0 + 0.5 * (lambda * x0 + lambda * predictor) * h + 0.5 * (mu * x0 + mu * predictor) * dw;
  EXPECT_TRUE(one_step(StochasticHeun{h}, gbm.stratonovich_sde(), h).isApprox(expected, 1e-15));
}

TEST(RosslerSra1, OneStepIsRosslerTable6_1) {
  const double alpha = 0.5, beta = 1.5;
  const process::AdditiveTestSde model(alpha, beta);
  const auto f = [&](double s, const Eigen::ArrayXXd& x) { return beta / std::sqrt(1 + s) - x / (2 * (1 + s)); };
  const auto g = [&](double s) { return alpha * beta / std::sqrt(1 + s); };
  const Eigen::ArrayXXd areas = column(0.004, -0.01);
  const Eigen::ArrayXXd stage = x0 + 0.75 * f(t, x0) * h + 1.5 * g(t + h) * areas / h;
  const Eigen::ArrayXXd expected = x0 + (f(t, x0) / 3 + 2 * f(t + 0.75 * h, stage) / 3) * h +
                                   g(t + h) * (dw - areas / h) + g(t) * areas / h;
  EXPECT_TRUE(one_step(RosslerSra1{h}, model.sde(), h, areas).isApprox(expected, 1e-15));
}

TEST(ExactLinear, OneStepIsTheOrnsteinUhlenbeckTransitionDrivenByDWOverRootH) {
  const double theta = 1.2, m = 0.5, sigma = 0.8;
  const process::LinearSde ou = process::LinearSde::ornstein_uhlenbeck(
      Eigen::MatrixXd::Constant(1, 1, theta), Eigen::VectorXd::Constant(1, m), Eigen::MatrixXd::Constant(1, 1, sigma));
  const double decay = std::exp(-theta * h);
  const double sd = sigma * std::sqrt((1 - decay * decay) / (2 * theta));
  const Eigen::ArrayXXd expected = m + (x0 - m) * decay + sd * dw / std::sqrt(h);
  EXPECT_TRUE(one_step(ExactLinear{h, ou}, ou.sde(), h).isApprox(expected, 1e-13));
  // Backwards the reversed-clock equation dX = −θ(m − X) dτ + σ dW̄ is sampled: growth e^{θh}.
  const double growth = std::exp(theta * h);
  const double sd_back = sigma * std::sqrt((growth * growth - 1) / (2 * theta));
  const Eigen::ArrayXXd backward = m + (x0 - m) * growth + sd_back * dw / std::sqrt(h);
  EXPECT_TRUE(one_step(ExactLinear{-h, ou}, ou.sde(), -h).isApprox(backward, 1e-13));
}

TEST(Schemes, RefuseNoiseStructuresAndCalculiTheyDoNotApproximate) {
  const process::Sde general = process::Sde::general(
      "general", 1, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Ones(x.rows(), 2); });
  KOLMO_EXPECT_THROW_NAMING((void)Milstein{h}.make_stepper(general), "sde.noise()");
  KOLMO_EXPECT_THROW_NAMING((void)PlatenWeak2{h}.make_stepper(general), "sde.noise()");
  KOLMO_EXPECT_THROW_NAMING((void)RosslerSra1{h}.make_stepper(gbm.sde()), "sde.noise()");
  KOLMO_EXPECT_THROW_NAMING((void)EulerMaruyama{h}.make_stepper(gbm.stratonovich_sde()), "sde.calculus()");
  KOLMO_EXPECT_THROW_NAMING((void)StochasticHeun{h}.make_stepper(gbm.sde()), "sde.calculus()");
  const process::Sde no_derivative = process::Sde::diagonal(
      "no-derivative", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x; });
  KOLMO_EXPECT_THROW_NAMING((void)Milstein{h}.make_stepper(no_derivative), "sde.diffusion_derivative");
  const process::LinearSde two_d(Eigen::MatrixXd::Identity(2, 2), Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2));
  const ExactLinear exact_two_d{h, two_d};
  KOLMO_EXPECT_THROW_NAMING((void)exact_two_d.make_stepper(gbm.sde()), "linear.dimension()");
}

}  // namespace
}  // namespace kolmo::sde
