// A PyTorch network used from an outside project through the installed kolmo::torch component
// (find_package(kolmo) finds Torch when the package was built with it): the ε-network that
// ctest's score.torch_fixture trains and saves with torch.jit.save, loaded as a ScoreModel,
// measured against the exact score of its data law and sampled with DPM-Solver++(2M).
// Usage: kolmo_consumer_torch <network.pt>
#include <cmath>
#include <cstdio>

#include <kolmo/distribution/diffused_mixture.hpp>
#include <kolmo/sampling/dpm_solver_plus_plus.hpp>
#include <kolmo/score/mixture_score.hpp>
#include <kolmo/score/objective.hpp>
#include <kolmo/score/torch_score.hpp>

int main(int argc, char** argv) {
  using namespace kolmo;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <network.pt>\n", argv[0]);
    return 2;
  }
  // The fixture's data law (lib/tests/support/bimodal_mixture.hpp) under VP-linear(0.1, 20).
  const distribution::GaussianMixture data(
      {0.35, 0.65}, {Eigen::Vector2d(-1.5, 1.0), Eigen::Vector2d(1.2, -0.4)},
      {Eigen::Matrix2d{{0.5, 0.4}, {0.4, 0.5}}, Eigen::Matrix2d{{0.17, -0.15}, {-0.15, 0.17}}});
  const process::NoiseSchedule schedule = process::NoiseSchedule::vp_linear();
  const score::TorchScore network =
      score::TorchScore::load(argv[1], 2, score::Parameterisation::epsilon, schedule, /*threads=*/1);
  const score::ScoreModel learned = network.score_model();

  const score::ObjectiveEstimate esm = score::evaluate(
      score::ContinuousScoreMatching{.schedule = schedule, .weighting = score::Weighting::likelihood(), .t_min = 1e-2,
                                     .time_sampling = score::TimeSampling::likelihood_importance(),
                                     .reference = score::mixture_score(distribution::DiffusedMixture(data, schedule))},
      learned, data.sample(1, 0, 2000), /*seed=*/2);
  std::printf("PyTorch network: likelihood-weighted ESM against the exact score %.4f +- %.4f\n", esm.value,
              esm.standard_error);

  const auto prior = ensemble::InitialLaw::gaussian(Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity());
  const auto run = sampling::sample(sampling::SamplingProblem(learned, schedule, prior, 1.0, 1e-2, /*seed=*/3),
                                    sampling::DpmSolverPlusPlus2M{.steps = 20}, {.paths = 1000, .threads = 2});
  std::printf("DPM-Solver++(2M) on it: %zu samples, mean (%.3f, %.3f)\n", static_cast<std::size_t>(run.samples.rows()),
              run.samples.col(0).mean(), run.samples.col(1).mean());
  return esm.status.ok() && std::isfinite(esm.value) && run.status.ok() && run.samples.allFinite() ? 0 : 1;
}
