#include "kolmo/score/mixture_score.hpp"

#include <gtest/gtest.h>

#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

TEST(MixtureScore, IsTheDiffusedMixtureScoreWithItsDivergence) {
  const distribution::DiffusedMixture law(test_support::bimodal_mixture(), process::NoiseSchedule::vp_linear());
  const ScoreModel model = mixture_score(law);
  const Eigen::ArrayXXd x = test_support::spread_points();
  EXPECT_EQ(model.dimension(), 2u);
  ASSERT_TRUE(model.has_divergence());
  EXPECT_NE(model.name().find(law.schedule().name()), std::string::npos) << model.name();
  for (double t : {0.001, 0.5, 1.0}) {
    EXPECT_TRUE((model.score(t, x) == law.score(t, x)).all()) << t;
    EXPECT_TRUE((model.divergence(t, x).col(0) == law.score_divergence(t, x)).all()) << t;
  }
  EXPECT_EQ(model.evaluations(), 3u * 7u);
  KOLMO_EXPECT_THROW_NAMING((void)model.score(2.0, x), "t");
}

}  // namespace
}  // namespace kolmo::score
