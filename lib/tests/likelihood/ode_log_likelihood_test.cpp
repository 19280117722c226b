#include "kolmo/likelihood/ode_log_likelihood.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::likelihood {
namespace {

constexpr double t_min = 1e-2;

struct Model {
  distribution::DiffusedMixture diffused = test_support::bimodal_vp_linear();
  sampling::ForwardProcess forward = sampling::ForwardProcess::of(diffused.schedule(), 2);
  score::ScoreModel exact = score::mixture_score(diffused);
  distribution::GaussianMixture p_T = diffused.marginal(1.0);
};

TEST(OdeLogLikelihood, WithTheExactScoreAndPriorItIsTheExactLogDensityWithinTheOdeErrorBound) {
  // With s = ∇log p_t and π = p_T the probability-flow ODE carries p_T to p_{t_min} exactly, so
  // log p_ODE(x) = log p_{t_min}(x); what remains is the ODE's error, which the estimate bounds.
  const Model m;
  const Eigen::ArrayXXd x = m.diffused.marginal(t_min).sample(3, 0, 300);
  const Eigen::ArrayXd exact = m.diffused.marginal(t_min).log_density(x);
  for (const ode::Method& method : {ode::Method{ode::Rk4{0.99 / 200}}, ode::Method{ode::DormandPrince{1e-7, 1e-7}}}) {
    const OdeLikelihood result =
        ode_log_likelihood(m.forward, m.exact, m.p_T, x, {.t_min = t_min, .method = method, .threads = 2});
    ASSERT_TRUE(result.status.ok()) << result.status.message;
    EXPECT_TRUE(result.failed_points.empty());
    EXPECT_TRUE(((result.log_likelihood - exact).abs() <= result.ode_error + 1e-9).all())
        << "largest miss " << (result.log_likelihood - exact).abs().maxCoeff() << ", largest bound " << result.ode_error.maxCoeff();
    EXPECT_LT(result.ode_error.maxCoeff(), 1e-3);
    EXPECT_EQ(result.probe_standard_error.abs().maxCoeff(), 0.0);
    EXPECT_NEAR(result.mean.mean, exact.mean(), 1e-3);
    EXPECT_EQ(result.mean.count, 300u);
  }
}

TEST(OdeLogLikelihood, HutchinsonAgreesWithTheExactTraceWithinItsStandardError) {
  const Model m;
  const Eigen::ArrayXXd x = m.diffused.marginal(t_min).sample(4, 0, 200);
  const OdeLikelihoodOptions exact_options{.t_min = t_min, .method = ode::Rk4{0.99 / 100}, .estimate_ode_error = false};
  OdeLikelihoodOptions hutchinson_options = exact_options;
  hutchinson_options.divergence = ode::Hutchinson{.probes = 8};
  hutchinson_options.seed = 5;
  const OdeLikelihood exact = ode_log_likelihood(m.forward, m.exact, m.p_T, x, exact_options);
  const OdeLikelihood estimated = ode_log_likelihood(m.forward, m.exact, m.p_T, x, hutchinson_options);
  ASSERT_TRUE(estimated.status.ok());
  // Per point z = (estimate − exact)/SE over the 8 probes: a t-statistic with 7 degrees of freedom,
  // |t| > 8.0 with probability 1e-4 each; the Bonferroni bound over 200 points is 0.02.
  const Eigen::ArrayXd z = (estimated.log_likelihood - exact.log_likelihood) / estimated.probe_standard_error;
  EXPECT_LT(z.abs().maxCoeff(), 8.0);
  EXPECT_GT(estimated.probe_standard_error.minCoeff(), 0.0);
}

TEST(OdeLogLikelihood, APointWhoseOdeFailsIsAStatusAndLeftOutOfTheMean) {
  const Model m;
  score::ScoreModel broken("breaks beyond x0 = 1", 2, [m](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd s = m.exact.score(t, x);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (x(i, 0) > 1.0) s.row(i).setConstant(std::numeric_limits<double>::quiet_NaN());
    }
    return s;
  });
  broken.with_divergence([m](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    return m.exact.divergence(t, x);
  });
  Eigen::ArrayXXd x(3, 2);
  x << -1.5, 1.0, 2.0, 0.0, 0.0, -0.5;
  for (const ode::Method& method : {ode::Method{ode::Rk4{0.99 / 50}}, ode::Method{ode::DormandPrince{1e-6, 1e-6}}}) {
    const OdeLikelihood result = ode_log_likelihood(m.forward, broken, m.p_T, x, {.t_min = t_min, .method = method});
    EXPECT_FALSE(result.status.ok());
    ASSERT_EQ(result.failed_points.size(), 1u);
    EXPECT_EQ(result.failed_points[0], 1u);
    EXPECT_EQ(result.status.where, "point 1");
    EXPECT_TRUE(std::isnan(result.log_likelihood(1)));
    EXPECT_TRUE(std::isfinite(result.mean.mean));
    EXPECT_EQ(result.mean.count, 2u);
  }
}

TEST(BitsPerDimension, DequantisedUniformEightBitDataHasEightBits) {
  // The uniform density on [0, 1)^d has log p = 0: with bins of 1/256 the bound is exactly 8 bits.
  EXPECT_NEAR(bits_per_dimension(0.0, 3, 1.0 / 256), 8.0, 1e-12);
  EXPECT_NEAR(bits_per_dimension(-std::log(2.0) * 2, 2, 1.0), 1.0, 1e-12);
  EXPECT_NEAR(bits_per_dimension(Eigen::ArrayXd::Constant(2, 0.0), 3, 0.5)(1), 1.0, 1e-12);
  Eigen::ArrayXXd lattice(2, 2);
  lattice << 0.0, 1.0, 2.0, 3.0;
  const Eigen::ArrayXXd y = dequantise(lattice, 0.5, 9);
  EXPECT_TRUE(((y - lattice) >= 0.0).all() && ((y - lattice) < 0.5).all());
  EXPECT_TRUE((dequantise(lattice, 0.5, 9) == y).all());
  EXPECT_FALSE((dequantise(lattice, 0.5, 10) == y).all());
  KOLMO_EXPECT_THROW_NAMING((void)bits_per_dimension(0.0, 0, 1.0), "dimension");
  KOLMO_EXPECT_THROW_NAMING((void)bits_per_dimension(0.0, 2, 0.0), "bin_width");
  KOLMO_EXPECT_THROW_NAMING((void)dequantise(lattice, -1.0, 1), "bin_width");
}

TEST(OdeLogLikelihood, BadInputIsAClearError) {
  const Model m;
  const Eigen::ArrayXXd x = m.diffused.marginal(t_min).sample(3, 0, 5);
  KOLMO_EXPECT_THROW_NAMING((void)ode_log_likelihood(m.forward, m.exact, m.p_T, Eigen::ArrayXXd::Zero(4, 3)), "points");
  KOLMO_EXPECT_THROW_NAMING((void)ode_log_likelihood(m.forward, m.exact, m.p_T, Eigen::ArrayXXd(0, 2)), "points");
  KOLMO_EXPECT_THROW_NAMING((void)ode_log_likelihood(m.forward, m.exact, m.p_T, x, {.t_min = 0.0}), "options.t_min");
  KOLMO_EXPECT_THROW_NAMING((void)ode_log_likelihood(m.forward, m.exact, m.p_T, x, {.t_min = 1.0, .t_max = 1.0}),
                            "options.t_max");
  KOLMO_EXPECT_THROW_NAMING(
      (void)ode_log_likelihood(m.forward, m.exact, m.p_T, x, {.divergence = ode::Hutchinson{.probes = 0}}),
      "options.divergence.probes");
  const score::ScoreModel no_divergence("no divergence", 2, [m](double t, const process::StateView& y) -> Eigen::ArrayXXd {
    return m.exact.score(t, y);
  });
  KOLMO_EXPECT_THROW_NAMING((void)ode_log_likelihood(m.forward, no_divergence, m.p_T, x), "options.divergence");
  KOLMO_EXPECT_THROW_NAMING((void)ode_log_likelihood(m.forward, m.exact, m.p_T, x, {.method = ode::Rosenbrock{}}),
                            "options.method");
  KOLMO_EXPECT_THROW_NAMING((void)ode_log_likelihood(m.forward, m.exact, m.p_T, x, {.method = ode::Rk4{-0.01}}),
                            "options.method.dt");
  KOLMO_EXPECT_THROW_NAMING((void)ode_log_likelihood(m.forward, m.exact, test_support::bimodal_mixture_1d(), x),
                            "prior.dimension()");
  // A prior is a Gaussian mixture, normalised by construction: weights that do not sum to 1 are refused there.
  KOLMO_EXPECT_THROW_NAMING(distribution::GaussianMixture({0.5, 0.6}, {Eigen::Vector2d::Zero(), Eigen::Vector2d::Ones()},
                                                          {Eigen::Matrix2d::Identity(), Eigen::Matrix2d::Identity()}),
                            "sum of weights");
}

}  // namespace
}  // namespace kolmo::likelihood
