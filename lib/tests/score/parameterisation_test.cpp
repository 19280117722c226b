#include "kolmo/score/parameterisation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

using process::NoiseSchedule;
using test_support::spread_points;

constexpr Parameterisation all[] = {Parameterisation::score, Parameterisation::epsilon, Parameterisation::data,
                                    Parameterisation::velocity};

distribution::DiffusedMixture diffused(const NoiseSchedule& schedule) {
  return {test_support::bimodal_mixture(), schedule};
}

/// A model of `parameterisation` that answers with the exact mixture prediction.
process::BatchCoefficient exact_prediction(const distribution::DiffusedMixture& law, Parameterisation parameterisation) {
  return [law, parameterisation](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    switch (parameterisation) {
      case Parameterisation::score: return law.score(t, x);
      case Parameterisation::epsilon: return law.epsilon(t, x);
      case Parameterisation::data: return law.posterior_mean(t, x);
      case Parameterisation::velocity: return law.velocity(t, x);
    }
    return {};
  };
}

/// Relative error per point against the size of the terms that cancel in the conversions,
/// ‖s‖ and ‖x‖/σ² (in x + σ² s and σ x + α v̂), max norms.
double relative_error(const Eigen::ArrayXXd& approximate, const Eigen::ArrayXXd& s, const Eigen::ArrayXXd& x,
                      double sigma) {
  const Eigen::ArrayXd scale = s.abs().rowwise().maxCoeff() + x.abs().rowwise().maxCoeff() / (sigma * sigma);
  return ((approximate - s).abs().rowwise().maxCoeff() / scale).maxCoeff();
}

TEST(Parameterisation, NamesAreStable) {
  EXPECT_STREQ(to_string(Parameterisation::score), "score");
  EXPECT_STREQ(to_string(Parameterisation::epsilon), "epsilon");
  EXPECT_STREQ(to_string(Parameterisation::data), "data");
  EXPECT_STREQ(to_string(Parameterisation::velocity), "velocity");
}

TEST(Parameterisation, EpsilonModelIsMinusEpsilonOverSigma) {
  const NoiseSchedule schedule = NoiseSchedule::vp_linear();
  const auto epsilon = [](double t, const process::StateView& x) -> Eigen::ArrayXXd { return x.sin() + t; };
  const ScoreModel model = as_score_model("sine", 2, Parameterisation::epsilon, epsilon, schedule);
  for (double t : {0.01, 0.5, 1.0}) {
    const Eigen::ArrayXXd expected = -(spread_points().sin() + t) / schedule.sigma(t);
    // One division apart: 1 ulp.
    EXPECT_LT(((model.score(t, spread_points()) - expected).abs() / expected.abs()).maxCoeff(),
              std::numeric_limits<double>::epsilon())
        << t;
  }
}

TEST(Parameterisation, ExactPredictionsOfEveryKindGiveTheMixtureScore) {
  // ε̂ from the score, x̂_0 and v̂ from Gaussian conditioning: back to s through the header's
  // inverse formulas, to 1e-12 of the cancelling terms.
  for (const NoiseSchedule& schedule : {NoiseSchedule::vp_linear(), NoiseSchedule::ve_geometric()}) {
    const distribution::DiffusedMixture law = diffused(schedule);
    for (Parameterisation parameterisation : all) {
      const ScoreModel model = as_score_model("exact", 2, parameterisation, exact_prediction(law, parameterisation), schedule);
      for (double t : {0.02, 0.4, 1.0}) {
        const Eigen::ArrayXXd s = law.score(t, spread_points());
        EXPECT_LT(relative_error(model.score(t, spread_points()), s, spread_points(), schedule.sigma(t)), 1e-12)
            << schedule.name() << " " << to_string(parameterisation) << " t = " << t;
      }
    }
  }
}

TEST(Parameterisation, PredictRoundTripsThroughEveryParameterisation) {
  const NoiseSchedule schedule = NoiseSchedule::vp_cosine();
  const ScoreModel exact = mixture_score(diffused(schedule));
  for (Parameterisation parameterisation : all) {
    const auto predicted = [&](double t, const process::StateView& x) -> Eigen::ArrayXXd {
      return predict(exact, parameterisation, schedule, t, x);
    };
    const ScoreModel back = as_score_model("round-trip", 2, parameterisation, predicted, schedule);
    for (double t : {0.01, 0.3, 0.9}) {
      const Eigen::ArrayXXd s = exact.score(t, spread_points());
      EXPECT_LT(relative_error(back.score(t, spread_points()), s, spread_points(), schedule.sigma(t)), 1e-13)
          << to_string(parameterisation) << " t = " << t;
    }
  }
}

TEST(Parameterisation, PredictionsAreTheMixturePosteriorMeans) {
  const NoiseSchedule schedule = NoiseSchedule::sub_vp();
  const distribution::DiffusedMixture law = diffused(schedule);
  const ScoreModel exact = mixture_score(law);
  const double t = 0.25;
  const Eigen::ArrayXXd x = spread_points();
  for (Parameterisation parameterisation : all) {
    const Eigen::ArrayXXd expected = exact_prediction(law, parameterisation)(t, x);
    EXPECT_LT((predict(exact, parameterisation, schedule, t, x) - expected).abs().maxCoeff(), 1e-12 * (1 + x.abs().maxCoeff()))
        << to_string(parameterisation);
  }
  EXPECT_EQ(exact.evaluations(), 4u * 7u);  // one score evaluation per prediction
}

TEST(Parameterisation, RejectsTimesWithoutNoiseNamingT) {
  const NoiseSchedule schedule = NoiseSchedule::vp_linear();
  const ScoreModel exact = mixture_score(diffused(schedule));
  const Eigen::ArrayXXd x = spread_points();
  for (Parameterisation parameterisation : {Parameterisation::epsilon, Parameterisation::data, Parameterisation::velocity}) {
    KOLMO_EXPECT_THROW_NAMING((void)predict(exact, parameterisation, schedule, 0.0, x), "t");
    const ScoreModel model = as_score_model("exact", 2, parameterisation, exact_prediction(diffused(schedule), parameterisation), schedule);
    KOLMO_EXPECT_THROW_NAMING((void)model.score(0.0, x), "t");
  }
  KOLMO_EXPECT_THROW_NAMING((void)predict(exact, Parameterisation::epsilon, schedule, 1.5, x), "t");
  EXPECT_NO_THROW((void)predict(exact, Parameterisation::score, schedule, 0.0, x));  // nothing converted

  const auto wrong_shape = [](double, const process::StateView& y) -> Eigen::ArrayXXd { return y.leftCols(1); };
  const ScoreModel wrong = as_score_model("narrow", 2, Parameterisation::epsilon, wrong_shape, schedule);
  KOLMO_EXPECT_THROW_NAMING((void)wrong.score(0.5, x), "prediction of narrow");
  KOLMO_EXPECT_THROW_NAMING((void)as_score_model("none", 2, Parameterisation::epsilon, nullptr, schedule), "prediction");
}

}  // namespace
}  // namespace kolmo::score
