#pragma once
// Ensembles of ODE trajectories: every path of an initial law integrated by the same method,
// with the observations of every ensemble (ensemble/observers.hpp) and, optionally, each path's
// log-density change — the particle side of a probability-flow ODE. The shape of every solve
// (pde/problem.hpp): solve(problem, method, options) -> solution.
//
//   const ode::FlowProblem problem{flow, ensemble::InitialLaw::gaussian(m, S), /*t0=*/0.0, /*t1=*/1.0, seed};
//   auto solution = kolmo::ode::solve(problem, DormandPrince{1e-8, 1e-8},
//                                     {.paths = 10000, .log_density = ExactDivergence{}});
//   solution.log_density_change(i);   // log p_1(x_i(1)) − log p_0(x_i(0))
//
// Paths are cut into the same thread-independent batches as SDE ensembles (ensemble::batch_size)
// and each batch is advanced as one Odeint state: every stage of a step is one velocity call on
// the whole batch (and one divergence call, or one batched call of shifted states for the
// finite-difference and Hutchinson divergences). Dormand–Prince tests the error of every path
// separately, and every path meets the tolerance on every step; a path that would need steps more
// than about twice shorter than its batch's typical path leaves the batch and goes on as a
// sub-batch with steps of its own, so a hard path costs its own evaluations, not its neighbours'
// (lib/src/ode/batch_integrate.hpp has the rule). A batch's first step is Hairer, Nørsett &
// Wanner's starting step (I, §II.4) for its typical path, at the cost of one velocity call.
// Statistics are merged in batch order, so results are bit-identical for any thread count;
// a path's steps, and so its result within the tolerance, depend on its batch, which is fixed.
// Rosenbrock, which needs each state's Jacobian, integrates path by path (ode::integrate).
// Observation times may be any times in [t0, t1] for the adaptive methods (they are step
// boundaries, for DenseDormandPrince too) and on the grid t0 + k dt for Euler, Heun and Rk4. A
// path whose integration fails (non-finite, a step size that underflows, max_steps) is stopped
// and reported in solution.failures and the status; the others go on.

#include <Eigen/Core>
#include <cstdint>
#include <optional>

#include "kolmo/ode/integrate.hpp"
#include "kolmo/ensemble/distributed.hpp"
#include "kolmo/ensemble/solution.hpp"
#include "kolmo/ensemble/initial_law.hpp"

namespace kolmo::ode {

struct FlowEnsembleOptions {
  std::uint64_t paths = 0;       ///< at least 1
  int threads = 1;               ///< at least 1; never changes a result
  std::uint64_t first_path = 0;  ///< index of the first path
  ensemble::Observations observe{};   ///< terminal states (default), snapshots, moments, histograms
  std::optional<DivergenceMethod> log_density{};  ///< carry log p along every path
  /// Split the paths over the ranks of a communicator (ensemble/distributed.hpp): states,
  /// observations, log-densities and evaluation counts bit-identical to the run in one process;
  /// the per-path arrays gathered to rank 0 or kept (ensemble.first_row).
  ensemble::Distributed distributed{};
};

struct FlowEnsembleSolution {
  ensemble::EnsembleSolution ensemble;         ///< states, observations, failures, status; stats.steps = most steps of a path
  Eigen::ArrayXd log_density_change;      ///< per path (NaN for failed paths; empty without log_density)
  Eigen::ArrayXd log_density_standard_error;  ///< per path, Hutchinson's standard error over probes
  std::uint64_t velocity_evaluations = 0;
};

/// Integrates `flow` for options.paths paths drawn from `initial` (at `seed`) from t0 to t1.
/// Hutchinson probes of path p are drawn at (seed, probe, p). Misuse throws kolmo::Error.
/// The initial-value problem of an ensemble: the flow, the law of x(t0), the interval and the seed
/// of the initial draws (and of Hutchinson's probes).
struct FlowProblem {
  Flow flow;
  ensemble::InitialLaw initial;
  double t0 = 0.0;
  double t1 = 0.0;
  std::uint64_t seed = 0;
};

[[nodiscard]] FlowEnsembleSolution solve(const FlowProblem& problem, const Method& method, const FlowEnsembleOptions& options);

}  // namespace kolmo::ode
