#pragma once
// Monte Carlo ensembles of an SDE:  solve(SdeProblem, Scheme, EnsembleOptions) -> EnsembleSolution.
//
//   kolmo::sde::SdeProblem problem(gbm.sde(), InitialLaw::point(x0), 0.0, 1.0, /*seed=*/7);
//   auto solution = kolmo::sde::solve(problem, EulerMaruyama{1.0 / 256}, {.paths = 100000, .threads = 4});
//   if (!solution.status.ok()) ... // failures name the path, time and value
//
// How it runs. Paths are cut into fixed batches (the batch size depends only on d, never on the
// thread count); each batch is advanced through every step by one thread with the scheme's
// Stepper, so memory is O(batch · d) per thread plus what is observed. Path p's Brownian
// increment at step k is the BrownianIncrements value at (problem.seed, p, k), and its initial
// state the InitialLaw draw at (problem.seed, p): results are bit-identical for any `threads`
// and for any split of the paths into ranges (first_path).
//
// Same paths at several step sizes. With brownian_fine_steps = M (a multiple of the number of
// steps n), the Brownian path is drawn on M fine steps and each step of the scheme uses the sum
// of its M/n fine increments: solves with different dt but the same M see the same Brownian
// paths (random/brownian_increments.hpp), which is what strong-convergence studies need.
//
// The result is the ensemble module's EnsembleSolution (ensemble/solution.hpp: observations,
// failures and why — a non-finite state or a step outside the SDE's declared state space —
// status and stats); the batches run on the ensemble module's machinery (ensemble/batches.hpp).

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/ensemble/distributed.hpp"
#include "kolmo/ensemble/observers.hpp"
#include "kolmo/ensemble/solution.hpp"
#include "kolmo/ensemble/time_grid.hpp"
#include "kolmo/sde/problem.hpp"
#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

// The ensemble module's types, by the names SDE code uses (sde::EnsembleSolution, ...).
using ensemble::EnsembleSolution;
using ensemble::Histogram;
using ensemble::HistogramRequest;
using ensemble::MomentsAt;
using ensemble::Observations;
using ensemble::PathFailure;
using ensemble::PathFailureKind;
using ensemble::Snapshot;
using ensemble::SolveStats;
using ensemble::step_count;

struct EnsembleOptions {
  std::uint64_t paths = 0;                 ///< number of paths, at least 1
  int threads = 1;                         ///< OpenMP threads, at least 1; never changes a result
  std::uint64_t first_path = 0;            ///< index of the first path (to split work across runs)
  std::uint64_t brownian_fine_steps = 0;   ///< 0: the scheme's steps; else a multiple of them
  Observations observe{};                  ///< what to record (default: the terminal states)
  /// Split the paths over the ranks of a communicator (ensemble/distributed.hpp): every result
  /// bit-identical to the run in one process, the terminal states gathered to rank 0 or kept.
  ensemble::Distributed distributed{};
};

namespace detail {
/// A scheme with its type erased, as the (non-template) ensemble driver sees it.
struct SchemeRun {
  SchemeTraits traits;
  double dt = 0.0;
  std::size_t wiener_dimension = 0;
  std::function<std::unique_ptr<Stepper>()> make_stepper;
};
[[nodiscard]] EnsembleSolution run_ensemble(const SdeProblem& problem, const SchemeRun& scheme,
                                            const EnsembleOptions& options);
}  // namespace detail

/// Solves `problem` with `scheme` for options.paths paths. Misuse (bad options, a scheme that
/// does not support the SDE's noise) throws kolmo::Error; numerical failure is in the status.
template <Scheme S>
[[nodiscard]] EnsembleSolution solve(const SdeProblem& problem, const S& scheme, const EnsembleOptions& options) {
  (void)scheme.make_stepper(problem.sde);  // refuse an unsupported SDE before any work starts
  return detail::run_ensemble(
      problem,
      {S::traits, scheme.dt, scheme.wiener_dimension(problem.sde),
       [&scheme, &problem] { return scheme.make_stepper(problem.sde); }},
      options);
}

}  // namespace kolmo::sde
