// Throughput of the grid Fokker–Planck solvers, per step and cell, with the memory bandwidth a
// step achieves on the bytes it must move, beside a STREAM-like triad measured in the same run
// (McCalpin 1995) and, in peers/scipy_implicit_euler.py, SciPy's pre-factorised sparse LU on
// the same 1-D problem.
//   build/release/benchmarks/kolmo_benchmarks --benchmark_filter='FokkerPlanck|Spectral|StreamTriad'
// or side by side with SciPy and the triad:  benchmarks/peers/compare_fokker_planck.sh
//
// Every solver benchmark runs the same problem for a short and a long number of steps, set-up
// (assembly, factorisation, plans) included in both: a step costs (T_long − T_short) /
// (steps_long − steps_short), and set-up is T_short less its steps. Each is solved once untimed
// first and reported as the median of 3 repetitions: a process's first touch of a fresh
// grid-sized array costs page faults (~5 µs per 4 KiB page on the development VM) that the
// allocator's reuse hides afterwards, and one cold iteration of a multi-second run would make the
// difference of two such runs noise. The counters `cells` and `bytes_per_cell_step` (the least a
// step must move, derived at each benchmark) let the script turn it into a bandwidth.

#include <benchmark/benchmark.h>

#include <vector>

#include "kolmo/pde/etdrk4.hpp"
#include "kolmo/pde/spectral.hpp"
#include "kolmo/pde/ssp_runge_kutta.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"

namespace {

// a = b + s c over n doubles: 3 arrays moved per element (24 bytes; the write-allocate read of
// `a` is not counted, as in STREAM). Registered first, so that it runs next to the solver runs
// it is compared with (the script runs the 1-D and the ADI/spectral sets separately); the
// development VM's bandwidth drifts by ±30% over a minute with what the other core does.
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
// 2^16: half that, in L2; 2^21 (48 MB): about the 2-D ADI step's (512²); 2^24 (400 MB): main
// memory, as for the 3-D ADI step's (128³, ~0.5 GB).
BENCHMARK(BM_StreamTriad)->Arg(1 << 16)->Arg(1 << 17)->Arg(1 << 21)->Arg(1 << 24)->Repetitions(3)->ReportAggregatesOnly(true);

// BM_FokkerPlanck1d/cells/scheme/steps: 1-D OU dX = −X dt + dW on [−5, 5] (zero flux),
// exponential fitting, dt = 1e-3 (scheme 0: implicit Euler, 1: Crank–Nicolson).
// Bytes a step must move: implicit Euler reads the three factor arrays of I − dt L and p and
// writes p — 5 doubles, 40 bytes per cell. Crank–Nicolson with a time-independent L is stepped
// as the implicit midpoint rule p' = 2 (I − (dt/2) L)⁻¹ p − p (the same step, without the
// explicit product), so it must move the same 40 bytes. (The partitioned solve moves more — the
// spikes and a second pass, lib/src/pde/tridiagonal_lu.hpp — which is what the ratio shows.)
void BM_FokkerPlanck1d(benchmark::State& state) {
  const auto cells = static_cast<std::size_t>(state.range(0));
  const bool crank_nicolson = state.range(1) == 1;
  const auto steps = static_cast<int>(state.range(2));
  const kolmo::process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);
  const kolmo::pde::Grid grid({{-5.0, 5.0, cells}});
  const kolmo::pde::FokkerPlanck fp(ou.sde(), grid);
  const auto start = kolmo::pde::DensityField::at_cell_centers(grid, [](const kolmo::process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.col(0) - 1.0).square() / 0.2).exp();
  });
  const kolmo::pde::ThetaMethod method{
      .scheme = crank_nicolson ? kolmo::pde::TimeScheme::crank_nicolson : kolmo::pde::TimeScheme::implicit_euler,
      .dt = 1e-3,
      .rannacher_steps = 0};  // every step the same kind
  (void)kolmo::pde::solve({fp, start, steps * 1e-3}, method);  // warm-up (see the top)
  for (auto _ : state) {
    const auto solution = kolmo::pde::solve({fp, start, steps * 1e-3}, method);
    benchmark::DoNotOptimize(solution.density.values().data());
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["steps"] = steps;
  state.counters["bytes_per_cell_step"] = 5 * sizeof(double);
}
BENCHMARK(BM_FokkerPlanck1d)
    ->Args({1 << 16, 0, 1})
    ->Args({1 << 16, 0, 2001})
    ->Args({1 << 16, 1, 1})
    ->Args({1 << 16, 1, 2001})
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// BM_SpectralStep/cells_per_axis/dimension/steps: pseudo-spectral ETDRK4 (pde/etdrk4.hpp) on
// the periodic box [0, 2π)^d with drift f_k = sin x_k + cos x_{k+1} and D = ½ I, 1-D on 2^16
// nodes and 2-D on 512², `steps` steps of dt = 1e-3, set-up included (plans with
// FFTW_ESTIMATE, the contour coefficients of every mode, the drift at the nodes).
// Bytes a step must move, in grid-sized arrays of doubles (the half spectrum of n reals holds n
// doubles; a real coefficient per mode is half an array): each of the four transports N(·)
// runs 1 + d FFTs, each reading and writing one array (2 (1 + d)), and reads the d drift
// components and the d wave-number arrays (1.5 d); the four stage formulas read their operands
// and write their result once: a = e^{z/2} v + Q N(v) moves 4 arrays, b 4, c 5, and v⁺ 8 — 21.
// So 4 (2 + 3.5 d) + 21 = 43 arrays (344 bytes per cell) in 1-D, 57 (456 bytes) in 2-D.
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
      [dimension](double) { return Eigen::MatrixXd::Identity(dimension, dimension); })
      .with_time_dependence(kolmo::process::TimeDependence::autonomous);
  std::vector<kolmo::pde::Axis> axes(static_cast<std::size_t>(dimension),
                                     kolmo::pde::Axis{0.0, two_pi, cells, kolmo::pde::Boundary::periodic});
  const kolmo::pde::Grid grid(axes);
  const kolmo::pde::SpectralFokkerPlanck equation(sde, grid);
  const auto start = kolmo::pde::DensityField::at_cell_centers(grid, [](const kolmo::process::StateView& x) -> Eigen::ArrayXd {
    return x.cos().rowwise().sum().exp();
  });
  std::uint64_t transforms = 0;
  (void)kolmo::pde::solve({equation, start, steps * 1e-3}, {.dt = 1e-3});  // warm-up (see the top)
  for (auto _ : state) {
    const auto solution = kolmo::pde::solve({equation, start, steps * 1e-3}, {.dt = 1e-3});
    transforms = solution.stats.transforms;
    benchmark::DoNotOptimize(solution.density.values().data());
  }
  const auto cell_steps = static_cast<double>(state.iterations()) * static_cast<double>(grid.cells()) * steps;
  state.counters["per_cell_step"] = benchmark::Counter(cell_steps, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["cells"] = static_cast<double>(grid.cells());
  state.counters["steps"] = steps;
  state.counters["transforms"] = static_cast<double>(transforms);
  state.counters["bytes_per_cell_step"] = static_cast<double>(sizeof(double)) * (4 * (2 + 3.5 * static_cast<double>(dimension)) + 21);
}
BENCHMARK(BM_SpectralStep)
    ->Args({1 << 16, 1, 1})
    ->Args({1 << 16, 1, 101})
    ->Args({512, 2, 1})
    ->Args({512, 2, 41})
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// BM_FokkerPlanckAdi/cells_per_axis/dimension/steps: Douglas ADI on the isotropic OU
// dX = −X dt + dW in 2-D (512²) and 3-D (128³), `steps` steps of dt = 0.01 including the
// assembly and factorisation (which dominate short runs on these grids).
// Bytes a step must move, in grid-sized arrays of doubles: p read and p_{n+1} written (2); the
// three diagonals of every L_k for the explicit part and the three factor arrays of every
// I − θ h L_k for the implicit stages (6 d); the stages are global solves in sequence, so the
// first stage's right-hand side Y_0 − θ h L_1 p and each of the d − 1 intermediate Y_k are
// written and read again (2 d), and so are the products L_k p, k ≥ 2, that later stages
// subtract (2 (d − 1)): 10 d arrays — 160 bytes per cell in 2-D, 240 in 3-D.
void BM_FokkerPlanckAdi(benchmark::State& state) {
  const auto cells = static_cast<std::size_t>(state.range(0));
  const auto dimension = static_cast<Eigen::Index>(state.range(1));
  const auto steps = static_cast<int>(state.range(2));
  const kolmo::process::LinearSde ou(-Eigen::MatrixXd::Identity(dimension, dimension), Eigen::VectorXd::Zero(dimension),
                                     Eigen::MatrixXd::Identity(dimension, dimension));
  std::vector<kolmo::pde::Axis> axes(static_cast<std::size_t>(dimension), kolmo::pde::Axis{-4.0, 4.0, cells});
  const kolmo::pde::Grid grid(axes);
  const kolmo::pde::FokkerPlanck fp(ou.sde(), grid);
  const auto start = kolmo::pde::DensityField::at_cell_centers(grid, [](const kolmo::process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.matrix().rowwise().squaredNorm().array()) / 0.5).exp();
  });
  const kolmo::pde::ThetaMethod method{.scheme = kolmo::pde::TimeScheme::douglas_adi, .dt = 0.01};
  (void)kolmo::pde::solve({fp, start, steps * 0.01}, method);  // warm-up (see the top)
  for (auto _ : state) {
    const auto solution = kolmo::pde::solve({fp, start, steps * 0.01}, method);
    benchmark::DoNotOptimize(solution.density.values().data());
  }
  state.counters["cells"] = static_cast<double>(grid.cells());
  state.counters["steps"] = steps;
  state.counters["bytes_per_cell_step"] = static_cast<double>(sizeof(double)) * 10 * static_cast<double>(dimension);
}
BENCHMARK(BM_FokkerPlanckAdi)
    ->Args({512, 2, 1})
    ->Args({512, 2, 201})
    ->Args({128, 3, 1})
    ->Args({128, 3, 41})
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
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
  const kolmo::pde::Continuity equation =
      kolmo::pde::Continuity(
          [](double, const kolmo::process::StateView& x) -> Eigen::ArrayXXd {
            Eigen::ArrayXXd v(x.rows(), 2);
            v.col(0) = -x.col(1);
            v.col(1) = x.col(0);
            return v;
          },
          grid)
          .with_time_dependence(time_dependent ? kolmo::process::TimeDependence::time_dependent
                                               : kolmo::process::TimeDependence::autonomous);
  const auto start = kolmo::pde::DensityField::at_cell_centers(grid, [](const kolmo::process::StateView& x) -> Eigen::ArrayXd {
    return (-((x.col(0) - 0.4).square() + x.col(1).square()) / 0.02).exp();
  });
  constexpr int steps = 20;
  const double dt = 0.9 * equation.largest_stable_dt(0.0);
  for (auto _ : state) {
    const auto solution = kolmo::pde::solve({equation, start, steps * dt}, {.dt = dt});
    benchmark::DoNotOptimize(solution.density.values().data());
  }
  const double cell_steps = static_cast<double>(grid.cells()) * steps;
  state.counters["seconds_per_cell_step"] =
      benchmark::Counter(cell_steps, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ContinuityStep)->Args({512, 1})->Args({512, 0})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
