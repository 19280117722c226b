#include "kolmo/process/double_well.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_error.hpp"

namespace kolmo::process {
namespace {

TEST(DoubleWellLangevin, GibbsLawIsNormalisedSymmetricAndTheCdfDifferentiatesToTheDensity) {
  const DoubleWellLangevin model(1.0, 0.5);
  EXPECT_NEAR(model.gibbs_cdf(10.0), 1.0, 1e-12);
  EXPECT_NEAR(model.gibbs_cdf(-10.0), 0.0, 1e-12);
  EXPECT_NEAR(model.gibbs_cdf(0.0), 0.5, 1e-12);
  EXPECT_NEAR(model.gibbs_cdf(0.7) + model.gibbs_cdf(-0.7), 1.0, 1e-12);
  for (double x : {-1.3, -0.2, 0.9}) {
    const double eps = 1e-5;
    EXPECT_NEAR((model.gibbs_cdf(x + eps) - model.gibbs_cdf(x - eps)) / (2 * eps), model.gibbs_density(x), 1e-7);
  }
  // Bimodal: density at the wells exceeds the barrier by exp(h / D) = e².
  EXPECT_NEAR(model.gibbs_density(1.0) / model.gibbs_density(0.0), std::exp(2.0), 1e-12);
}

TEST(DoubleWellLangevin, DriftIsMinusTheGradientOfThePotentialAndDivergenceItsLaplacian) {
  const DoubleWellLangevin model(1.5, 0.3);
  const Sde sde = model.sde();
  Eigen::ArrayXXd x(3, 1);
  x << -1.2, 0.1, 0.8;
  const Eigen::ArrayXXd f = sde.drift(0.0, x);
  const Eigen::ArrayXXd div = sde.drift_divergence(0.0, x);
  for (Eigen::Index i = 0; i < 3; ++i) {
    const double eps = 1e-5;
    const double gradient = (model.potential(x(i, 0) + eps) - model.potential(x(i, 0) - eps)) / (2 * eps);
    EXPECT_NEAR(f(i, 0), -gradient, 1e-8);
    const double laplacian = (model.potential(x(i, 0) + eps) - 2 * model.potential(x(i, 0)) + model.potential(x(i, 0) - eps)) / (eps * eps);
    EXPECT_NEAR(div(i, 0), -laplacian, 1e-4);
  }
  EXPECT_DOUBLE_EQ(sde.diffusion_matrix(0.0)(0, 0), std::sqrt(0.6));
}

TEST(DoubleWellLangevin, RefusesNonPositiveParameters) {
  KOLMO_EXPECT_THROW_NAMING(DoubleWellLangevin(0.0, 1.0), "barrier_height");
  KOLMO_EXPECT_THROW_NAMING(DoubleWellLangevin(1.0, -1.0), "temperature");
}

}  // namespace
}  // namespace kolmo::process
