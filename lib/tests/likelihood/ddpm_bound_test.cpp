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

TEST(DdpmBound, TheLossWeightTurnsTheMeanTermIntoTheEpsilonLoss) {
  // Ho et al. 2020, eq. 8–12: with x_i = √ᾱ_i x_0 + √(1 − ᾱ_i) ε and ε̂ = −√(1 − ᾱ_i) s(x_i), the
  // KL's mean term |μ̃_i − μ_θ|²/σ_i² equals λ_i |ε − ε̂|² for ANY score (here a wrong one), so
  // λ_i ≡ 1 is the simple loss. Checked at every step for both variance choices to 1e-10 relative.
  const Model m;
  const auto& s = m.schedule;
  const score::ScoreModel wrong("0.7 s + 0.1", 1, [exact = m.exact](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    return 0.7 * exact.score(t, x) + 0.1;
  });
  const double x0 = 0.8, eps = -1.3;
  for (std::size_t i = 2; i <= s.steps(); ++i) {
    const double alpha_bar = s.alpha_bar(i), before = s.alpha_bar(i - 1), beta = s.beta(i);
    const double xi = std::sqrt(alpha_bar) * x0 + std::sqrt(1.0 - alpha_bar) * eps;
    const double score = wrong.score(s.time_of(i), Eigen::ArrayXXd::Constant(1, 1, xi))(0, 0);
    const double eps_hat = -std::sqrt(1.0 - alpha_bar) * score;
    const double x0_hat = (xi + (1.0 - alpha_bar) * score) / std::sqrt(alpha_bar);
    const double c = std::sqrt(before) * beta / (1.0 - alpha_bar);  // μ = c x̂_0 + e x_i: the x_i terms cancel
    const double mean_gap2 = c * c * (x0 - x0_hat) * (x0 - x0_hat);
    for (const ReverseVariance& variance : {ReverseVariance{BetaVariance{}}, ReverseVariance{PosteriorVariance{}}}) {
      const double lhs = mean_gap2 / reverse_variance(s, variance, i);
      const double rhs = ddpm_loss_weight(s, variance, i) * (eps - eps_hat) * (eps - eps_hat);
      EXPECT_NEAR(lhs, rhs, 1e-10 * std::abs(rhs)) << "step " << i;
    }
  }
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
