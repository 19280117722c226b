// Throughput of the exact Gaussian-mixture score, the reference every sampler is verified with,
// in points per second (items/s; ns per point = 1e9 / items_per_second):
//   build/release/benchmarks/kolmo_benchmarks --benchmark_filter=Mixture
//
// The law: the 2-D bimodal anisotropic mixture of lib/tests/support/bimodal_mixture.hpp under VP-linear,
// evaluated at t = 0.5 on a batch of points drawn from p_t — one score call of a sampler step.
// Each call forms the marginal mixture at t (factors mapped, no decomposition) and evaluates
// the batch component by component in cache-sized blocks (distribution/gaussian_mixture.hpp).
//
// BM_MixtureScore/n        ScoreModel::score (shape checks and evaluation count included)
// BM_MixtureLogDensity/n   DiffusedMixture::log_density
// BM_MixtureDivergence/n   ScoreModel::divergence (the Laplacian of log p_t)

#include <benchmark/benchmark.h>

#include "support/bimodal_mixture.hpp"
#include "kolmo/score/mixture_score.hpp"

namespace {

using kolmo::test_support::bimodal_vp_linear;

constexpr double t = 0.5;

/// Times `evaluate(x)` on a batch of state.range(0) points drawn from p_t; items are points.
template <class Evaluate>
void per_point(benchmark::State& state, Evaluate evaluate) {
  const Eigen::ArrayXXd x = bimodal_vp_linear().marginal(t).sample(/*seed=*/11, 0, static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    const auto result = evaluate(x);
    benchmark::DoNotOptimize(result.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_MixtureScore(benchmark::State& state) {
  const kolmo::score::ScoreModel model = kolmo::score::mixture_score(bimodal_vp_linear());
  per_point(state, [&](const Eigen::ArrayXXd& x) { return model.score(t, x); });
}
BENCHMARK(BM_MixtureScore)->Arg(256)->Arg(4096)->Arg(65536);

void BM_MixtureLogDensity(benchmark::State& state) {
  const auto law = bimodal_vp_linear();
  per_point(state, [&](const Eigen::ArrayXXd& x) { return law.log_density(t, x); });
}
BENCHMARK(BM_MixtureLogDensity)->Arg(4096);

void BM_MixtureDivergence(benchmark::State& state) {
  const kolmo::score::ScoreModel model = kolmo::score::mixture_score(bimodal_vp_linear());
  per_point(state, [&](const Eigen::ArrayXXd& x) { return model.divergence(t, x); });
}
BENCHMARK(BM_MixtureDivergence)->Arg(4096);

}  // namespace
