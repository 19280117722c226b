#include "kolmo/distribution/diffused_mixture.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <vector>

#include "kolmo/random/normal.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"
#include "support/finite_difference.hpp"

namespace kolmo::distribution {
namespace {

using process::NoiseSchedule;
using test_support::bimodal_mixture;
using test_support::spread_points;

struct ScheduleAt {
  NoiseSchedule schedule;
  std::vector<double> times;
};

/// Every family, from almost no noise to the horizon.
std::vector<ScheduleAt> schedules() {
  return {{NoiseSchedule::vp_linear(), {0.001, 0.05, 0.5, 1.0}},
          {NoiseSchedule::vp_cosine(), {0.01, 0.5, 0.99}},
          {NoiseSchedule::sub_vp(), {0.01, 0.3, 1.0}},
          {NoiseSchedule::ve_geometric(), {0.02, 0.5, 1.0}},
          {NoiseSchedule::edm(), {0.002, 1.0, 80.0}}};
}

TEST(DiffusedMixture, MarginalIsTheDataPushedThroughTheSchedule) {
  const DiffusedMixture diffused(bimodal_mixture(), NoiseSchedule::vp_linear());
  const double t = 0.3, alpha = diffused.schedule().alpha(t), sigma = diffused.schedule().sigma(t);
  const GaussianMixture p_t = diffused.marginal(t);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_TRUE(p_t.means()[k].isApprox(alpha * bimodal_mixture().means()[k], 1e-15));
    const Eigen::Matrix2d expected = alpha * alpha * bimodal_mixture().covariances()[k] + sigma * sigma * Eigen::Matrix2d::Identity();
    EXPECT_LT((p_t.covariances()[k] - expected).cwiseAbs().maxCoeff(), 1e-15);
  }
  // At t = 0 the data law itself.
  EXPECT_TRUE((diffused.log_density(0.0, spread_points()) == bimodal_mixture().log_density(spread_points())).all());
  KOLMO_EXPECT_THROW_NAMING((void)diffused.marginal(1.5), "t");
  KOLMO_EXPECT_THROW_NAMING((void)diffused.score(-0.1, spread_points()), "t");
}

TEST(DiffusedMixture, MarginalMomentsMatchMonteCarloPushForward) {
  // X_t = α X_0 + σ ε with X_0 drawn from the data and ε at Purpose::verification, against the
  // mean α m and covariance α² Σ + σ² I of marginal(t); 4 standard errors.
  const DiffusedMixture diffused(bimodal_mixture(), NoiseSchedule::vp_linear());
  constexpr std::uint64_t seed = 5150;
  constexpr std::size_t n = 100'000;
  const double t = 0.2, alpha = diffused.schedule().alpha(t), sigma = diffused.schedule().sigma(t);
  Eigen::ArrayXXd noise(n, 2);
  random::fill_standard_normals({seed, random::Purpose::verification, 0, 0, n, 2, 0}, std::span<double>(noise.data(), 2 * n));
  const Eigen::ArrayXXd x_t = alpha * diffused.data().sample(seed, 0, n) + sigma * noise;
  const Eigen::Vector2d mean = diffused.marginal(t).mean();
  const Eigen::Matrix2d covariance = diffused.marginal(t).covariance();
  const Eigen::MatrixXd centred = x_t.matrix().rowwise() - x_t.colwise().mean().matrix();
  for (Eigen::Index i = 0; i < 2; ++i) {
    EXPECT_NEAR(x_t.col(i).mean(), mean[i], 4 * std::sqrt(covariance(i, i) / n)) << "seed " << seed;
    for (Eigen::Index j = 0; j < 2; ++j) {
      const Eigen::ArrayXd product = centred.col(i).array() * centred.col(j).array();
      const double standard_error = std::sqrt((product - product.mean()).square().mean() / n);
      EXPECT_NEAR(product.sum() / (n - 1), covariance(i, j), 4 * standard_error) << "seed " << seed;
    }
  }
}

TEST(DiffusedMixture, PosteriorMeanByConditioningIsTweediesFormula) {
  // Two computations of E[X_0 | x]: Gaussian conditioning per component (Cholesky of C_k, the data
  // covariance Σ_k) and (x + σ² ∇log p_t)/α (eigen-factors of C_k). Tweedie's formula subtracts
  // terms of size |x| and σ²|s|, and both routes mix coordinates through C_k⁻¹: agreement to
  // 1e-12 of (‖x‖ + σ²‖s‖)/α per point (max norms).
  double largest = 0.0;
  for (const auto& [schedule, times] : schedules()) {
    const DiffusedMixture diffused(bimodal_mixture(), schedule);
    for (double t : times) {
      const double alpha = schedule.alpha(t), sigma = schedule.sigma(t);
      const Eigen::ArrayXXd x = alpha * spread_points();
      const Eigen::ArrayXXd s = diffused.score(t, x);
      const Eigen::ArrayXXd tweedie = (x + sigma * sigma * s) / alpha;
      const Eigen::ArrayXd scale = (x.abs().rowwise().maxCoeff() + sigma * sigma * s.abs().rowwise().maxCoeff()) / alpha;
      const Eigen::ArrayXd relative = (diffused.posterior_mean(t, x) - tweedie).abs().rowwise().maxCoeff() / scale;
      EXPECT_LT(relative.maxCoeff(), 1e-12) << schedule.name() << " t = " << t;
      largest = std::max(largest, relative.maxCoeff());
    }
  }
  RecordProperty("max_tweedie_relative_discrepancy", std::to_string(largest));
  std::printf("largest Tweedie discrepancy: %.3g of (max|x| + sigma^2 max|s|)/alpha\n", largest);
}

TEST(DiffusedMixture, PredictionsDecomposeThePoint) {
  // x = α E[X_0 | x] + σ E[ε | x] (the expectation of x_t = α x_0 + σ ε given x_t), and
  // v̂ = α ε̂ − σ x̂_0 by definition; ε̂ from the score, x̂_0 from conditioning.
  const DiffusedMixture diffused(bimodal_mixture(), NoiseSchedule::vp_cosine());
  const double t = 0.4, alpha = diffused.schedule().alpha(t), sigma = diffused.schedule().sigma(t);
  const Eigen::ArrayXXd x = spread_points();
  const Eigen::ArrayXXd data_hat = diffused.posterior_mean(t, x), epsilon_hat = diffused.epsilon(t, x);
  EXPECT_LT((alpha * data_hat + sigma * epsilon_hat - x).abs().maxCoeff(), 1e-13);
  EXPECT_LT((diffused.velocity(t, x) - (alpha * epsilon_hat - sigma * data_hat)).abs().maxCoeff(), 1e-15);
  EXPECT_LT((epsilon_hat + sigma * diffused.score(t, x)).abs().maxCoeff(), 1e-15);
}

TEST(DiffusedMixture, EmpiricalPosteriorMeanIsTheIdealDenoiser) {
  // Karras et al. (2022), eq. 57: D(x; σ) = Σ_i N(x; α y_i, σ²I) y_i / Σ_i N(x; α y_i, σ²I).
  Eigen::ArrayXXd data(4, 2);
  data << 0.0, 1.0, -2.0, 0.5, 1.5, -1.0, 0.3, 0.2;
  const DiffusedMixture diffused(GaussianMixture::empirical(data), NoiseSchedule::vp_linear());
  const double t = 0.3, alpha = diffused.schedule().alpha(t), sigma = diffused.schedule().sigma(t);
  const Eigen::ArrayXXd x = spread_points();
  const Eigen::ArrayXXd denoised = diffused.posterior_mean(t, x);
  for (Eigen::Index p = 0; p < x.rows(); ++p) {
    Eigen::ArrayXd log_weight(4);
    for (Eigen::Index i = 0; i < 4; ++i) log_weight[i] = -(x.row(p) - alpha * data.row(i)).square().sum() / (2 * sigma * sigma);
    const Eigen::ArrayXd weight = (log_weight - log_weight.maxCoeff()).exp();
    const Eigen::RowVector2d expected = (weight.matrix().transpose() * data.matrix()) / weight.sum();
    EXPECT_LT((denoised.row(p).matrix() - expected).cwiseAbs().maxCoeff(), 1e-13) << p;
  }
  // At t = 0 the empirical law has no density.
  KOLMO_EXPECT_THROW_NAMING((void)diffused.score(0.0, x), "covariances[0]");
}

TEST(DiffusedMixture, DivergenceIsTheLaplacianAtEveryTime) {
  const DiffusedMixture diffused(bimodal_mixture(), NoiseSchedule::ve_geometric());
  for (double t : {0.05, 0.5}) {
    const Eigen::ArrayXd divergence = diffused.score_divergence(t, spread_points());
    for (Eigen::Index i = 0; i < spread_points().rows(); ++i) {
      double difference = 0.0, tolerance = 0.0;
      const Eigen::RowVectorXd y = spread_points().row(i).matrix();
      for (Eigen::Index j = 0; j < 2; ++j) {
        const test_support::ScalarFunction s_j = [&](const Eigen::RowVectorXd& z) {
          return diffused.score(t, z.array())(0, j);
        };
        // Step 1e-4 against component widths ≥ 0.14 (√0.02): h²/6 bound of support/finite_difference.hpp.
        difference += test_support::central_difference(s_j, y, j, 1e-4);
        tolerance += test_support::central_difference_error(s_j, y, j, 1e-4, 1e-2);
      }
      EXPECT_NEAR(divergence[i], difference, tolerance) << "t = " << t << " point " << i;
    }
  }
}

}  // namespace
}  // namespace kolmo::distribution
