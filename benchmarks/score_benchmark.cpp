// Throughput of the exact Gaussian-mixture score, the reference every sampler is verified with,
// in points per second (items/s; ns per point = 1e9 / items_per_second):
//   build/release/benchmarks/kolmo_benchmarks --benchmark_filter=Mixture
//
// The law: a 2-D bimodal mixture with anisotropic, oppositely correlated components (weights
// 0.35/0.65, covariance eigenvalues 0.9/0.1 and 0.32/0.02) under VP-linear (β from 0.1 to 20),
// evaluated at t = 0.5 on a batch of points drawn from p_t — one score call of a sampler step.
// Each call forms the marginal mixture at t (factors mapped, no decomposition) and evaluates
// the batch component by component in cache-sized blocks (distribution/gaussian_mixture.hpp).
//
// BM_MixtureScore/n        ScoreModel::score (shape checks and evaluation count included)
// BM_MixtureLogDensity/n   DiffusedMixture::log_density
// BM_MixtureDivergence/n   ScoreModel::divergence (the Laplacian of log p_t)

#include <benchmark/benchmark.h>

#include "kolmo/score/mixture_score.hpp"

namespace {

kolmo::distribution::DiffusedMixture bimodal_vp() {
  const Eigen::Matrix2d first = (Eigen::Matrix2d() << 0.5, 0.4, 0.4, 0.5).finished();
  const Eigen::Matrix2d second = (Eigen::Matrix2d() << 0.17, -0.15, -0.15, 0.17).finished();
  const kolmo::distribution::GaussianMixture data({0.35, 0.65}, {Eigen::Vector2d(-1.5, 1.0), Eigen::Vector2d(1.2, -0.4)},
                                                  {first, second});
  return {data, kolmo::process::NoiseSchedule::vp_linear()};
}

constexpr double t = 0.5;

/// Times `evaluate(x)` on a batch of state.range(0) points drawn from p_t; items are points.
template <class Evaluate>
void per_point(benchmark::State& state, Evaluate evaluate) {
  const Eigen::ArrayXXd x = bimodal_vp().marginal(t).sample(/*seed=*/11, 0, static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    const auto result = evaluate(x);
    benchmark::DoNotOptimize(result.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_MixtureScore(benchmark::State& state) {
  const kolmo::score::ScoreModel model = kolmo::score::mixture_score(bimodal_vp());
  per_point(state, [&](const Eigen::ArrayXXd& x) { return model.score(t, x); });
}
BENCHMARK(BM_MixtureScore)->Arg(256)->Arg(4096)->Arg(65536);

void BM_MixtureLogDensity(benchmark::State& state) {
  const auto law = bimodal_vp();
  per_point(state, [&](const Eigen::ArrayXXd& x) { return law.log_density(t, x); });
}
BENCHMARK(BM_MixtureLogDensity)->Arg(4096);

void BM_MixtureDivergence(benchmark::State& state) {
  const kolmo::score::ScoreModel model = kolmo::score::mixture_score(bimodal_vp());
  per_point(state, [&](const Eigen::ArrayXXd& x) { return model.divergence(t, x); });
}
BENCHMARK(BM_MixtureDivergence)->Arg(4096);

}  // namespace
