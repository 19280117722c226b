#include "kolmo/process/sde.hpp"

#include <gtest/gtest.h>

#include "support/expect_error.hpp"

namespace kolmo::process {
namespace {

Eigen::ArrayXXd minus_x(double, const StateView& x) { return -x; }

TEST(Sde, EvaluatesEachNoiseKindInTheBatchLayout) {
  const Sde additive = Sde::additive("a", 2, 3, minus_x, [](double t) -> Eigen::MatrixXd {
    return Eigen::MatrixXd::Constant(2, 3, t);
  });
  Eigen::ArrayXXd x(4, 2);
  x << 1, 2, 3, 4, 5, 6, 7, 8;
  EXPECT_TRUE(additive.drift(0.0, x).isApprox(-x));
  EXPECT_EQ(additive.diffusion_matrix(0.5)(1, 2), 0.5);
  EXPECT_EQ(additive.noise(), NoiseKind::additive);

  const Sde general = Sde::general("g", 2, 3, minus_x, [](double, const StateView& y) -> Eigen::ArrayXXd {
    return Eigen::ArrayXXd::Ones(y.rows(), 6);
  });
  EXPECT_EQ(general.diffusion(0.0, x).cols(), 6);
}

TEST(Sde, ACoefficientReturningTheWrongShapeIsNamedWithBothShapes) {
  const Sde wrong = Sde::diagonal(
      "wrong", 2, [](double, const StateView& x) -> Eigen::ArrayXXd { return x.leftCols(1); },
      [](double, const StateView& x) -> Eigen::ArrayXXd { return x; });
  const Eigen::ArrayXXd x = Eigen::ArrayXXd::Ones(3, 2);
  try {
    (void)wrong.drift(0.0, x);
    FAIL() << "expected kolmo::Error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("'drift(t, x)' = 3x1"), std::string::npos) << message;
    EXPECT_NE(message.find("3x2"), std::string::npos) << message;
  }
  KOLMO_EXPECT_THROW_NAMING((void)wrong.drift(0.0, Eigen::ArrayXXd::Ones(3, 5)), "x");
}

TEST(Sde, MisuseIsRefusedNamingTheParameter) {
  const auto g = [](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Ones(1, 1); };
  KOLMO_EXPECT_THROW_NAMING(Sde::additive("", 1, 1, minus_x, g), "name");
  KOLMO_EXPECT_THROW_NAMING(Sde::additive("a", 0, 1, minus_x, g), "dimension");
  KOLMO_EXPECT_THROW_NAMING(Sde::additive("a", 1, 0, minus_x, g), "noise_dimension");
  KOLMO_EXPECT_THROW_NAMING(Sde::additive("a", 1, 1, nullptr, g), "drift");
  KOLMO_EXPECT_THROW_NAMING(Sde::additive("a", 1, 1, minus_x, nullptr), "diffusion");
  Sde additive = Sde::additive("a", 1, 1, minus_x, g);
  KOLMO_EXPECT_THROW_NAMING(additive.with_diffusion_derivative(minus_x), "noise");
  KOLMO_EXPECT_THROW_NAMING((void)additive.diffusion(0.0, Eigen::ArrayXXd::Ones(1, 1)), "noise");
  KOLMO_EXPECT_THROW_NAMING((void)additive.drift_divergence(0.0, Eigen::ArrayXXd::Ones(1, 1)), "drift_divergence");
  const Sde wrong_g = Sde::additive("a", 1, 1, minus_x, [](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Ones(2, 1); });
  KOLMO_EXPECT_THROW_NAMING((void)wrong_g.diffusion_matrix(0.0), "diffusion(t)");
}

TEST(Sde, DeclarationsAndTheProductGGPrime) {
  const auto g = [](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Ones(1, 1); };
  Sde additive = Sde::additive("a", 1, 1, minus_x, g);
  EXPECT_EQ(additive.time_dependence(), TimeDependence::time_dependent);  // the safe default
  EXPECT_TRUE(additive.with_time_dependence(TimeDependence::autonomous).is_autonomous());
  EXPECT_FALSE(additive.has_state_space());
  KOLMO_EXPECT_THROW_NAMING(additive.with_diffusion_derivative_product(minus_x), "noise");
  KOLMO_EXPECT_THROW_NAMING((void)additive.diffusion_derivative_product(0.0, Eigen::ArrayXXd::Ones(1, 1)),
                            "diffusion_derivative_product");
  // Diagonal noise g = 2x: from ∂g/∂x = 2 the product is g · 2 = 4x; a supplied product wins.
  Sde diagonal = Sde::diagonal("d", 1, minus_x, [](double, const StateView& x) -> Eigen::ArrayXXd { return 2.0 * x; });
  diagonal.with_diffusion_derivative([](double, const StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Constant(x.rows(), 1, 2.0); });
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(2, 1) << 0.5, -1.0).finished();
  EXPECT_TRUE((diagonal.diffusion_derivative_product(0.0, x) == 4.0 * x).all());
  diagonal.with_diffusion_derivative_product([](double, const StateView& y) -> Eigen::ArrayXXd { return y; });
  EXPECT_TRUE((diagonal.diffusion_derivative_product(0.0, x) == x).all());
  KOLMO_EXPECT_THROW_NAMING(diagonal.with_diffusion_derivative_product(nullptr), "product");
  KOLMO_EXPECT_THROW_NAMING(diagonal.with_state_space(Eigen::VectorXd::Constant(1, NAN), Eigen::VectorXd::Ones(1)), "lower[0]");
}

}  // namespace
}  // namespace kolmo::process
