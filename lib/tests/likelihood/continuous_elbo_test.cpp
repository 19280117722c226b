#include "kolmo/likelihood/continuous_elbo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::likelihood {
namespace {

struct Model {
  distribution::DiffusedMixture diffused = test_support::bimodal_vp_linear();
  score::ScoreModel exact = score::mixture_score(diffused);
  distribution::GaussianMixture p_T = diffused.marginal(1.0);
};

TEST(ContinuousElbo, WithTheExactScoreItIsTheLogDensityWithinItsStandardError) {
  // Tight for s = ∇log p_t and π = p_T (continuous_elbo.hpp): 10 points, their mean z-score
  // (independent per point) within 4/√10 of 0, each |z| within 4.5 (Bonferroni over 10 at 7e-5).
  const Model m;
  const Eigen::ArrayXXd x = m.diffused.marginal(1e-2).sample(11, 0, 10);
  const ContinuousElbo elbo = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, {.t_min = 1e-2, .draws = 2000, .seed = 5});
  ASSERT_TRUE(elbo.status.ok());
  const Eigen::ArrayXd z = (elbo.elbo - m.diffused.marginal(1e-2).log_density(x)) / elbo.standard_error;
  EXPECT_LT(z.abs().maxCoeff(), 4.5) << z.transpose();
  EXPECT_LT(std::abs(z.mean()), 4.0 / std::sqrt(10.0)) << z.transpose();
  // The parts add up, draw by draw, so their means do.
  EXPECT_LT((elbo.prior_term - elbo.diffusion_term - elbo.elbo).abs().maxCoeff(), 1e-9);
  EXPECT_EQ(elbo.mean.count, 10u);
}

TEST(ContinuousElbo, HutchinsonAgreesWithTheExactDivergenceWithinTheirStandardErrors) {
  const Model m;
  const Eigen::ArrayXXd x = m.diffused.marginal(1e-2).sample(12, 0, 6);
  const ContinuousElboOptions exact_options{.t_min = 1e-2, .draws = 1000, .seed = 6};
  ContinuousElboOptions probe_options = exact_options;
  probe_options.divergence = ode::Hutchinson{.probes = 4};
  const ContinuousElbo exact = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, exact_options);
  const ContinuousElbo probed = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, probe_options);
  // Same times and forward draws, so the difference is the probes' noise alone: it is within
  // 4.5 of the larger SE (a conservative scale for the difference's own SE).
  const Eigen::ArrayXd z = (probed.elbo - exact.elbo) / probed.standard_error.max(exact.standard_error);
  EXPECT_LT(z.abs().maxCoeff(), 4.5) << z.transpose();
  EXPECT_FALSE((probed.elbo == exact.elbo).all());
}

TEST(ContinuousElbo, BitIdenticalForAnyThreadCount) {
  const Model m;
  const Eigen::ArrayXXd x = m.diffused.marginal(1e-2).sample(13, 0, 5);
  ContinuousElboOptions options{.t_min = 1e-2, .draws = 64, .seed = 7};
  const ContinuousElbo one = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options);
  options.threads = 2;
  const ContinuousElbo two = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options);
  EXPECT_TRUE((one.elbo == two.elbo).all());
  EXPECT_TRUE((one.standard_error == two.standard_error).all());
}

TEST(ContinuousElbo, APointWithANonFiniteDrawIsAStatusNotANaNInTheMean) {
  const Model m;
  // A score that overflows right of x = 3: the point at x = 3.5 has non-finite draws.
  const score::ScoreModel broken =
      score::ScoreModel("overflowing", 2, [exact = m.exact](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        Eigen::ArrayXXd s = exact.score(t, x);
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
          if (x(i, 0) > 3.0) s.row(i).setConstant(std::numeric_limits<double>::infinity());
        }
        return s;
      }).with_divergence([exact = m.exact](double t, const process::StateView& x) { return exact.divergence(t, x); });
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(3, 2) << 0.0, 0.0, 1.0, -0.5, 3.5, 0.0).finished();
  const ContinuousElbo elbo = continuous_elbo(m.diffused.schedule(), broken, m.p_T, x, {.t_min = 1e-2, .draws = 32});
  EXPECT_FALSE(elbo.status.ok());
  EXPECT_NE(elbo.status.where.find("point 2"), std::string::npos) << elbo.status.where;
  EXPECT_EQ(elbo.failed_points, std::vector<std::size_t>{2});
  EXPECT_TRUE(std::isnan(elbo.elbo(2)));
  EXPECT_TRUE(std::isfinite(elbo.mean.mean));
  EXPECT_EQ(elbo.mean.count, 2u);
}

TEST(ContinuousElbo, BadInputIsAClearErrorNamingTheParameter) {
  const Model m;
  const auto& schedule = m.diffused.schedule();
  const Eigen::ArrayXXd x = Eigen::ArrayXXd::Zero(3, 2);
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, m.p_T, Eigen::ArrayXXd(0, 2)), "points");
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, m.p_T, Eigen::ArrayXXd::Zero(3, 1)), "points");
  Eigen::ArrayXXd nan_points = x;
  nan_points(1, 1) = std::numeric_limits<double>::quiet_NaN();
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, m.p_T, nan_points), "points(1, 1)");
  const auto one_d = distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, one_d, x), "prior.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, m.p_T, x, {.t_min = 0.0}), "options.t_min");
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, m.p_T, x, {.t_min = 0.5, .t_max = 0.4}), "options.t_max");
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, m.p_T, x, {.t_max = 2.0}), "options.t_max");
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, m.p_T, x, {.draws = 1}), "options.draws");
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, m.exact, m.p_T, x, {.threads = 0}), "options.threads");
  KOLMO_EXPECT_THROW_NAMING(
      (void)continuous_elbo(schedule, m.exact, m.p_T, x, {.divergence = ode::FiniteDifference{}}), "options.divergence");
  KOLMO_EXPECT_THROW_NAMING(
      (void)continuous_elbo(schedule, m.exact, m.p_T, x, {.divergence = ode::Hutchinson{.probes = 0}}),
      "options.divergence.probes");
  const score::ScoreModel bare("bare", 2, [](double, const process::StateView& y) -> Eigen::ArrayXXd { return -y; });
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, bare, m.p_T, x), "options.divergence");
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(schedule, bare, m.p_T, x, {.divergence = ode::Hutchinson{}}),
                            "options.divergence");
}

}  // namespace
}  // namespace kolmo::likelihood

namespace kolmo::likelihood {
namespace {

/// a = g s + c: the plug-in control shifted by a constant c, whose inference drift is f x + g c.
VariationalDrift shifted_control(const Model& m, Eigen::Array2d c, std::size_t steps, std::uint64_t fine = 0) {
  return {[schedule = m.diffused.schedule(), exact = m.exact, c](double t, const process::StateView& x) -> Eigen::ArrayXXd {
            return std::sqrt(schedule.diffusion_squared(t)) * exact.score(t, x) + c.transpose().replicate(x.rows(), 1);
          },
          steps, fine};
}

TEST(ContinuousElboVariationalDrift, ConstantShiftLowersTheBoundByTheControlKl) {
  // With the exact score and π = p_T the plug-in is tight, so a = g s + c is below log p by
  // KL(Q_a ‖ Q_plug-in) = ½ |c|² (T − t_min). Euler bias at N = 200 is ~1e-2 here: 5 SE + 0.05.
  const Model m;
  const Eigen::ArrayXXd x = m.diffused.marginal(0.05).sample(12, 0, 4);
  const Eigen::Array2d c(0.6, -0.4);
  const ContinuousElbo elbo = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x,
                                              {.t_min = 0.05, .draws = 1000, .seed = 6, .variational = shifted_control(m, c, 200)});
  ASSERT_TRUE(elbo.status.ok()) << elbo.status.message;
  const Eigen::ArrayXd expected = m.diffused.marginal(0.05).log_density(x) - 0.5 * c.square().sum() * 0.95;
  for (Eigen::Index p = 0; p < x.rows(); ++p) EXPECT_NEAR(elbo.elbo(p), expected(p), 5 * elbo.standard_error(p) + 0.05);
}

TEST(ContinuousElboVariationalDrift, BitIdenticalForAnyThreadCountAndItsOwnFineGrid) {
  const Model m;
  const Eigen::ArrayXXd x = m.diffused.marginal(0.1).sample(13, 0, 3);
  ContinuousElboOptions options{.t_min = 0.1, .draws = 700, .seed = 7, .variational = shifted_control(m, {0.2, 0.1}, 50, 100)};
  const ContinuousElbo one = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options);
  options.threads = 2;
  const ContinuousElbo two = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options);
  EXPECT_TRUE((one.elbo == two.elbo).all());
  EXPECT_TRUE((one.standard_error == two.standard_error).all());
  // N = 100 on the fine grid of 100 is the plain N = 100 run, bit for bit (the fine grid is the path).
  options.variational->steps = 100;
  const ContinuousElbo on_fine_grid = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options);
  options.variational->brownian_fine_steps = 0;
  const ContinuousElbo plain = continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options);
  EXPECT_TRUE((on_fine_grid.elbo == plain.elbo).all());
}

TEST(ContinuousElboVariationalDrift, MisuseIsRefusedNamingTheParameter) {
  const Model m;
  const Eigen::ArrayXXd x = Eigen::ArrayXXd::Zero(2, 2);
  ContinuousElboOptions options{.t_min = 0.1, .variational = shifted_control(m, {0.0, 0.0}, 0)};
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options), "options.variational.steps");
  options.variational = shifted_control(m, {0.0, 0.0}, 10, 15);
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options),
                            "options.variational.brownian_fine_steps");
  options.variational = VariationalDrift{{}, 10, 0};
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options), "options.variational.drift");
  options.variational = VariationalDrift{[](double, const process::StateView& y) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Zero(y.rows(), 3); }, 10, 0};
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options), "options.variational.drift");
  // Right for one state, wrong for a batch: the error is raised inside the parallel paths and rethrown.
  options.variational = VariationalDrift{[](double, const process::StateView& y) -> Eigen::ArrayXXd {
                                           return Eigen::ArrayXXd::Zero(std::min<Eigen::Index>(y.rows(), 1), 2);
                                         },
                                         10, 0};
  for (const int threads : {1, 2}) {
    options.threads = threads;
    KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options), "options.variational.drift");
  }
  options.variational = shifted_control(m, {0.0, 0.0}, 10);
  options.divergence = ode::Hutchinson{};
  KOLMO_EXPECT_THROW_NAMING((void)continuous_elbo(m.diffused.schedule(), m.exact, m.p_T, x, options), "options.divergence");
}

}  // namespace
}  // namespace kolmo::likelihood
