// Throughput of Kolmo's random draws: the ceiling later Monte Carlo throughput is measured
// against. Single thread ("per core"); items/s is normals (or increments) per second.
//   build/release/benchmarks/kolmo_benchmarks --benchmark_filter=Normal
// BM_StdMt19937Normal is the side-by-side baseline: libstdc++'s mt19937_64 with
// std::normal_distribution, a sequential generator with none of Philox's reproducibility.

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "kolmo/random/brownian_increments.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"

namespace {

using kolmo::random::Purpose;

void BM_FillStandardNormals(benchmark::State& state) {
  const auto paths = static_cast<std::size_t>(state.range(0));
  std::vector<double> out(paths);
  std::uint64_t step = 0;
  for (auto _ : state) {
    kolmo::random::fill_standard_normals({1, Purpose::brownian, step++, 0, paths, 1}, out, 1);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths));
}
BENCHMARK(BM_FillStandardNormals)->Arg(1 << 10)->Arg(1 << 16);

void BM_SingleStandardNormal(benchmark::State& state) {
  std::uint64_t path = 0;
  for (auto _ : state) benchmark::DoNotOptimize(kolmo::random::standard_normal({1, Purpose::brownian, path++, 0, 0}));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SingleStandardNormal);

void BM_StdMt19937Normal(benchmark::State& state) {
  const auto paths = static_cast<std::size_t>(state.range(0));
  std::vector<double> out(paths);
  std::mt19937_64 engine(1);
  std::normal_distribution<double> normal;
  for (auto _ : state) {
    for (double& z : out) z = normal(engine);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths));
}
BENCHMARK(BM_StdMt19937Normal)->Arg(1 << 16);

void BM_FillUniforms(benchmark::State& state) {
  const std::size_t paths = 1 << 16;
  std::vector<double> out(paths);
  std::uint64_t step = 0;
  for (auto _ : state) {
    kolmo::random::fill_uniforms({1, Purpose::accept_reject, step++, 0, paths, 1}, out, 1);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths));
}
BENCHMARK(BM_FillUniforms);

// Coarse increments of `factor` fine steps: items are fine increments drawn per second, so the
// tree summation's overhead shows as the drop from the factor-1 rate.
void BM_BrownianFill(benchmark::State& state) {
  const std::size_t paths = 1 << 14;
  const auto factor = static_cast<std::uint64_t>(state.range(0));
  const kolmo::random::BrownianIncrements w(1, 0.0, 1.0, 1 << 12);
  std::vector<double> out(paths);
  std::uint64_t step = 0;
  for (auto _ : state) {
    w.fill(0, paths, step, factor, out, 1);
    step = (step + 1) % w.steps(factor);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths * factor));
}
BENCHMARK(BM_BrownianFill)->Arg(1)->Arg(8);

}  // namespace
