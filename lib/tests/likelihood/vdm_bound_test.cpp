#include "kolmo/likelihood/vdm_bound.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/distribution/gaussian_kl.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/expect_error.hpp"
#include "support/vdm_gaussian.hpp"

namespace kolmo::likelihood {
namespace {

struct GaussianData {
  double m = 0.5, s2 = 0.09;
  process::NoiseSchedule schedule = process::NoiseSchedule::vp_linear();
  distribution::GaussianMixture data =
      distribution::GaussianMixture::gaussian(Eigen::VectorXd::Constant(1, m), Eigen::MatrixXd::Constant(1, 1, s2));
  score::ScoreModel exact = score::mixture_score({data, schedule});
  distribution::GaussianMixture standard =
      distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));
};

TEST(VdmBound, ContinuousLossOfGaussianDataMatchesTheClosedForm) {
  // Seed 21, 20000 draws, 5 SE: a weight off by a factor (e.g. log SNR's range without its 2) moves it by O(1).
  const GaussianData g;
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(3, 1) << -0.1, 0.5, 1.3).finished();
  const VdmBound bound = vdm_bound(g.schedule, g.exact, g.standard, x, {.t_min = 1e-3, .draws = 20000, .seed = 21});
  ASSERT_TRUE(bound.status.ok()) << bound.status.message;
  const double snr_max = g.schedule.snr(1e-3), snr_min = g.schedule.snr(1.0);
  for (Eigen::Index p = 0; p < x.rows(); ++p) {
    const double expected = test_support::vdm_gaussian_continuous_loss(x(p, 0), g.m, g.s2, snr_min, snr_max);
    EXPECT_NEAR(bound.diffusion_loss(p), expected, 5.0 * bound.standard_error(p)) << "point " << p;
    // The closed-form terms and the sum.
    EXPECT_NEAR(bound.reconstruction_term(p), 0.5 * (1.0 + std::log(2.0 * std::numbers::pi / snr_max)), 1e-12);
    const auto q_T = distribution::GaussianMixture::gaussian(
        Eigen::VectorXd::Constant(1, g.schedule.alpha(1.0) * x(p, 0)),
        Eigen::MatrixXd::Constant(1, 1, g.schedule.sigma(1.0) * g.schedule.sigma(1.0)));
    EXPECT_NEAR(bound.prior_term(p), distribution::gaussian_kl(q_T, g.standard), 1e-14);
    EXPECT_NEAR(bound.bound(p), -(bound.prior_term(p) + bound.reconstruction_term(p) + bound.diffusion_loss(p)), 1e-9);
  }
}

TEST(VdmBound, TheStepLossSharesItsDrawsWithTheContinuousOneAndApproachesIt) {
  // Same seed: the T-step loss uses the continuous draw's interval and ε, so L_T − L_∞ is precise,
  // and it shrinks as T grows (by ≥ 2x from T = 8 to 64 at these points).
  const GaussianData g;
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(2, 1) << 0.2, 0.9).finished();
  const VdmBoundOptions base{.t_min = 1e-3, .draws = 4000, .seed = 22};
  const VdmBound continuous = vdm_bound(g.schedule, g.exact, g.standard, x, base);
  VdmBoundOptions coarse = base, fine = base;
  coarse.steps = 8;
  fine.steps = 64;
  const Eigen::ArrayXd d8 = vdm_bound(g.schedule, g.exact, g.standard, x, coarse).diffusion_loss - continuous.diffusion_loss;
  const Eigen::ArrayXd d64 = vdm_bound(g.schedule, g.exact, g.standard, x, fine).diffusion_loss - continuous.diffusion_loss;
  EXPECT_TRUE((d64.abs() * 2.0 < d8.abs()).all()) << d8.transpose() << " / " << d64.transpose();
}

TEST(VdmBound, BitIdenticalForAnyThreadCount) {
  const GaussianData g;
  const Eigen::ArrayXXd x = g.data.sample(3, 0, 5);
  VdmBoundOptions options{.steps = 10, .draws = 300, .seed = 4};
  const VdmBound one = vdm_bound(g.schedule, g.exact, g.standard, x, options);
  options.threads = 2;
  const VdmBound two = vdm_bound(g.schedule, g.exact, g.standard, x, options);
  EXPECT_TRUE((one.bound == two.bound).all());
  EXPECT_TRUE((one.standard_error == two.standard_error).all());
}

TEST(VdmBound, NonFiniteScoresFailTheirPointOnly) {
  const GaussianData g;
  // Infinite right of z = 10, which point 0 (|z| ≤ σ|ε| < 10) never reaches and point 1 (z ≈ 30 at small t) does.
  const score::ScoreModel broken("infinite right of 10", 1, [](double, const process::StateView& z) -> Eigen::ArrayXXd {
    return (z > 10.0).select(Eigen::ArrayXXd::Constant(z.rows(), 1, std::numeric_limits<double>::infinity()), -z);
  });
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(2, 1) << 0.0, 30.0).finished();
  const VdmBound bound = vdm_bound(g.schedule, broken, g.standard, x, {.t_min = 1e-2, .draws = 50, .seed = 5});
  EXPECT_EQ(bound.status.code, StatusCode::non_finite);
  ASSERT_EQ(bound.failed_points.size(), 1u);
  EXPECT_EQ(bound.failed_points[0], 1u);
  EXPECT_TRUE(std::isfinite(bound.bound(0)));
  EXPECT_TRUE(std::isnan(bound.bound(1)));
  EXPECT_TRUE(std::isfinite(bound.mean.mean));
}

TEST(VdmBound, MisuseIsRefusedNamingTheParameter) {
  const GaussianData g;
  const Eigen::ArrayXXd x = Eigen::ArrayXXd::Zero(2, 1);
  KOLMO_EXPECT_THROW_NAMING((void)vdm_bound(g.schedule, g.exact, g.standard, x, {.t_min = 0.0}), "options.t_min");
  KOLMO_EXPECT_THROW_NAMING((void)vdm_bound(g.schedule, g.exact, g.standard, x, {.t_min = 0.5, .t_max = 0.4}), "options.t_max");
  KOLMO_EXPECT_THROW_NAMING((void)vdm_bound(g.schedule, g.exact, g.standard, x, {.t_max = 2.0}), "options.t_max");
  KOLMO_EXPECT_THROW_NAMING((void)vdm_bound(g.schedule, g.exact, g.standard, x, {.draws = 1}), "options.draws");
  KOLMO_EXPECT_THROW_NAMING((void)vdm_bound(g.schedule, g.exact, g.standard, x, {.threads = 0}), "options.threads");
  KOLMO_EXPECT_THROW_NAMING((void)vdm_bound(g.schedule, g.exact, g.standard, Eigen::ArrayXXd::Zero(2, 2)), "points");
  const distribution::GaussianMixture two({0.5, 0.5}, {Eigen::VectorXd::Constant(1, -1.0), Eigen::VectorXd::Constant(1, 1.0)},
                                          {Eigen::MatrixXd::Identity(1, 1), Eigen::MatrixXd::Identity(1, 1)});
  KOLMO_EXPECT_THROW_NAMING((void)vdm_bound(g.schedule, g.exact, two, x), "prior.components()");
  KOLMO_EXPECT_THROW_NAMING((void)vdm_bound(g.schedule, g.exact, g.standard, Eigen::ArrayXXd(0, 1)), "points");
}

}  // namespace
}  // namespace kolmo::likelihood
