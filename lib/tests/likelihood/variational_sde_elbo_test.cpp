#include "kolmo/likelihood/variational_sde_elbo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "support/expect_error.hpp"
#include "support/ou_latent_sde.hpp"

namespace kolmo::likelihood {
namespace {

using test_support::LinearDrift;
using test_support::OuLatentSde;

TEST(OuLatentSdeSupport, TheOptimalPosteriorClosesTheGapAndTheEulerChainsConvergeAtOrderOne) {
  // The support's two routes agree: the Euler-chain ELBO of a wrong drift tends to
  // log p(y) − KL(q ‖ true posterior), and its error halves with Δt (weak order 1).
  const OuLatentSde ou;
  const double y = 0.4;
  const LinearDrift wrong{[](double) { return -1.0; }, [](double) { return 0.3; }};
  const auto q0 = ou.prior_initial();
  const double limit = ou.log_evidence(y) - ou.posterior_path_gap(y, wrong, q0);
  const double e1 = ou.euler_chain_elbo(y, wrong, q0, 1000) - limit, e2 = ou.euler_chain_elbo(y, wrong, q0, 2000) - limit;
  EXPECT_NEAR(e1 / e2, 2.0, 0.01);
  EXPECT_LT(std::abs(e2), 1e-3);
  EXPECT_LT(ou.posterior_path_gap(y, ou.optimal_drift(y), ou.optimal_initial(y)), 1e-14);
  EXPECT_GT(ou.posterior_path_gap(y, wrong, q0), 0.05);
}

TEST(VariationalSdeElbo, BothEstimatorsAreUnbiasedForTheEulerChainElbo) {
  // Seeds 11 and 12; 5 SE each: a sign slip in either running term moves the mean by O(1).
  const OuLatentSde ou;
  const double y = 1.2;
  const LinearDrift h{[](double t) { return -1.5 + 0.2 * t; }, [](double) { return 0.4; }};
  const auto q0 = OuLatentSde::gaussian(0.2, 0.6);
  const double expected = ou.euler_chain_elbo(y, h, q0, 16);
  for (const ElboEstimator estimator : {ElboEstimator::expected_kl, ElboEstimator::path_log_weight}) {
    const VariationalSdeElbo elbo = variational_sde_elbo(
        ou.prior(), OuLatentSde::posterior(h, q0), ou.observation(y),
        {.steps = 16, .paths = 40000, .estimator = estimator, .seed = estimator == ElboEstimator::expected_kl ? 11u : 12u});
    ASSERT_TRUE(elbo.status.ok()) << elbo.status.message;
    EXPECT_NEAR(elbo.elbo.mean, expected, 5.0 * elbo.elbo.standard_error);
    EXPECT_DOUBLE_EQ(elbo.dt, 1.0 / 16);
    EXPECT_DOUBLE_EQ(elbo.initial_kl, distribution::gaussian_kl(q0, ou.prior_initial()));
  }
}

TEST(VariationalSdeElbo, TheLogWeightHasSmallVarianceAtTheOptimalPosterior) {
  // Its per-path spread is O(√Δt) there, while the expected-KL form keeps the spread of log p(y | x_T).
  const OuLatentSde ou;
  const double y = 0.4;
  const SdePosterior best = OuLatentSde::posterior(ou.optimal_drift(y), ou.optimal_initial(y));
  const VariationalSdeElboOptions options{.steps = 128, .paths = 2000, .seed = 3};
  VariationalSdeElboOptions kl_form = options;
  kl_form.estimator = ElboEstimator::expected_kl;
  const double weight_se = variational_sde_elbo(ou.prior(), best, ou.observation(y), options).elbo.standard_error;
  const double kl_se = variational_sde_elbo(ou.prior(), best, ou.observation(y), kl_form).elbo.standard_error;
  EXPECT_LT(weight_se, kl_se / 4);
}

TEST(VariationalSdeElbo, BitIdenticalForAnyThreadCount) {
  const OuLatentSde ou;
  const SdePosterior best = OuLatentSde::posterior(ou.optimal_drift(1.0), ou.optimal_initial(1.0));
  VariationalSdeElboOptions options{.steps = 20, .paths = 3000, .seed = 5};
  const VariationalSdeElbo one = variational_sde_elbo(ou.prior(), best, ou.observation(1.0), options);
  options.threads = 2;
  const VariationalSdeElbo two = variational_sde_elbo(ou.prior(), best, ou.observation(1.0), options);
  EXPECT_EQ(one.elbo.mean, two.elbo.mean);
  EXPECT_EQ(one.elbo.standard_error, two.elbo.standard_error);
  EXPECT_EQ(one.path_kl.mean, two.path_kl.mean);
}

TEST(VariationalSdeElbo, NonFinitePathsAreNamedAndLeftOutOfTheMean) {
  const OuLatentSde ou;
  // A posterior drift that is infinite right of x = 2: the paths that go there fail.
  const SdePosterior exploding{[](double, const process::StateView& x) -> Eigen::ArrayXXd {
                                 return (x > 2.0).select(Eigen::ArrayXXd::Constant(x.rows(), x.cols(), std::numeric_limits<double>::infinity()), -x);
                               },
                               ou.prior_initial()};
  const VariationalSdeElbo elbo = variational_sde_elbo(ou.prior(), exploding, ou.observation(0.0), {.steps = 10, .paths = 2000, .seed = 9});
  EXPECT_EQ(elbo.status.code, StatusCode::non_finite);
  EXPECT_GT(elbo.failed_paths, 0u);
  EXPECT_LT(elbo.failed_paths, 2000u);
  EXPECT_TRUE(std::isfinite(elbo.elbo.mean));
  EXPECT_NE(elbo.status.message.find("paths"), std::string::npos);
}

TEST(VariationalSdeElbo, MisuseIsRefusedNamingTheParameter) {
  const OuLatentSde ou;
  const SdePosterior q = OuLatentSde::posterior(ou.optimal_drift(0.0), ou.optimal_initial(0.0));
  const auto y = ou.observation(0.0);
  LatentSdePrior bad_b = ou.prior();
  bad_b.diffusion = 0.0;
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(bad_b, q, y), "prior.diffusion");
  bad_b.diffusion = -1.0;
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(bad_b, q, y), "prior.diffusion");
  SdePosterior two_d = q;
  two_d.initial = distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2));
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), two_d, y), "posterior.initial.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), q, y, {.steps = 0}), "options.steps");
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), q, y, {.horizon = -1.0}), "options.horizon");
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), q, y, {.paths = 1}), "options.paths");
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), q, y, {.steps = 8, .brownian_fine_steps = 12}),
                            "options.brownian_fine_steps");
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), q, y, {.threads = 0}), "options.threads");
  SdePosterior wide = q;
  wide.drift = [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Zero(x.rows(), 2); };
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), wide, y), "posterior.drift");
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), q, ObservationLogLikelihood{}), "log_likelihood");
  // One value for the single-row shape check, then one short for the batch: refused, never read out of bounds.
  const ObservationLogLikelihood short_by_one = [](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd {
    return Eigen::ArrayXd::Zero(std::max<Eigen::Index>(1, x.rows() - 1));
  };
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(ou.prior(), q, short_by_one, {.steps = 2, .paths = 10}),
                            "log_likelihood(x_T).size()");
  LatentSdePrior mixture_prior = ou.prior();
  mixture_prior.initial = distribution::GaussianMixture({0.5, 0.5}, {Eigen::VectorXd::Constant(1, -1.0), Eigen::VectorXd::Constant(1, 1.0)},
                                                        {Eigen::MatrixXd::Identity(1, 1), Eigen::MatrixXd::Identity(1, 1)});
  KOLMO_EXPECT_THROW_NAMING((void)variational_sde_elbo(mixture_prior, q, y), "prior.initial.components()");
}

}  // namespace
}  // namespace kolmo::likelihood
