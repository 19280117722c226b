#include "kolmo/likelihood/ddpm_bound.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::likelihood {
namespace {

struct Model {
  process::DiscreteSchedule schedule = process::DiscreteSchedule::linear(20, 5e-3, 0.5);
  distribution::GaussianMixture data = test_support::bimodal_mixture_1d();
  score::ScoreModel exact = score::mixture_score({data, schedule.as_continuous()});
  distribution::GaussianMixture standard =
      distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));
};

TEST(DdpmBound, VariancesAndLossWeightsFollowHoEtAl) {
  const Model m;
  const auto& s = m.schedule;
  for (std::size_t i = 2; i <= s.steps(); ++i) {
    const double tilde = (1.0 - s.alpha_bar(i - 1)) * s.beta(i) / (1.0 - s.alpha_bar(i));
    EXPECT_DOUBLE_EQ(reverse_variance(s, PosteriorVariance{}, i), tilde);
    EXPECT_DOUBLE_EQ(reverse_variance(s, BetaVariance{}, i), s.beta(i));
    // λ_i = β_i²/(σ_i² (1 − β_i)(1 − ᾱ_i)) (Ho et al. 2020, eq. 12, without its ½).
    EXPECT_DOUBLE_EQ(ddpm_loss_weight(s, BetaVariance{}, i), s.beta(i) / ((1.0 - s.beta(i)) * (1.0 - s.alpha_bar(i))));
  }
  // The decoder uses β_1 with either choice (β̃_1 = 0).
  EXPECT_DOUBLE_EQ(reverse_variance(s, PosteriorVariance{}, 1), s.beta(1));
  KOLMO_EXPECT_THROW_NAMING((void)reverse_variance(s, BetaVariance{}, 0), "i");
  KOLMO_EXPECT_THROW_NAMING((void)reverse_variance(s, BetaVariance{}, 21), "i");
}

TEST(DdpmBound, TheBoundIsBelowTheDataLogDensityOnAverageAndItsPartsAddUp) {
  // E_x[bound] ≤ E_x[log p_θ(x)] = −H(p_data, p_θ) ≤ −H(p_data) = E_x[log p_data(x)] (Gibbs), for
  // any model: the mean bound over data points is not above their mean log-density (4 SE).
  const Model m;
  const Eigen::ArrayXXd x = m.data.sample(3, 0, 100);
  const DdpmBound bound = ddpm_bound(m.schedule, m.exact, m.standard, x, {.draws = 200, .seed = 4});
  ASSERT_TRUE(bound.status.ok());
  EXPECT_LT(bound.mean.mean, m.data.log_density(x).mean() + 4.0 * bound.mean.standard_error);
  EXPECT_LT((bound.bound + bound.prior_term + bound.denoising_terms).abs().maxCoeff(), 1e-9);
}

TEST(DdpmBound, BitIdenticalForAnyThreadCount) {
  const Model m;
  const Eigen::ArrayXXd x = m.data.sample(5, 0, 7);
  DdpmBoundOptions options{.draws = 50, .seed = 6};
  const DdpmBound one = ddpm_bound(m.schedule, m.exact, m.standard, x, options);
  options.threads = 2;
  const DdpmBound two = ddpm_bound(m.schedule, m.exact, m.standard, x, options);
  EXPECT_TRUE((one.bound == two.bound).all());
  EXPECT_TRUE((one.standard_error == two.standard_error).all());
}

TEST(DdpmBound, BadInputIsAClearErrorNamingTheParameter) {
  const Model m;
  const Eigen::ArrayXXd x = Eigen::ArrayXXd::Zero(3, 1);
  KOLMO_EXPECT_THROW_NAMING((void)ddpm_bound(m.schedule, m.exact, m.standard, Eigen::ArrayXXd(0, 1)), "points");
  KOLMO_EXPECT_THROW_NAMING((void)ddpm_bound(m.schedule, m.exact, m.standard, Eigen::ArrayXXd::Zero(3, 2)), "points");
  Eigen::ArrayXXd bad = x;
  bad(2, 0) = std::numeric_limits<double>::infinity();
  KOLMO_EXPECT_THROW_NAMING((void)ddpm_bound(m.schedule, m.exact, m.standard, bad), "points(2, 0)");
  const auto two_d = distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2));
  KOLMO_EXPECT_THROW_NAMING((void)ddpm_bound(m.schedule, m.exact, two_d, x), "prior.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)ddpm_bound(m.schedule, m.exact, m.standard, x, {.draws = 1}), "options.draws");
  KOLMO_EXPECT_THROW_NAMING((void)ddpm_bound(m.schedule, m.exact, m.standard, x, {.threads = 0}), "options.threads");
  KOLMO_EXPECT_THROW_NAMING(
      (void)ddpm_bound(m.schedule, m.exact, m.standard, x, {.variance = GivenVariance{{1.0, 2.0}}}),
      "options.variance.variances.size()");
  std::vector<double> variances(20, 0.1);
  variances[7] = -1.0;
  KOLMO_EXPECT_THROW_NAMING((void)ddpm_bound(m.schedule, m.exact, m.standard, x, {.variance = GivenVariance{variances}}),
                            "options.variance.variances[7]");
}

}  // namespace
}  // namespace kolmo::likelihood
