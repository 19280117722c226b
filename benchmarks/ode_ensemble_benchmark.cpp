// ODE ensembles advanced in batches (ode/ensemble.hpp): the probability-flow ODE of the 2-D
// bimodal mixture (lib/tests/support/bimodal_mixture.hpp) under VP-linear(0.1, 20) with its exact
// score, from N(0, I) at t = 1 to t = 1e-3, as issue #19 measures it against NumPy and SciPy
// (benchmarks/peers/compare_ode_ensembles.sh).
//
// BM_ProbabilityFlowRk4/paths/threads        50 classical RK4 steps; items = paths.
// BM_ProbabilityFlowDopri/tolerance/threads  Dormand–Prince with per-path control at
//     absolute = relative tolerance 10^−(arg/10); counter max_error = the largest |x − x_ref| over
//     paths and components against the same paths at tolerance 1e-13 (the flow map to ~1e-12).
// BM_ProbabilityFlowLogDensity/probes         Rk4 with the log-density: 0 exact divergence, K Hutchinson probes.

#include <benchmark/benchmark.h>

#include <cmath>

#include "kolmo/ode/ensemble.hpp"
#include "kolmo/sampling/reverse_sde.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"

namespace {

constexpr std::size_t paths = 65536;
constexpr double t_min = 1e-3;

kolmo::ode::FlowProblem problem() {
  const auto diffused = kolmo::test_support::bimodal_vp_linear();
  const auto forward = kolmo::sampling::ForwardProcess::of(diffused.schedule(), 2);
  return {kolmo::sampling::probability_flow(forward, kolmo::score::mixture_score(diffused)),
          kolmo::ensemble::InitialLaw::gaussian(Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity()), 1.0, t_min, 11};
}

void BM_ProbabilityFlowRk4(benchmark::State& state) {
  const auto count = static_cast<std::uint64_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const kolmo::ode::FlowProblem flow = problem();
  for (auto _ : state) {
    const auto result = kolmo::ode::solve(flow, kolmo::ode::Rk4{-(1.0 - t_min) / 50.0}, {.paths = count, .threads = threads});
    benchmark::DoNotOptimize(result.ensemble.terminal.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(count));
}
BENCHMARK(BM_ProbabilityFlowRk4)
    ->Args({paths, 1})
    ->Args({paths, 2})
    ->ArgNames({"paths", "threads"})
    ->MinTime(2.0)  // several iterations: the first pays one-off costs (page faults of fresh arrays)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

const Eigen::ArrayXXd& reference_terminal() {
  static const Eigen::ArrayXXd terminal =
      kolmo::ode::solve(problem(), kolmo::ode::DormandPrince{1e-13, 1e-13}, {.paths = paths, .threads = 2}).ensemble.terminal;
  return terminal;
}

void BM_ProbabilityFlowDopri(benchmark::State& state) {
  const double tolerance = std::pow(10.0, -static_cast<double>(state.range(0)) / 10.0);
  const int threads = static_cast<int>(state.range(1));
  const kolmo::ode::FlowProblem flow = problem();
  const Eigen::ArrayXXd& reference = reference_terminal();
  double error = 0.0;
  std::uint64_t evaluations = 0;
  for (auto _ : state) {
    const auto result = kolmo::ode::solve(flow, kolmo::ode::DormandPrince{tolerance, tolerance}, {.paths = paths, .threads = threads});
    error = (result.ensemble.terminal - reference).abs().maxCoeff();
    evaluations = result.velocity_evaluations;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(paths));
  state.counters["max_error"] = error;
  state.counters["evaluations_per_path"] = static_cast<double>(evaluations) / static_cast<double>(paths);
}
// Tolerances from 1e-3 (to match SciPy's looser runs by error: its largest errors are 10-50x its
// tolerance) to 1e-8 in half decades, so that compare_ode_ensembles.sh's fastest run at least as
// accurate as SciPy's is not held a whole decade too accurate.
BENCHMARK(BM_ProbabilityFlowDopri)
    ->ArgsProduct({benchmark::CreateDenseRange(30, 80, 5), {2}})
    ->Args({60, 1})
    ->ArgNames({"tolerance_exponent_x10", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ProbabilityFlowLogDensity(benchmark::State& state) {
  const auto probes = static_cast<std::size_t>(state.range(0));
  const kolmo::ode::FlowProblem flow = problem();
  kolmo::ode::FlowEnsembleOptions options{.paths = 16384, .threads = 2};
  if (probes == 0) {
    options.log_density = kolmo::ode::ExactDivergence{};
  } else {
    options.log_density = kolmo::ode::Hutchinson{.probes = probes};
  }
  for (auto _ : state) {
    const auto result = kolmo::ode::solve(flow, kolmo::ode::Rk4{-(1.0 - t_min) / 50.0}, options);
    benchmark::DoNotOptimize(result.log_density_change.data());
  }
  state.SetItemsProcessed(state.iterations() * 16384);
}
BENCHMARK(BM_ProbabilityFlowLogDensity)->Arg(0)->Arg(1)->Arg(10)->ArgNames({"probes"})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
