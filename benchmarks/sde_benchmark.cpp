// Throughput of the Monte Carlo SDE engine in path-steps per second (items/s), to compare with
// the normal-variate ceiling of random_benchmark.cpp (BM_FillStandardNormals) and with the
// NumPy-vectorised Euler–Maruyama of peers/numpy_euler_maruyama.py doing the same work.
//   build/release/benchmarks/kolmo_benchmarks --benchmark_filter=EulerMaruyama
// or, side by side with NumPy:  benchmarks/peers/compare_euler_maruyama.sh
//
// BM_EulerMaruyamaOu1d/paths/steps/threads: dX = −θX dt + σ dW (θ = 1, σ = 1) over [0, 1] from
// X0 = 1, terminal states kept (the work NumPy does). BM_EulerMaruyamaLinear/d: a d-dimensional
// linear SDE dX = A X dt + dW with A = −I + 0.1 (ones), 2^16 paths, 100 steps.

#include <benchmark/benchmark.h>

#include "kolmo/process/linear_sde.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"

namespace {

void BM_EulerMaruyamaOu1d(benchmark::State& state) {
  const auto paths = static_cast<std::uint64_t>(state.range(0));
  const auto steps = static_cast<std::uint64_t>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  const kolmo::process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);
  const kolmo::sde::SdeProblem problem(ou.sde(), kolmo::ensemble::InitialLaw::point(Eigen::VectorXd::Ones(1)), 0.0, 1.0, 7);
  const kolmo::sde::EulerMaruyama scheme{1.0 / static_cast<double>(steps)};
  for (auto _ : state) {
    const auto solution = kolmo::sde::solve(problem, scheme, {.paths = paths, .threads = threads});
    benchmark::DoNotOptimize(solution.terminal.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths * steps));
  state.counters["threads"] = threads;
}
BENCHMARK(BM_EulerMaruyamaOu1d)
    ->Args({1 << 20, 1000, 1})
    ->Args({1 << 20, 1000, 2})
    ->Args({1 << 16, 100, 1})
    // The ensemble of benchmarks/peers/compare_python_drift.py, run from Python by kolmo.sde.solve.
    ->Args({200'000, 200, 1})
    ->Args({200'000, 200, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_EulerMaruyamaLinear(benchmark::State& state) {
  const auto d = static_cast<Eigen::Index>(state.range(0));
  const Eigen::MatrixXd a = -Eigen::MatrixXd::Identity(d, d) + 0.1 * Eigen::MatrixXd::Ones(d, d);
  const kolmo::process::LinearSde linear(a, Eigen::VectorXd::Zero(d), Eigen::MatrixXd::Identity(d, d));
  const kolmo::sde::SdeProblem problem(linear.sde(), kolmo::ensemble::InitialLaw::point(Eigen::VectorXd::Ones(d)), 0.0, 1.0, 7);
  constexpr std::uint64_t paths = 1 << 16, steps = 100;
  for (auto _ : state) {
    const auto solution = kolmo::sde::solve(problem, kolmo::sde::EulerMaruyama{1.0 / steps}, {.paths = paths, .threads = 1});
    benchmark::DoNotOptimize(solution.terminal.data());
  }
  // Items are path-steps; per component-step divide by d.
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths * steps));
  state.counters["dimension"] = static_cast<double>(d);
}
BENCHMARK(BM_EulerMaruyamaLinear)->Arg(2)->Arg(10)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
