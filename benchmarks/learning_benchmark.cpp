// Training and evaluating the native MLP score network (score/mlp.hpp), for the side-by-side
// comparison with the same network in PyTorch (benchmarks/peers/compare_mlp_training.sh):
//
// BM_MlpTrainStep/batch/width/threads   one step of score::train on the 2-D anisotropic bimodal
//     mixture of lib/tests/support/bimodal_mixture.hpp under VP-linear: fresh data draws, the
//     continuous-time DSM batch (σ² weighting, t uniform on [1e-3, 1]), the gradient by
//     backpropagation, Adam and the EMA; an ε-prediction MLP with two hidden layers of `width`
//     SiLU units and 8 Fourier time frequencies. items/s = training steps per second.
// BM_MlpScore/batch/width               ScoreModel::score of the same network at one t (what a
//     sampler step calls); items/s = points per second.
// BM_SamplerOnMlp/width                 DPM-Solver++(2M), 20 steps, 4096 paths on that network:
//     with BM_MlpScore it gives the share of a sampler run spent in the model.

#include <benchmark/benchmark.h>

#include "kolmo/distribution/law.hpp"
#include "kolmo/sampling/dpm_solver_plus_plus.hpp"
#include "kolmo/score/train.hpp"
#include "support/bimodal_mixture.hpp"

namespace {

using kolmo::test_support::bimodal_mixture;

kolmo::score::Mlp network(std::size_t width) {
  return kolmo::score::Mlp({.dimension = 2, .hidden_widths = {width, width}, .time_frequencies = 8},
                           kolmo::process::NoiseSchedule::vp_linear(), 1);
}

void BM_MlpTrainStep(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const auto width = static_cast<std::size_t>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  const auto schedule = kolmo::process::NoiseSchedule::vp_linear();
  const kolmo::score::ContinuousScoreMatching objective{
      .schedule = schedule, .weighting = kolmo::score::Weighting::sigma_squared(), .t_min = 1e-3};
  const auto data = kolmo::distribution::Law::mixture(bimodal_mixture());
  kolmo::score::Mlp model = network(width);
  constexpr std::size_t steps = 20;
  for (auto _ : state) {
    const auto solution = kolmo::score::train(model, objective, data,
                                              {.steps = steps, .batch = batch, .seed = 3, .threads = threads,
                                               .record_every = steps});
    benchmark::DoNotOptimize(solution.ema_parameters.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(steps));
}
BENCHMARK(BM_MlpTrainStep)
    ->ArgsProduct({{256, 1024, 4096}, {64, 256}, {1, 2}})
    ->ArgNames({"batch", "width", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_MlpScore(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const kolmo::score::ScoreModel model = network(static_cast<std::size_t>(state.range(1))).score_model();
  const Eigen::ArrayXXd x = bimodal_mixture().sample(5, 0, n);
  for (auto _ : state) {
    const Eigen::ArrayXXd s = model.score(0.5, x);
    benchmark::DoNotOptimize(s.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_MlpScore)->ArgsProduct({{256, 4096}, {64, 256}})->ArgNames({"batch", "width"});

void BM_SamplerOnMlp(benchmark::State& state) {
  const kolmo::score::ScoreModel model = network(static_cast<std::size_t>(state.range(0))).score_model();
  const auto prior = kolmo::ensemble::InitialLaw::gaussian(Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity());
  const kolmo::sampling::SamplingProblem problem(model, kolmo::process::NoiseSchedule::vp_linear(), prior, 1.0, 1e-3, 7);
  for (auto _ : state) {
    const auto result =
        kolmo::sampling::sample(problem, kolmo::sampling::DpmSolverPlusPlus2M{.steps = 20}, {.paths = 4096, .threads = 1});
    benchmark::DoNotOptimize(result.samples.data());
  }
  state.SetItemsProcessed(state.iterations() * 4096 * 20);  // score evaluations
}
BENCHMARK(BM_SamplerOnMlp)->Arg(64)->Arg(256)->ArgNames({"width"})->Unit(benchmark::kMillisecond);

}  // namespace
