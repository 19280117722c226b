#include "kolmo/score/flow_matching.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/score/objective.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

/// The continuity equation ∂_t log p_t + ∇·u + u·∇log p_t = 0 at points, with p_t the exact
/// mixture noised by the path and ∂_t, ∇· by central differences (step 1e-5: truncation ~h² f'''/6,
/// round-off ~ε f/h, both below 1e-8 of the largest term): relative to that term, an independent
/// check of the closed-form marginal velocity (a wrong factor in u leaves O(1)).
double continuity_residual(const distribution::GaussianMixture& data, const ProbabilityPath& path, double t,
                           const Eigen::ArrayXXd& x) {
  const ScoreModel u = marginal_velocity(data, path);
  const auto law = [&](double s) { return data.noised(path.a(s), path.b(s)); };
  const double h = 1e-5;
  const Eigen::ArrayXd dlogp_dt = (law(t + h).log_density(x) - law(t - h).log_density(x)) / (2.0 * h);
  Eigen::ArrayXd divergence = Eigen::ArrayXd::Zero(x.rows());
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    Eigen::ArrayXXd e = Eigen::ArrayXXd::Zero(x.rows(), x.cols());
    e.col(j).setConstant(h);
    divergence += ((u.score(t, x + e) - u.score(t, x - e)) / (2.0 * h)).col(j);
  }
  const Eigen::ArrayXd transport = (u.score(t, x) * law(t).score(x)).rowwise().sum();
  const double size = 1.0 + std::max({dlogp_dt.abs().maxCoeff(), divergence.abs().maxCoeff(), transport.abs().maxCoeff()});
  return (dlogp_dt + divergence + transport).abs().maxCoeff() / size;
}

TEST(FlowMatching, MarginalVelocitySolvesTheContinuityEquation) {
  const auto data = test_support::bimodal_mixture();
  const Eigen::ArrayXXd x = test_support::spread_points();
  for (const auto& path : {ProbabilityPath::optimal_transport(0.05), ProbabilityPath::linear_interpolant()}) {
    for (const double t : {0.1, 0.5, 0.9}) {
      EXPECT_LT(continuity_residual(data, path, t, x), 1e-7) << path.name() << " t " << t;
    }
  }
}

TEST(FlowMatching, MarginalVelocityAtTheEndsOfThePath) {
  const auto data = test_support::bimodal_mixture();
  const Eigen::ArrayXXd x = test_support::spread_points();
  const ScoreModel u = marginal_velocity(data, ProbabilityPath::linear_interpolant());
  // t = 0: x_t = x_0 independent of x_1, u = E[x_1] − x.
  Eigen::ArrayXXd expected = -x;
  expected.rowwise() += data.mean().transpose().array();
  EXPECT_LT((u.score(0.0, x) - expected).abs().maxCoeff(), 1e-12);
  // t = 1 (b = 0): u = a' x.
  EXPECT_EQ((u.score(1.0, x) - x).abs().maxCoeff(), 0.0);
  KOLMO_EXPECT_THROW_NAMING((void)u.score(1.5, x), "t");
}

TEST(FlowMatching, ConditionalBatchRegressesOnTheConditionalVelocity) {
  const Eigen::ArrayXXd x1 = test_support::spread_points();
  const ProbabilityPath path = ProbabilityPath::optimal_transport(0.1);
  const LossBatch batch = draw_loss_batch(ConditionalFlowMatching{path, 0.2, 0.8}, x1, 13, 2);
  for (Eigen::Index i = 0; i < x1.rows(); ++i) {
    const auto row = static_cast<std::uint64_t>(i);
    const double t = 0.2 + 0.6 * random::uniform01({13, random::Purpose::training_time, row, 2, 0});
    EXPECT_NEAR(batch.t[i], t, 1e-15);
    for (Eigen::Index j = 0; j < 2; ++j) {
      const double x0 = random::standard_normal({13, random::Purpose::training_noise, row, 2, static_cast<std::uint64_t>(j)});
      EXPECT_NEAR(batch.x(i, j), t * x1(i, j) + (1.0 - 0.9 * t) * x0, 1e-14);
      EXPECT_NEAR(batch.target(i, j), x1(i, j) - 0.9 * x0, 1e-14);
    }
  }
}

TEST(FlowMatching, TheMarginalFieldScoresZeroAgainstItself) {
  const auto data = test_support::bimodal_mixture();
  const ScoreModel u = marginal_velocity(data, ProbabilityPath::linear_interpolant());
  const Eigen::ArrayXXd x1 = data.sample(3, 0, 50);
  EXPECT_EQ(evaluate(MarginalFlowMatching{ProbabilityPath::linear_interpolant(), u, 0.0, 1.0}, u, x1, 4).value, 0.0);
  EXPECT_GT(evaluate(ConditionalFlowMatching{}, u, x1, 4).value, 0.0);
}

TEST(FlowMatching, BadInputIsAClearError) {
  KOLMO_EXPECT_THROW_NAMING(ProbabilityPath::optimal_transport(1.0), "sigma_min");
  KOLMO_EXPECT_THROW_NAMING(ProbabilityPath::custom("", {}, {}, {}, {}), "name");
  const Eigen::ArrayXXd x1 = test_support::spread_points();
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(ConditionalFlowMatching{.t_max = 1.5}, x1, 1), "t_max");
  KOLMO_EXPECT_THROW_NAMING((void)draw_loss_batch(ConditionalFlowMatching{.t_min = 0.9, .t_max = 0.5}, x1, 1), "t_min");
  EXPECT_NE(describe(ConditionalFlowMatching{}).find("conditional flow matching on linear-interpolant"), std::string::npos);
}

}  // namespace
}  // namespace kolmo::score
