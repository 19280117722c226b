// Strong scaling of distributed ensembles (ensemble/distributed.hpp) on MPI ranks: the same work
// on 1 rank × 1 thread, 1 rank × 2 threads and 2 ranks × 1 thread, compared by
//   benchmarks/peers/compare_mpi_scaling.sh [build-dir]
// which runs this program under mpiexec and prints the parallel efficiencies. Run by hand:
//   mpiexec -n 2 build/release/benchmarks/kolmo_mpi_benchmarks --benchmark_filter='/1/iterations'
//
// Each iteration is timed from a barrier to the slowest rank's end (manual time: the maximum
// over the ranks), so it includes the exchange of wave records and, where the samples are kept,
// their gather to rank 0. The iteration count is fixed: ranks must agree on it, and Google
// Benchmark's adaptive count would be decided by each rank alone. Rank 0 reports.
//
// BM_DistributedEulerMaruyama/paths/steps/threads: 1-D OU, dX = −X dt + dW over [0, 1], its
//   moments at t = 1 observed (no terminal states: the regime of a 10^9-path study);
// BM_DistributedDpmSolver/paths/gathered/threads: DPM-Solver++(2M), 20 steps, on the 2-D bimodal
//   mixture with its exact score from exact p_T draws, the samples gathered to rank 0 (1) or
//   left on their ranks (0).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include "kolmo/distribution/law.hpp"
#include "kolmo/mpi/communicator.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "kolmo/sampling/dpm_solver_multistep.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "support/bimodal_mixture.hpp"

namespace {

const kolmo::mpi::Communicator* world = nullptr;

/// Runs `work` once on every rank between a barrier and the slowest rank's end; that span in s.
template <class Work>
double slowest_rank_seconds(Work work) {
  (void)world->all_gather({});  // barrier
  const auto start = std::chrono::steady_clock::now();
  work();
  const double mine = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double slowest = 0.0;
  for (const auto& bytes : world->all_gather({reinterpret_cast<const std::byte*>(&mine), sizeof mine})) {
    double seconds = 0.0;
    std::memcpy(&seconds, bytes.data(), sizeof seconds);
    slowest = std::max(slowest, seconds);
  }
  return slowest;
}

void BM_DistributedEulerMaruyama(benchmark::State& state) {
  const auto paths = static_cast<std::uint64_t>(state.range(0));
  const auto steps = static_cast<std::uint64_t>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  const kolmo::process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);
  const kolmo::sde::SdeProblem problem(ou.sde(), kolmo::ensemble::InitialLaw::point(Eigen::VectorXd::Ones(1)), 0.0, 1.0, 7);
  kolmo::sde::EnsembleOptions options{.paths = paths, .threads = threads};
  options.observe.terminal = false;
  options.observe.moment_times = {1.0};
  options.distributed.communicator = world;
  for (auto _ : state) {
    state.SetIterationTime(slowest_rank_seconds([&] {
      const auto solution = kolmo::sde::solve(problem, kolmo::sde::EulerMaruyama{1.0 / static_cast<double>(steps)}, options);
      benchmark::DoNotOptimize(solution.moments.data());
    }));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths * steps));
  state.counters["ranks"] = world->size();
  state.counters["threads"] = threads;
}
BENCHMARK(BM_DistributedEulerMaruyama)
    ->Args({1 << 22, 100, 1})
    ->Args({1 << 22, 100, 2})
    ->Iterations(10)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_DistributedDpmSolver(benchmark::State& state) {
  const auto paths = static_cast<std::uint64_t>(state.range(0));
  const bool gathered = state.range(1) == 1;
  const int threads = static_cast<int>(state.range(2));
  const kolmo::distribution::DiffusedMixture law = kolmo::test_support::bimodal_vp_linear();
  const kolmo::sampling::SamplingProblem problem(
      kolmo::score::mixture_score(law), law.schedule(),
      kolmo::ensemble::InitialLaw::from(kolmo::distribution::Law::mixture(law.marginal(1.0))), 1.0, 1e-3, 3);
  const kolmo::sampling::DpmSolverMultistep method{.order = 2, .steps = 20, .prediction = kolmo::sampling::Prediction::data};
  kolmo::sampling::SamplerOptions options{.paths = paths, .threads = threads};
  options.distributed = {.communicator = world,
                         .terminal = gathered ? kolmo::ensemble::TerminalStates::gathered
                                              : kolmo::ensemble::TerminalStates::distributed};
  for (auto _ : state) {
    state.SetIterationTime(slowest_rank_seconds([&] {
      const auto solution = kolmo::sampling::sample(problem, method, options);
      benchmark::DoNotOptimize(solution.samples.data());
    }));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths * 20));
  state.counters["ranks"] = world->size();
  state.counters["threads"] = threads;
}
BENCHMARK(BM_DistributedDpmSolver)
    ->Args({1 << 20, 1, 1})
    ->Args({1 << 20, 1, 2})
    ->Args({1 << 20, 0, 1})
    ->Args({1 << 20, 0, 2})
    ->Iterations(10)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

/// Rank 0 reports; the others run the same benchmarks silently.
class Silent final : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  kolmo::mpi::Environment environment(argc, argv);
  const kolmo::mpi::Communicator communicator;
  world = &communicator;
  // Only rank 0 writes --benchmark_out: the others drop the flag (one file, not N racing writers).
  std::vector<char*> arguments(argv, argv + argc);
  if (communicator.rank() != 0) {
    std::erase_if(arguments, [](const char* a) { return std::strncmp(a, "--benchmark_out", 15) == 0; });
  }
  int count = static_cast<int>(arguments.size());
  arguments.push_back(nullptr);
  benchmark::Initialize(&count, arguments.data());
  if (communicator.rank() == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    Silent silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return 0;
}
