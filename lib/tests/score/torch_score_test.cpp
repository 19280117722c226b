#include "kolmo/score/torch_score.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "kolmo/score/mixture_score.hpp"
#include "kolmo/score/train.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

// The fixture: a network trained and saved by lib/tests/score/torch_fixture.py (the ctest step
// score.torch_fixture), in the directory KOLMO_TORCH_FIXTURE names.

namespace kolmo::score {
namespace {

std::filesystem::path fixture_dir() {
  const char* dir = std::getenv("KOLMO_TORCH_FIXTURE");
  return dir ? std::filesystem::path(dir) : std::filesystem::path(".");
}

TorchScore network(int threads = 1) {
  return TorchScore::load(fixture_dir() / "epsilon_network.pt", 2, Parameterisation::epsilon,
                          process::NoiseSchedule::vp_linear(), threads);
}

TEST(TorchScore, PredictionsMatchPyTorchsOwn) {
  const TorchScore model = network();
  std::ifstream in(fixture_dir() / "epsilon_network_outputs.txt");
  ASSERT_TRUE(in) << "run the score.torch_fixture step first";
  double t = 0.0, x0 = 0.0, x1 = 0.0, y0 = 0.0, y1 = 0.0;
  int rows = 0;
  while (in >> t >> x0 >> x1 >> y0 >> y1) {
    Eigen::ArrayXXd x(1, 2);
    x << x0, x1;
    const Eigen::ArrayXXd y = model.predict(Eigen::ArrayXd::Constant(1, t), x);
    EXPECT_NEAR(y(0, 0), y0, 1e-12 * (1.0 + std::abs(y0)));
    EXPECT_NEAR(y(0, 1), y1, 1e-12 * (1.0 + std::abs(y1)));
    ++rows;
  }
  EXPECT_EQ(rows, 15);
}

TEST(TorchScore, DerivativesByAutogradMatchFiniteDifferences) {
  const TorchScore model = network();
  const Eigen::ArrayXXd x = test_support::spread_points();
  const Eigen::ArrayXd t = Eigen::ArrayXd::LinSpaced(x.rows(), 0.05, 0.9);
  const Eigen::ArrayXXd v = x.reverse();
  const double h = 1e-6;
  const Eigen::ArrayXXd numeric = (model.score(t, x + h * v) - model.score(t, x - h * v)) / (2.0 * h);
  EXPECT_LT((model.score_jacobian_product(t, x, v) - numeric).abs().maxCoeff(), 1e-6 * (1.0 + numeric.abs().maxCoeff()));
  Eigen::ArrayXd trace = Eigen::ArrayXd::Zero(x.rows());
  for (Eigen::Index j = 0; j < 2; ++j) {
    Eigen::ArrayXXd e = Eigen::ArrayXXd::Zero(x.rows(), 2);
    e.col(j).setOnes();
    trace += model.score_jacobian_product(t, x, e).col(j);
  }
  EXPECT_LT((model.score_divergence(t, x).col(0) - trace).abs().maxCoeff(), 1e-10 * (1.0 + trace.abs().maxCoeff()));
}

TEST(TorchScore, LossGradientMatchesFiniteDifferences) {
  TorchScore model = network();
  const Eigen::ArrayXXd x = test_support::bimodal_mixture().sample(3, 0, 16);
  const auto schedule = process::NoiseSchedule::vp_linear();
  for (const LossBatch& batch :
       {draw_loss_batch(DenoisingScoreMatching{schedule, 0.3}, x, 4),
        draw_loss_batch(ImplicitScoreMatching{.t = 0.3, .trace = TraceEstimator::sliced, .probe = Probe::gaussian, .probes = 2},
                        x, 4),
        draw_loss_batch(ImplicitScoreMatching{.t = 0.3}, x, 4)}) {
    LossGradient analytic;
    model.loss_gradient(batch, analytic);
    EXPECT_NEAR(analytic.row_losses.mean(), row_losses(batch, model.score_model()).mean(),
                1e-10 * (1.0 + std::abs(analytic.row_losses.mean())));
    const Eigen::VectorXd p = model.parameters();
    const double scale = analytic.gradient.cwiseAbs().maxCoeff();
    for (const Eigen::Index i : {Eigen::Index{0}, Eigen::Index{100}, p.size() - 1}) {
      Eigen::VectorXd q = p;
      q[i] += 1e-5;
      model.set_parameters(q);
      const double plus = row_losses(batch, model.score_model()).mean();
      q[i] -= 2e-5;
      model.set_parameters(q);
      const double minus = row_losses(batch, model.score_model()).mean();
      model.set_parameters(p);
      EXPECT_NEAR(analytic.gradient[i], (plus - minus) / 2e-5, 1e-6 * scale) << "parameter " << i;
    }
  }
}

TEST(TorchScore, EsmAgainstTheExactScoreIsMeasuredAndBeatsTheZeroScore) {
  const ScoreModel learned = network().score_model("torch eps-network");
  const auto diffused = test_support::bimodal_vp_linear();
  const ScoreModel exact = mixture_score(diffused);
  const ContinuousScoreMatching esm{.schedule = diffused.schedule(), .weighting = Weighting::likelihood(), .t_min = 1e-2,
                                    .time_sampling = TimeSampling::likelihood_importance(), .reference = exact};
  const Eigen::ArrayXXd data = diffused.data().sample(5, 0, 4000);
  const ObjectiveEstimate value = evaluate(esm, learned, data, 6);
  const ScoreModel zero("zero", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return Eigen::ArrayXXd::Zero(x.rows(), 2);
  });
  const ObjectiveEstimate baseline = evaluate(esm, zero, data, 6);
  ::testing::Test::RecordProperty("weighted_esm", std::to_string(value.value) + " +- " + std::to_string(value.standard_error));
  ASSERT_TRUE(value.status.ok());
  EXPECT_LT(value.value + 4.0 * value.standard_error, baseline.value - 4.0 * baseline.standard_error);
}

TEST(TorchScore, TrainsWithKolmosTrainIncludingSlicedScoreMatching) {
  TorchScore model = network();
  const Eigen::VectorXd before = model.parameters();
  const TrainingSolution solution =
      train(model, ImplicitScoreMatching{.t = 0.3, .trace = TraceEstimator::sliced, .probe = Probe::gaussian},
            distribution::Law::mixture(test_support::bimodal_vp_linear().marginal(0.3)),
            {.steps = 5, .batch = 32, .record_every = 5});
  EXPECT_TRUE(solution.status.ok());
  EXPECT_TRUE(model.parameters().allFinite());
  EXPECT_GT((model.parameters() - before).cwiseAbs().maxCoeff(), 0.0);
}

TEST(TorchScore, BadInputIsAClearError) {
  const auto schedule = process::NoiseSchedule::vp_linear();
  KOLMO_EXPECT_THROW_NAMING(TorchScore::load(fixture_dir() / "epsilon_network.pt", 0, Parameterisation::epsilon, schedule),
                            "dimension");
  try {
    (void)TorchScore::load(fixture_dir() / "missing.pt", 2, Parameterisation::epsilon, schedule);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot load"), std::string::npos) << error.what();
  }
  try {
    (void)TorchScore::load(fixture_dir() / "epsilon_network.pt", 3, Parameterisation::epsilon, schedule);
    ADD_FAILURE() << "a 2-D network loaded as 3-D";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("fails forward"), std::string::npos) << error.what();
  }
  TorchScore model = network();
  KOLMO_EXPECT_THROW_NAMING(model.set_parameters(Eigen::VectorXd::Zero(3)), "parameters");
  KOLMO_EXPECT_THROW_NAMING((void)model.score(Eigen::ArrayXd::Constant(2, 0.5), Eigen::ArrayXXd::Zero(2, 3)), "x");
}

}  // namespace
}  // namespace kolmo::score
