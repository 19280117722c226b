// Throughput of the grid Fokker–Planck solver, per step and cell (items/s = cell-steps/s), with
// the memory bandwidth it achieves, beside a STREAM-like triad measured in the same run
// (McCalpin 1995) and, in peers/scipy_implicit_euler.py, SciPy's pre-factorised sparse LU on
// the same 1-D problem.
//   build/release/benchmarks/kolmo_benchmarks --benchmark_filter='FokkerPlanck|StreamTriad'
// or side by side with SciPy:  benchmarks/peers/compare_fokker_planck.sh
//
// BM_FokkerPlanck1d/cells/scheme: 1-D OU dX = −X dt + dW on [−5, 5] (zero flux), exponential
// fitting, 1000 steps of dt = 1e-3 (scheme 0: implicit Euler, 1: Crank–Nicolson). Setup (one
// assembly, one factorisation) is included and is below 1% of the run.
// bytes_per_second counts what a step must move at least: implicit Euler reads the three
// factor arrays and p and writes p (5 doubles per cell); Crank–Nicolson also reads the three
// operator diagonals and p for the explicit half and writes the right-hand side (+5).

#include <benchmark/benchmark.h>

#include <vector>

#include "kolmo/pde/etdrk4.hpp"
#include "kolmo/pde/spectral.hpp"
#include "kolmo/pde/ssp_runge_kutta.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"

namespace {

void BM_FokkerPlanck1d(benchmark::State& state) {
  const auto cells = static_cast<std::size_t>(state.range(0));
  const bool crank_nicolson = state.range(1) == 1;
  const kolmo::process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);
  const kolmo::pde::Grid grid({{-5.0, 5.0, cells}});
  const kolmo::pde::FokkerPlanck fp(ou.sde(), grid);
  const auto start = kolmo::pde::DensityField::sample(grid, [](const kolmo::process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.col(0) - 1.0).square() / 0.2).exp();
  });
  constexpr int steps = 1000;
  const kolmo::pde::ThetaMethod method{
      .scheme = crank_nicolson ? kolmo::pde::TimeScheme::crank_nicolson : kolmo::pde::TimeScheme::implicit_euler,
      .dt = 1e-3};
  for (auto _ : state) {
    const auto solution = kolmo::pde::solve(fp, start, steps * 1e-3, method);
    benchmark::DoNotOptimize(solution.density.values().data());
  }
  const auto cell_steps = static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(cells) * steps;
  state.SetItemsProcessed(cell_steps);
  state.SetBytesProcessed(cell_steps * (crank_nicolson ? 10 : 5) * static_cast<std::int64_t>(sizeof(double)));
}
BENCHMARK(BM_FokkerPlanck1d)->Args({1 << 16, 0})->Args({1 << 16, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

// BM_SpectralStep/cells_per_axis/dimension/steps: pseudo-spectral ETDRK4 (pde/etdrk4.hpp) on
// the periodic box [0, 2π)^d with drift f_k = sin x_k + cos x_{k+1} and D = ½ I, 1-D on 2^16
// nodes and 2-D on 512², `steps` steps of dt = 1e-3. A step is 4 (1 + d) FFTs of the grid plus
// O(cells) mode-wise arithmetic. per_cell_step is wall time per cell and step including the
// set-up (plans with FFTW_ESTIMATE, the contour coefficients of every mode, the drift at the
// nodes); as for ADI, (T_steps − T_1)/(steps − 1) separates the step from the set-up.
void BM_SpectralStep(benchmark::State& state) {
  const auto cells = static_cast<std::size_t>(state.range(0));
  const auto dimension = static_cast<Eigen::Index>(state.range(1));
  const auto steps = static_cast<int>(state.range(2));
  const double two_pi = 2 * 3.141592653589793;
  const auto sde = kolmo::process::Sde::additive(
      "periodic drift", static_cast<std::size_t>(dimension), static_cast<std::size_t>(dimension),
      [dimension](double, const kolmo::process::StateView& x) -> Eigen::ArrayXXd {
        Eigen::ArrayXXd f = x.sin();
        for (Eigen::Index k = 0; k < dimension; ++k) f.col(k) += x.col((k + 1) % dimension).cos();
        return f;
      },
      [dimension](double) { return Eigen::MatrixXd::Identity(dimension, dimension); });
  std::vector<kolmo::pde::Axis> axes(static_cast<std::size_t>(dimension),
                                     kolmo::pde::Axis{0.0, two_pi, cells, kolmo::pde::Boundary::periodic});
  const kolmo::pde::Grid grid(axes);
  const kolmo::pde::SpectralFokkerPlanck equation(sde, grid);
  const auto start = kolmo::pde::DensityField::sample(grid, [](const kolmo::process::StateView& x) -> Eigen::ArrayXd {
    return x.cos().rowwise().sum().exp();
  });
  std::uint64_t transforms = 0;
  for (auto _ : state) {
    const auto solution = kolmo::pde::solve(equation, start, steps * 1e-3, {.dt = 1e-3});
    transforms = solution.stats.transforms;
    benchmark::DoNotOptimize(solution.density.values().data());
  }
  const auto cell_steps = static_cast<double>(state.iterations()) * static_cast<double>(grid.cells()) * steps;
  state.counters["per_cell_step"] = benchmark::Counter(cell_steps, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["cells"] = static_cast<double>(grid.cells());
  state.counters["transforms"] = static_cast<double>(transforms);
}
BENCHMARK(BM_SpectralStep)
    ->Args({1 << 16, 1, 1})
    ->Args({1 << 16, 1, 101})
    ->Args({512, 2, 1})
    ->Args({512, 2, 21})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// BM_FokkerPlanckAdi/cells_per_axis/dimension/steps: Douglas ADI on the isotropic OU
// dX = −X dt + dW in 2-D (512²) and 3-D (128³), `steps` steps of dt = 0.01 including the
// assembly and factorisation. The cost of a step is the difference between the 41-step and the
// 1-step runs, divided by 40 (setup dominates short runs on these grids; see the README).
void BM_FokkerPlanckAdi(benchmark::State& state) {
  const auto cells = static_cast<std::size_t>(state.range(0));
  const auto dimension = static_cast<Eigen::Index>(state.range(1));
  const auto steps = static_cast<int>(state.range(2));
  const kolmo::process::LinearSde ou(-Eigen::MatrixXd::Identity(dimension, dimension), Eigen::VectorXd::Zero(dimension),
                                     Eigen::MatrixXd::Identity(dimension, dimension));
  std::vector<kolmo::pde::Axis> axes(static_cast<std::size_t>(dimension), kolmo::pde::Axis{-4.0, 4.0, cells});
  const kolmo::pde::Grid grid(axes);
  const kolmo::pde::FokkerPlanck fp(ou.sde(), grid);
  const auto start = kolmo::pde::DensityField::sample(grid, [](const kolmo::process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.matrix().rowwise().squaredNorm().array()) / 0.5).exp();
  });
  for (auto _ : state) {
    const auto solution = kolmo::pde::solve(fp, start, steps * 0.01, {.scheme = kolmo::pde::TimeScheme::douglas_adi, .dt = 0.01});
    benchmark::DoNotOptimize(solution.density.values().data());
  }
  state.counters["cells"] = static_cast<double>(grid.cells());
  state.counters["steps"] = steps;
}
BENCHMARK(BM_FokkerPlanckAdi)
    ->Args({512, 2, 1})
    ->Args({512, 2, 41})
    ->Args({128, 3, 1})
    ->Args({128, 3, 41})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// BM_ContinuityStep/cells_per_axis/time_dependent: the continuity equation on a 512² grid,
// solid-body rotation v = (−y, x) on [−1, 1]² with the van Leer limiter and SSPRK(3,3), 20 fixed
// steps at 0.9 of the largest stable dt. time_dependent = 1 evaluates v (two batch calls) and
// the Courant check at every stage, as the probability-flow velocity will need; 0 evaluates
// them once. seconds_per_cell_step is the wall time per cell and step (3 stages).
void BM_ContinuityStep(benchmark::State& state) {
  const auto cells = static_cast<std::size_t>(state.range(0));
  const bool time_dependent = state.range(1) == 1;
  const kolmo::pde::Grid grid({{-1.0, 1.0, cells}, {-1.0, 1.0, cells}});
  const kolmo::pde::Continuity equation(
      [](double, const kolmo::process::StateView& x) -> Eigen::ArrayXXd {
        Eigen::ArrayXXd v(x.rows(), 2);
        v.col(0) = -x.col(1);
        v.col(1) = x.col(0);
        return v;
      },
      grid);
  const auto start = kolmo::pde::DensityField::sample(grid, [](const kolmo::process::StateView& x) -> Eigen::ArrayXd {
    return (-((x.col(0) - 0.4).square() + x.col(1).square()) / 0.02).exp();
  });
  constexpr int steps = 20;
  const double dt = 0.9 * equation.largest_stable_dt(0.0);
  for (auto _ : state) {
    const auto solution = kolmo::pde::solve(equation, start, steps * dt, {.dt = dt, .time_dependent = time_dependent});
    benchmark::DoNotOptimize(solution.density.values().data());
  }
  const double cell_steps = static_cast<double>(grid.cells()) * steps;
  state.counters["seconds_per_cell_step"] =
      benchmark::Counter(cell_steps, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ContinuityStep)->Args({512, 1})->Args({512, 0})->Unit(benchmark::kMillisecond)->UseRealTime();

// a = b + s c over n doubles: 3 arrays moved per element (24 bytes; the write-allocate read of
// `a` is not counted, as in STREAM).
void BM_StreamTriad(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n) * 24);
}
// 2^17 (3 MB): about the working set of the 1-D step at 2^16 cells (p and the factor arrays);
// 2^16: half that, in L2; 2^24 (400 MB): main memory.
BENCHMARK(BM_StreamTriad)->Arg(1 << 16)->Arg(1 << 17)->Arg(1 << 24);

}  // namespace
