// Sampling throughput in samples per second (items/s) with the exact score of the 2-D bimodal
// anisotropic mixture (the law of score_benchmark.cpp) under VP-linear, from exact p_T samples to
// t_min = 1e-3:
//   build/release/benchmarks/kolmo_benchmarks --benchmark_filter='DpmSolver|ReverseSde|Ddpm'
//
// BM_DpmSolverPlusPlus2M/paths/threads  DPM-Solver++(2M), 20 logSNR-uniform steps: NFE 20
// BM_DpmSolver3/paths/threads           DPM-Solver-3, 7 steps: NFE 21
// BM_DdpmAncestral/paths/threads        DDPM ancestral, 100 steps: NFE 100 (one normal per component-step)
// BM_ReverseSdeEulerMaruyama/paths/threads  Anderson's reverse SDE, Euler–Maruyama through
//                                       sde::solve, 100 steps: NFE 100
// The score costs ~23 ns per point (BM_MixtureScore/4096), so NFE × 23 ns per sample is the
// floor that the samplers' own arithmetic and noise add to.

#include <benchmark/benchmark.h>

#include "support/bimodal_mixture.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/sampling/ddpm.hpp"
#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/dpm_solver_plus_plus.hpp"
#include "kolmo/sampling/reverse_sde.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"

namespace {

using kolmo::test_support::bimodal_vp_linear;
using kolmo::sampling::SamplingProblem;

constexpr double t_min = 1e-3;

SamplingProblem problem() {
  const kolmo::distribution::DiffusedMixture law = bimodal_vp_linear();
  const kolmo::distribution::GaussianMixture prior = law.marginal(1.0);
  return {kolmo::score::mixture_score(law), law.schedule(),
          kolmo::ensemble::InitialLaw::from(kolmo::distribution::Law::mixture(prior)),
          1.0, t_min, /*seed=*/7};
}

/// Times `method` on state.range(0) paths with state.range(1) threads; items are samples.
template <class Method>
void samples_per_second(benchmark::State& state, const Method& method) {
  const SamplingProblem sampling_problem = problem();
  const auto paths = static_cast<std::uint64_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  std::uint64_t nfe = 0;
  for (auto _ : state) {
    const kolmo::sampling::SampleSolution result = sample(sampling_problem, method, {.paths = paths, .threads = threads});
    benchmark::DoNotOptimize(result.samples.data());
    nfe = result.stats.model_evaluations;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths));
  state.counters["nfe"] = static_cast<double>(nfe);
  state.counters["threads"] = threads;
}

void BM_DpmSolverPlusPlus2M(benchmark::State& state) {
  samples_per_second(state, kolmo::sampling::DpmSolverPlusPlus2M{.steps = 20});
}
BENCHMARK(BM_DpmSolverPlusPlus2M)->Args({1 << 16, 1})->Args({1 << 16, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DpmSolver3(benchmark::State& state) {
  samples_per_second(state, kolmo::sampling::DpmSolver{.order = 3, .steps = 7});
}
BENCHMARK(BM_DpmSolver3)->Args({1 << 16, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DdpmAncestral(benchmark::State& state) {
  samples_per_second(state, kolmo::sampling::Ddpm{.steps = 100});
}
BENCHMARK(BM_DdpmAncestral)->Args({1 << 16, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReverseSdeEulerMaruyama(benchmark::State& state) {
  const SamplingProblem sampling_problem = problem();
  const kolmo::process::Sde reverse =
      kolmo::sampling::reverse_sde(kolmo::sampling::ForwardProcess::of(sampling_problem.schedule, 2), sampling_problem.model);
  const kolmo::sde::SdeProblem backwards(reverse, sampling_problem.initial, 1.0, t_min, sampling_problem.seed);
  const auto paths = static_cast<std::uint64_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  constexpr int steps = 100;
  for (auto _ : state) {
    const auto solution =
        kolmo::sde::solve(backwards, kolmo::sde::EulerMaruyama{(t_min - 1.0) / steps}, {.paths = paths, .threads = threads});
    benchmark::DoNotOptimize(solution.terminal.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths));
  state.counters["nfe"] = steps;
  state.counters["threads"] = threads;
}
BENCHMARK(BM_ReverseSdeEulerMaruyama)->Args({1 << 16, 1})->Args({1 << 16, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
