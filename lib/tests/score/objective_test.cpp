#include "kolmo/score/objective.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <string>

#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

using process::NoiseSchedule;

Eigen::ArrayXXd points(std::size_t n) { return test_support::bimodal_vp_linear().marginal(0.3).sample(21, 0, n); }

/// The exact score with its Jacobian–vector product but without its divergence, so that the exact
/// trace is taken through d products with basis vectors.
ScoreModel without_divergence(const ScoreModel& model) {
  return ScoreModel("no-divergence", model.dimension(),
                    [model](double t, const process::StateView& x) -> Eigen::ArrayXXd { return model.score(t, x); })
      .with_jacobian_vector_product([model](double t, const process::StateView& x, const process::StateView& v) {
        return model.jacobian_vector_product(t, x, v);
      });
}

TEST(Objective, EsmOfTheReferenceItselfIsZero) {
  const auto exact = mixture_score(test_support::bimodal_vp_linear());
  const ObjectiveEstimate esm = evaluate(ExplicitScoreMatching{exact, 0.3}, exact, points(50), 1);
  EXPECT_TRUE(esm.status.ok());
  EXPECT_EQ(esm.value, 0.0);
  EXPECT_EQ(esm.points, 50u);
}

TEST(Objective, ExactTraceByDivergenceEqualsTraceByBasisProducts) {
  const auto exact = mixture_score(test_support::bimodal_vp_linear());
  const Eigen::ArrayXXd x = points(40);
  const auto by_divergence = evaluate(ImplicitScoreMatching{.t = 0.3}, exact, x, 1);
  const auto by_products = evaluate(ImplicitScoreMatching{.t = 0.3}, without_divergence(exact), x, 1);
  EXPECT_LT((by_divergence.row_losses - by_products.row_losses).abs().maxCoeff(),
            1e-12 * by_divergence.row_losses.abs().maxCoeff());
}

TEST(Objective, HutchinsonAndSlicedAreExactInOneDimensionWithRademacherProbes) {
  // v = ±1 in 1-D: vᵀ∇s v = s' and (v s)² = s², so both estimators equal the exact ISM term by term.
  Eigen::VectorXd m(1);
  m << 0.5;
  Eigen::MatrixXd c(1, 1);
  c << 0.3;
  const auto law = distribution::DiffusedMixture(distribution::GaussianMixture::gaussian(m, c), NoiseSchedule::vp_linear());
  const auto exact = mixture_score(law);
  const Eigen::ArrayXXd x = law.marginal(0.2).sample(3, 0, 30);
  const auto reference = evaluate(ImplicitScoreMatching{.t = 0.2}, exact, x, 4);
  for (const TraceEstimator trace : {TraceEstimator::hutchinson, TraceEstimator::sliced}) {
    const auto estimate = evaluate(ImplicitScoreMatching{.t = 0.2, .trace = trace, .probes = 3}, exact, x, 4);
    EXPECT_LT((estimate.row_losses - reference.row_losses).abs().maxCoeff(), 1e-12);
  }
}

TEST(Objective, DenoisingBatchNoisesTheDataWithTheAddressedNormals) {
  const auto schedule = NoiseSchedule::vp_linear();
  const Eigen::ArrayXXd x0 = points(5);
  const LossBatch batch = draw_loss_batch(DenoisingScoreMatching{schedule, 0.25}, x0, 17, 3, 100);
  const double alpha = schedule.alpha(0.25), sigma = schedule.sigma(0.25);
  for (Eigen::Index i = 0; i < 5; ++i) {
    for (Eigen::Index j = 0; j < 2; ++j) {
      const double eps = random::standard_normal(
          {17, random::Purpose::training_noise, 100 + static_cast<std::uint64_t>(i), 3, static_cast<std::uint64_t>(j)});
      EXPECT_EQ(batch.x(i, j), alpha * x0(i, j) + sigma * eps);
      EXPECT_EQ(batch.target(i, j), -eps / sigma);
    }
  }
  EXPECT_TRUE((batch.weight == 1.0).all());
  EXPECT_TRUE((batch.t == 0.25).all());
}

TEST(Objective, ContinuousBatchWeightsEachRowByLambdaOverTheProposal) {
  const auto schedule = NoiseSchedule::vp_linear();
  const ContinuousScoreMatching uniform{.schedule = schedule, .weighting = Weighting::likelihood(), .t_min = 0.01};
  const LossBatch batch = draw_loss_batch(uniform, points(6), 2);
  for (Eigen::Index i = 0; i < 6; ++i) {
    const double u = random::uniform01({2, random::Purpose::training_time, static_cast<std::uint64_t>(i), 0, 0});
    EXPECT_NEAR(batch.t[i], 0.01 + 0.99 * u, 1e-15);
    EXPECT_NEAR(batch.weight[i], schedule.diffusion_squared(batch.t[i]) * 0.99, 1e-12 * batch.weight[i]);
  }
  ContinuousScoreMatching importance = uniform;
  importance.time_sampling = TimeSampling::likelihood_importance();
  const TimeDensity proposal = importance.time_sampling.on(schedule, 0.01, 1.0);
  const LossBatch weighted = draw_loss_batch(importance, points(6), 2);
  for (Eigen::Index i = 0; i < 6; ++i) {
    EXPECT_NEAR(weighted.weight[i], schedule.diffusion_squared(weighted.t[i]) / proposal.density(weighted.t[i]),
                1e-12 * weighted.weight[i]);
  }
}

TEST(Objective, ContinuousExplicitTargetsTheReferenceScoreAtEachRowsTime) {
  const auto exact = mixture_score(test_support::bimodal_vp_linear());
  const ContinuousScoreMatching esm{.schedule = NoiseSchedule::vp_linear(), .t_min = 0.05, .reference = exact};
  const LossBatch batch = draw_loss_batch(esm, points(4), 9);
  for (Eigen::Index i = 0; i < 4; ++i) {
    const Eigen::ArrayXXd row = batch.x.row(i);
    EXPECT_LT((batch.target.row(i) - exact.score(batch.t[i], row).row(0)).abs().maxCoeff(), 1e-15);
  }
  EXPECT_EQ(evaluate(esm, exact, points(4), 9).value, 0.0);
}

TEST(Objective, ProbesAreRademacherOrGaussianAtTheirAddresses) {
  const Eigen::ArrayXXd x = points(8);
  const LossBatch rademacher = draw_loss_batch(
      ImplicitScoreMatching{.t = 0.3, .trace = TraceEstimator::hutchinson, .probes = 2}, x, 5);
  ASSERT_EQ(rademacher.probes.size(), 2u);
  EXPECT_TRUE((rademacher.probes[1].abs() == 1.0).all());
  EXPECT_DOUBLE_EQ(rademacher.trace_weight, 0.5);
  const LossBatch gaussian = draw_loss_batch(
      ImplicitScoreMatching{.t = 0.3, .trace = TraceEstimator::sliced, .probe = Probe::gaussian, .probes = 2}, x, 5);
  EXPECT_EQ(gaussian.probes[1](3, 1), random::standard_normal({5, random::Purpose::probe, 3, 0, 2 + 1}));
}

TEST(Objective, TimedPointsScoreEachRowAtItsOwnTime) {
  // Snapshots at two times, stacked: every objective row equals the same row evaluated at its
  // snapshot's time alone — for ESM (one score_at_times call) and for ISM by exact divergence and
  // by Hutchinson probes (one call per distinct time).
  const auto exact = mixture_score(test_support::bimodal_vp_linear());
  const auto perturbed = ScoreModel("perturbed", 2, [exact](double t, const process::StateView& x) -> Eigen::ArrayXXd {
                           return 0.8 * exact.score(t, x) + 0.1;
                         })
                             .with_row_times([exact](const Eigen::ArrayXd& t, const process::StateView& x) -> Eigen::ArrayXXd {
                               return 0.8 * exact.score_at_times(t, x) + 0.1;
                             })
                             .with_jacobian_vector_product([exact](double t, const process::StateView& x,
                                                                   const process::StateView& v) -> Eigen::ArrayXXd {
                               return 0.8 * exact.jacobian_vector_product(t, x, v);
                             });
  const auto law = test_support::bimodal_vp_linear();
  const Eigen::ArrayXXd early = law.marginal(0.1).sample(5, 0, 30), late = law.marginal(0.6).sample(5, 30, 20);
  const TimedPoints timed = TimedPoints::from_snapshots({0.1, 0.6}, {early, late});
  ASSERT_EQ(timed.rows(), 50);
  EXPECT_EQ(timed.t[29], 0.1);
  EXPECT_EQ(timed.t[30], 0.6);
  const auto expect_rows = [&](const Objective& at_early, const Objective& at_late, const Objective& over_time) {
    const Eigen::ArrayXd together = evaluate(over_time, perturbed, timed, 9).row_losses;
    const Eigen::ArrayXd apart_early = evaluate(at_early, perturbed, early, 9).row_losses;
    const Eigen::ArrayXd apart_late = row_losses(draw_loss_batch(at_late, late, 9, 0, 30), perturbed);
    EXPECT_LT((together.head(30) - apart_early).abs().maxCoeff(), 1e-12 * apart_early.abs().maxCoeff());
    EXPECT_LT((together.tail(20) - apart_late).abs().maxCoeff(), 1e-12 * apart_late.abs().maxCoeff());
  };
  expect_rows(ExplicitScoreMatching{exact, 0.1}, ExplicitScoreMatching{exact, 0.6}, ExplicitScoreMatching{exact});
  expect_rows(ImplicitScoreMatching{.t = 0.1}, ImplicitScoreMatching{.t = 0.6}, ImplicitScoreMatching{});
  const ImplicitScoreMatching hutchinson{.trace = TraceEstimator::hutchinson, .probes = 2};
  ImplicitScoreMatching early_h = hutchinson, late_h = hutchinson;
  early_h.t = 0.1;
  late_h.t = 0.6;
  expect_rows(early_h, late_h, hutchinson);
}

TEST(Objective, TimedPointsFromAnEnsembleLeaveOutFailedPaths) {
  Eigen::ArrayXXd early = points(3), late = points(4);
  late(1, 0) = std::nan("");
  const TimedPoints timed = TimedPoints::from_snapshots(std::vector<ensemble::Snapshot>{{0.1, early}, {0.5, late}});
  ASSERT_EQ(timed.rows(), 6);
  EXPECT_EQ(timed.t[2], 0.1);
  EXPECT_EQ(timed.t[3], 0.5);
  EXPECT_TRUE(timed.x.row(3).isApprox(late.row(0)));
  EXPECT_TRUE(timed.x.row(4).isApprox(late.row(2)));
  KOLMO_EXPECT_THROW_NAMING((void)TimedPoints::from_snapshots(std::vector<ensemble::Snapshot>{{0.1, late.row(1)}}),
                            "snapshots");
}

TEST(Objective, TimedPointsBadInputIsAClearError) {
  const auto exact = mixture_score(test_support::bimodal_vp_linear());
  const Eigen::ArrayXXd x = points(4);
  KOLMO_EXPECT_THROW_NAMING((void)TimedPoints::from_snapshots({0.1, 0.2}, {x}), "states");
  KOLMO_EXPECT_THROW_NAMING((void)TimedPoints::from_snapshots({}, {}), "times");
  KOLMO_EXPECT_THROW_NAMING((void)TimedPoints::from_snapshots({0.1, 0.2}, {x, Eigen::ArrayXXd::Zero(3, 1)}), "states");
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(ImplicitScoreMatching{}, TimedPoints{Eigen::ArrayXd::Zero(3), x}, 1),
                            "points.t");
  Eigen::ArrayXd t = Eigen::ArrayXd::Constant(4, 0.3);
  t[2] = std::nan("");
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(ImplicitScoreMatching{}, TimedPoints{t, x}, 1), "points.t(2, 0)");
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(DenoisingScoreMatching{process::NoiseSchedule::vp_linear(), 0.3},
                                                  TimedPoints{Eigen::ArrayXd::Constant(4, 0.3), x}, 1),
                            "points");
}

TEST(Objective, NonFiniteLossIsAStatusNamingThePoint) {
  const ScoreModel blows_up("blows-up", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd s = x;
    s(2, 0) = std::numeric_limits<double>::infinity();
    return s;
  });
  const auto exact = mixture_score(test_support::bimodal_vp_linear());
  const auto estimate = evaluate(ExplicitScoreMatching{exact, 0.3}, blows_up, points(5), 1);
  EXPECT_EQ(estimate.status.code, StatusCode::non_finite);
  EXPECT_EQ(estimate.status.where, "point 2");
}

TEST(Objective, BadInputIsAClearError) {
  const auto schedule = NoiseSchedule::vp_linear();
  const auto exact = mixture_score(test_support::bimodal_vp_linear());
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(DenoisingScoreMatching{schedule, 0.3}, Eigen::ArrayXXd(0, 2), 1),
                            "points");
  Eigen::ArrayXXd nan = points(3);
  nan(1, 1) = std::nan("");
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(DenoisingScoreMatching{schedule, 0.3}, nan, 1), "points(1, 1)");
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(DenoisingScoreMatching{schedule, 0.0}, points(3), 1), "t");
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(DenoisingScoreMatching{schedule, 2.0}, points(3), 1), "t");
  KOLMO_EXPECT_THROW_NAMING(
      (void)draw_loss_batch(ImplicitScoreMatching{.trace = TraceEstimator::hutchinson, .probes = 0}, points(3), 1),
      "probes");
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(ContinuousScoreMatching{.schedule = schedule, .t_min = 0.0}, points(3), 1),
                            "t_min");
  KOLMO_EXPECT_THROW_NAMING((void)evaluate(ExplicitScoreMatching{exact, 0.3}, exact, points(1), 1), "points");
  // A model of the wrong dimension, and ISM of a model without the derivatives it needs.
  KOLMO_EXPECT_THROW_NAMING((void)evaluate(ExplicitScoreMatching{exact, 0.3}, exact, Eigen::ArrayXXd::Zero(4, 3), 1), "x");
  const ScoreModel plain("plain", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; });
  KOLMO_EXPECT_THROW_NAMING((void)evaluate(ImplicitScoreMatching{.t = 0.3}, plain, points(4), 1),
                            "Jacobian-vector product of plain");
}

TEST(Objective, DescriptionsNameTheObjective) {
  const auto schedule = NoiseSchedule::vp_linear();
  EXPECT_EQ(describe(DenoisingScoreMatching{schedule, 0.5}), "DSM at t = 0.5 of " + schedule.name());
  EXPECT_NE(describe(ImplicitScoreMatching{.trace = TraceEstimator::sliced, .probe = Probe::gaussian, .probes = 4})
                .find("sliced, 4 Gaussian probes"),
            std::string::npos);
  EXPECT_NE(describe(ContinuousScoreMatching{.schedule = schedule}).find("continuous DSM"), std::string::npos);
}

}  // namespace
}  // namespace kolmo::score
