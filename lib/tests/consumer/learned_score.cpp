// The README's learned-score example, compiled and run by ctest against the installed package
// (consumer.find_package_kolmo): an ε-prediction MLP trained by continuous-time denoising score
// matching on a 2-D bimodal mixture, saved and reloaded, measured against the exact score, and
// sampled with DPM-Solver++(2M) in 20 score evaluations from the prior N(0, I).
#include <cstdio>
#include <filesystem>

#include <kolmo/distribution/diffused_mixture.hpp>
#include <kolmo/distribution/law.hpp>
#include <kolmo/sampling/dpm_solver_plus_plus.hpp>
#include <kolmo/score/mixture_score.hpp>
#include <kolmo/score/train.hpp>
#include <kolmo/stats/energy_distance.hpp>

int main() {
  using namespace kolmo;
  const distribution::GaussianMixture data({0.3, 0.7}, {Eigen::Vector2d(-2.0, 0.0), Eigen::Vector2d(1.5, 1.0)},
                                           {Eigen::Matrix2d{{0.3, 0.1}, {0.1, 0.2}}, Eigen::Matrix2d{{0.5, -0.2}, {-0.2, 0.4}}});
  const process::NoiseSchedule schedule = process::NoiseSchedule::vp_linear(0.1, 20.0);
  const distribution::DiffusedMixture diffused(data, schedule);

  // Train: ½ ∫ σ² E|s_θ − ∇log q(x_t | x_0)|² dt (the ε-loss), fresh draws of the data each step.
  score::Mlp model({.dimension = 2, .hidden_widths = {64, 64}, .output = score::Parameterisation::epsilon}, schedule,
                   /*seed=*/1);
  const score::ContinuousScoreMatching dsm{.schedule = schedule, .weighting = score::Weighting::sigma_squared(),
                                           .t_min = 1e-3};
  const score::TrainingSolution training =
      score::train(model, dsm, distribution::Law::mixture(data),
                   {.steps = 3000, .batch = 512, .learning_rate = score::LearningRate::warmup_cosine(3e-3, 200, 3000, 0.05),
                    .ema_decay = 0.999, .seed = 2, .threads = 2, .record_every = 1000});
  for (const score::LossRecord& r : training.loss_curve) {
    std::printf("steps %4zu-%4zu: loss %.4f +- %.4f\n", r.first_step, r.first_step + r.steps - 1, r.loss, r.standard_error);
  }
  model.set_parameters(training.ema_parameters);
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "kolmo-example-mlp.txt";
  model.save(file);
  const score::ScoreModel learned = score::Mlp::load(file, schedule).score_model("learned");
  std::filesystem::remove(file);

  // How far from the truth: the Girsanov bound's ½ ∫ g² E|s_θ − ∇log p_t|² dt (Song et al. 2021).
  const score::ObjectiveEstimate esm = score::evaluate(
      score::ContinuousScoreMatching{.schedule = schedule, .weighting = score::Weighting::likelihood(), .t_min = 1e-3,
                                     .time_sampling = score::TimeSampling::likelihood_importance(),
                                     .reference = score::mixture_score(diffused)},
      learned, data.sample(3, 0, 20'000), /*seed=*/4);
  std::printf("likelihood-weighted ESM against the exact score: %.4f +- %.4f nats\n", esm.value, esm.standard_error);

  // Sample with it, and compare with exact draws of p_{t_min}.
  const auto prior = ensemble::InitialLaw::gaussian(Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity());
  const sampling::SamplingProblem problem(learned, schedule, prior, /*t_max=*/1.0, /*t_min=*/1e-3, /*seed=*/5);
  const sampling::SampleSolution samples =
      sampling::sample(problem, sampling::DpmSolverPlusPlus2M{.steps = 20}, {.paths = 2000, .threads = 2});
  const Eigen::ArrayXXd exact = diffused.marginal(1e-3).sample(6, 0, 2000);
  std::printf("%s: %llu evaluations per sample; energy distance to exact draws %.4f (exact vs exact: %.4f)\n",
              samples.sampler.c_str(), static_cast<unsigned long long>(samples.stats.model_evaluations),
              stats::energy_distance(samples.samples.matrix(), exact.matrix()),
              stats::energy_distance(diffused.marginal(1e-3).sample(7, 0, 2000).matrix(), exact.matrix()));
  return training.status.ok() && esm.status.ok() && samples.status.ok() ? 0 : 1;
}
