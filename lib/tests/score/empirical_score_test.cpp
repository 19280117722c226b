#include "kolmo/score/empirical_score.hpp"

#include <gtest/gtest.h>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

using process::NoiseSchedule;

TEST(EmpiricalScore, EqualsTheNoisedEmpiricalMixture) {
  // Two independent routes to the same law: the dedicated log-sum-exp model, and the Gaussian
  // mixture of the data's point masses noised by the schedule (per-component factors).
  const Eigen::ArrayXXd data = test_support::bimodal_mixture().sample(41, 0, 25);
  const auto schedule = NoiseSchedule::vp_linear();
  const ScoreModel empirical = empirical_score(data, schedule);
  const ScoreModel mixture =
      mixture_score(distribution::DiffusedMixture(distribution::GaussianMixture::empirical(data), schedule));
  const Eigen::ArrayXXd x = test_support::spread_points();
  const Eigen::ArrayXXd v = x.reverse();
  for (const double t : {0.02, 0.2, 0.9}) {
    const Eigen::ArrayXXd s = mixture.score(t, x);
    const double size = 1.0 + s.abs().maxCoeff();
    EXPECT_LT((empirical.score(t, x) - s).abs().maxCoeff(), 1e-11 * size) << "t " << t;
    const Eigen::ArrayXXd div = mixture.divergence(t, x);
    EXPECT_LT((empirical.divergence(t, x) - div).abs().maxCoeff(), 1e-9 * (1.0 + div.abs().maxCoeff())) << "t " << t;
    const Eigen::ArrayXXd jvp = mixture.jacobian_vector_product(t, x, v);
    EXPECT_LT((empirical.jacobian_vector_product(t, x, v) - jvp).abs().maxCoeff(), 1e-9 * (1.0 + jvp.abs().maxCoeff()))
        << "t " << t;
  }
}

TEST(EmpiricalScore, BadInputIsAClearError) {
  const auto schedule = NoiseSchedule::vp_linear();
  KOLMO_EXPECT_THROW_NAMING((void)empirical_score(Eigen::ArrayXXd(0, 2), schedule), "data");
  Eigen::ArrayXXd nan = Eigen::ArrayXXd::Zero(3, 2);
  nan(0, 0) = std::nan("");
  KOLMO_EXPECT_THROW_NAMING((void)empirical_score(nan, schedule), "data(0, 0)");
  const ScoreModel model = empirical_score(Eigen::ArrayXXd::Zero(3, 2), schedule);
  KOLMO_EXPECT_THROW_NAMING((void)model.score(0.0, Eigen::ArrayXXd::Zero(2, 2)), "t");
}

}  // namespace
}  // namespace kolmo::score
