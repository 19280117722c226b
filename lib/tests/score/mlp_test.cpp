#include "kolmo/score/mlp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

using process::NoiseSchedule;

MlpArchitecture small(Activation activation, Parameterisation output) {
  return {.dimension = 2, .hidden_widths = {7, 5}, .activation = activation, .time_frequencies = 3,
          .max_frequency = 8.0, .output = output};
}

Eigen::ArrayXd times(Eigen::Index n) { return Eigen::ArrayXd::LinSpaced(n, 0.05, 0.95); }

/// Central differences of f along direction e: (f(θ + h e) − f(θ − h e)) / 2h. Their error is
/// h²/6 |f'''| + ε |f|/h; with h = 1e-5 and O(1) derivatives both are ~1e-10 to 1e-11, so
/// agreement to 1e-6 relative (of the gradient's scale) separates a right gradient from a wrong
/// one by orders of magnitude.
template <class Loss>
double central_difference(Mlp& model, Eigen::Index index, Loss loss) {
  const double h = 1e-5;
  Eigen::VectorXd p = model.parameters();
  const double p0 = p[index];
  p[index] = p0 + h;
  model.set_parameters(p);
  const double plus = loss(model);
  p[index] = p0 - h;
  model.set_parameters(p);
  const double minus = loss(model);
  p[index] = p0;
  model.set_parameters(p);
  return (plus - minus) / (2.0 * h);
}

void expect_gradient_matches(Mlp& model, const LossBatch& batch) {
  const LossGradient analytic = model.loss_gradient(batch);
  const auto mean_loss = [&](const Mlp& m) { return row_losses(batch, m.score_model()).mean(); };
  EXPECT_NEAR(analytic.row_losses.mean(), mean_loss(model), 1e-12 * (1.0 + std::abs(mean_loss(model))));
  const double scale = analytic.gradient.cwiseAbs().maxCoeff();
  ASSERT_GT(scale, 0.0);
  for (Eigen::Index i = 0; i < analytic.gradient.size(); ++i) {
    const double numeric = central_difference(model, i, mean_loss);
    ASSERT_NEAR(analytic.gradient[i], numeric, 1e-6 * scale) << "parameter " << i;
  }
}

Eigen::ArrayXXd data_points(Eigen::Index n) { return test_support::bimodal_mixture().sample(11, 0, static_cast<std::size_t>(n)); }

TEST(Mlp, GradientOfEveryObjectiveMatchesFiniteDifferences) {
  const auto schedule = NoiseSchedule::vp_linear();
  const auto reference = mixture_score(test_support::bimodal_vp_linear());
  const Eigen::ArrayXXd x = data_points(9);
  for (const Activation activation : {Activation::silu, Activation::tanh}) {
    for (const Parameterisation output : {Parameterisation::score, Parameterisation::epsilon, Parameterisation::data,
                                          Parameterisation::velocity}) {
      SCOPED_TRACE(std::string(to_string(activation)) + " " + to_string(output));
      Mlp model(small(activation, output), schedule, 3);
      expect_gradient_matches(model, draw_loss_batch(DenoisingScoreMatching{schedule, 0.3}, x, 5));
      expect_gradient_matches(
          model, draw_loss_batch(ContinuousScoreMatching{.schedule = schedule, .weighting = Weighting::sigma_squared(),
                                                         .t_min = 0.01},
                                 x, 5));
      expect_gradient_matches(model, draw_loss_batch(ExplicitScoreMatching{reference, 0.4}, x, 5));
      expect_gradient_matches(model, draw_loss_batch(ImplicitScoreMatching{.t = 0.4}, x, 5));
      expect_gradient_matches(model, draw_loss_batch(ImplicitScoreMatching{.t = 0.4, .trace = TraceEstimator::hutchinson,
                                                                            .probe = Probe::gaussian, .probes = 2},
                                                     x, 5));
      expect_gradient_matches(
          model, draw_loss_batch(ImplicitScoreMatching{.t = 0.4, .trace = TraceEstimator::sliced, .probes = 3}, x, 5));
    }
  }
}

TEST(Mlp, JacobianVectorProductAndDivergenceMatchFiniteDifferencesOfTheScore) {
  const Mlp model(small(Activation::silu, Parameterisation::data), NoiseSchedule::vp_linear(), 4);
  const Eigen::ArrayXXd x = data_points(6);
  const Eigen::ArrayXd t = times(6);
  const Eigen::ArrayXXd v = data_points(12).bottomRows(6);
  const double h = 1e-6;
  const Eigen::ArrayXXd numeric = (model.score(t, x + h * v) - model.score(t, x - h * v)) / (2.0 * h);
  const Eigen::ArrayXXd product = model.score_jacobian_product(t, x, v);
  EXPECT_LT((product - numeric).abs().maxCoeff(), 1e-7 * (1.0 + numeric.abs().maxCoeff()));

  Eigen::ArrayXd trace = Eigen::ArrayXd::Zero(6);
  for (Eigen::Index j = 0; j < 2; ++j) {
    Eigen::ArrayXXd e = Eigen::ArrayXXd::Zero(6, 2);
    e.col(j).setOnes();
    trace += ((model.score(t, x + h * e) - model.score(t, x - h * e)) / (2.0 * h)).col(j);
  }
  EXPECT_LT((model.score_divergence(t, x).col(0) - trace).abs().maxCoeff(), 1e-7 * (1.0 + trace.abs().maxCoeff()));
}

TEST(Mlp, ScoreIsThePredictionMappedByTheParameterisation) {
  const auto schedule = NoiseSchedule::vp_linear();
  const Mlp model(small(Activation::tanh, Parameterisation::velocity), schedule, 5);
  const Eigen::ArrayXXd x = data_points(5);
  const Eigen::ArrayXd t = Eigen::ArrayXd::Constant(5, 0.3);
  const Eigen::ArrayXXd y = model.predict(t, x);
  const ScoreModel as_model = as_score_model("v", 2, Parameterisation::velocity,
                                             [&](double, const process::StateView& z) { return model.predict(t, z); },
                                             schedule);
  EXPECT_LT((model.score(t, x) - as_model.score(0.3, x)).abs().maxCoeff(), 1e-13);
  const ScoreModel snapshot = model.score_model();
  EXPECT_EQ((snapshot.score(0.3, x) - model.score(t, x)).abs().maxCoeff(), 0.0);
  EXPECT_EQ((snapshot.score_at_times(times(5), x) - model.score(times(5), x)).abs().maxCoeff(), 0.0);
  EXPECT_TRUE(snapshot.has_divergence());
  EXPECT_TRUE(snapshot.has_jacobian_vector_product());
  EXPECT_GT(y.abs().maxCoeff(), 0.0);
}

TEST(Mlp, GradientIsBitIdenticalForAnyThreadCount) {
  const auto schedule = NoiseSchedule::vp_linear();
  const Mlp model(small(Activation::silu, Parameterisation::epsilon), schedule, 6);
  const LossBatch batch =
      draw_loss_batch(ContinuousScoreMatching{.schedule = schedule, .t_min = 1e-3}, data_points(700), 8);
  const LossGradient one = model.loss_gradient(batch, 1);
  const LossGradient two = model.loss_gradient(batch, 2);
  const LossGradient three = model.loss_gradient(batch, 3);
  EXPECT_EQ((one.gradient - two.gradient).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ((one.gradient - three.gradient).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ((one.row_losses - two.row_losses).abs().maxCoeff(), 0.0);
}

TEST(Mlp, InitialWeightsAreLeCunNormalFromTheSeed) {
  const auto schedule = NoiseSchedule::vp_linear();
  const MlpArchitecture wide{.dimension = 2, .hidden_widths = {400}, .time_frequencies = 99};
  const Mlp model(wide, schedule, 9);
  // First layer: 400 × (2 + 1 + 198) weights of variance 1/201; the sample variance of 80400
  // normals has relative SE √(2/80400) = 0.5%: within 5% is 10 SEs.
  const Eigen::Map<const Eigen::VectorXd> w(model.parameters().data(), 400 * 201);
  EXPECT_NEAR(w.squaredNorm() / static_cast<double>(w.size()) * 201.0, 1.0, 0.05);
  EXPECT_EQ(model.parameter_count(), static_cast<std::size_t>(400 * 201 + 400 + 2 * 400 + 2));
  EXPECT_EQ(Mlp(wide, schedule, 9).parameters(), model.parameters());
  EXPECT_NE(Mlp(wide, schedule, 10).parameters(), model.parameters());
}

class MlpFile : public ::testing::Test {
 protected:
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("kolmo-mlp-test-" + std::to_string(::getpid()) + ".txt");
  void TearDown() override { std::filesystem::remove(file); }
  void rewrite(const std::string& from, const std::string& to) {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    text.replace(text.find(from), from.size(), to);
    std::ofstream(file) << text;
  }
};

TEST_F(MlpFile, SaveAndLoadRoundTripEveryBit) {
  const auto schedule = NoiseSchedule::vp_linear();
  const Mlp model(small(Activation::tanh, Parameterisation::data), schedule, 12);
  model.save(file);
  const Mlp loaded = Mlp::load(file, schedule);
  EXPECT_EQ(loaded.parameters(), model.parameters());
  EXPECT_EQ(loaded.architecture().hidden_widths, model.architecture().hidden_widths);
  EXPECT_EQ(loaded.architecture().output, Parameterisation::data);
  EXPECT_EQ(loaded.architecture().activation, Activation::tanh);
  const Eigen::ArrayXXd x = data_points(4);
  EXPECT_EQ((loaded.score(times(4), x) - model.score(times(4), x)).abs().maxCoeff(), 0.0);
}

TEST_F(MlpFile, LoadingAnotherVersionShapeOrScheduleIsAClearError) {
  const auto schedule = NoiseSchedule::vp_linear();
  const Mlp model(small(Activation::silu, Parameterisation::epsilon), schedule, 12);
  const auto message_of = [&](const NoiseSchedule& s) {
    try {
      (void)Mlp::load(file, s);
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  model.save(file);
  EXPECT_NE(message_of(NoiseSchedule::ve_geometric()).find("trained for the schedule"), std::string::npos);
  rewrite("kolmo-mlp 1", "kolmo-mlp 2");
  EXPECT_NE(message_of(schedule).find("format version 2; this Kolmo reads version 1"), std::string::npos);
  model.save(file);
  rewrite("hidden_widths 2 7 5", "hidden_widths 2 7 6");
  EXPECT_NE(message_of(schedule).find("parameters; its architecture has"), std::string::npos);
  model.save(file);
  rewrite("activation silu", "activation relu");
  EXPECT_NE(message_of(schedule).find("expected the field 'activation', found 'relu'"), std::string::npos);
  std::filesystem::remove(file);
  EXPECT_NE(message_of(schedule).find("cannot open"), std::string::npos);
}

TEST(Mlp, BadInputIsAClearError) {
  const auto schedule = NoiseSchedule::vp_linear();
  KOLMO_EXPECT_THROW_NAMING(Mlp(MlpArchitecture{.dimension = 0}, schedule, 0), "architecture.dimension");
  KOLMO_EXPECT_THROW_NAMING(Mlp(MlpArchitecture{.hidden_widths = {}}, schedule, 0), "architecture.hidden_widths");
  KOLMO_EXPECT_THROW_NAMING(Mlp(MlpArchitecture{.hidden_widths = {4, 0}}, schedule, 0), "architecture.hidden_widths[1]");
  KOLMO_EXPECT_THROW_NAMING(Mlp(MlpArchitecture{.max_frequency = 0.5}, schedule, 0), "architecture.max_frequency");
  Mlp model(small(Activation::silu, Parameterisation::epsilon), schedule, 0);
  KOLMO_EXPECT_THROW_NAMING(model.set_parameters(Eigen::VectorXd::Zero(3)), "parameters");
  Eigen::VectorXd nan = model.parameters();
  nan[2] = std::nan("");
  KOLMO_EXPECT_THROW_NAMING(model.set_parameters(nan), "parameters(2, 0)");
  KOLMO_EXPECT_THROW_NAMING((void)model.score(times(3), Eigen::ArrayXXd::Zero(3, 3)), "x");
  KOLMO_EXPECT_THROW_NAMING((void)model.score(times(2), Eigen::ArrayXXd::Zero(3, 2)), "t");
  KOLMO_EXPECT_THROW_NAMING((void)model.score(Eigen::ArrayXd::Constant(3, 1.5), Eigen::ArrayXXd::Zero(3, 2)), "t(0)");
  // ε needs σ(t) > 0.
  KOLMO_EXPECT_THROW_NAMING((void)model.score(Eigen::ArrayXd::Zero(3), Eigen::ArrayXXd::Zero(3, 2)), "t");
  const LossBatch batch = draw_loss_batch(DenoisingScoreMatching{schedule, 0.3}, data_points(4), 1);
  KOLMO_EXPECT_THROW_NAMING((void)model.loss_gradient(batch, 0), "threads");
  LossBatch wrong = batch;
  wrong.target = Eigen::ArrayXXd::Zero(4, 3);
  KOLMO_EXPECT_THROW_NAMING((void)model.loss_gradient(wrong), "batch.target");
}

}  // namespace
}  // namespace kolmo::score
