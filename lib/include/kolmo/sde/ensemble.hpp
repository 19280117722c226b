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
// Failures. A path whose state becomes non-finite, or leaves the state space the SDE declares
// (process::Sde::with_state_space), is stopped: its first offending value is reported in
// `failures` (path, time, component, value, kind), status becomes non_finite (or
// left_state_space when that is the first failure) with the first failure in `where`, and the
// path is left out of every statistic, which counts what it left out (MomentsAt::left_out,
// Histogram::left_out).

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/sde/observers.hpp"
#include "kolmo/sde/problem.hpp"
#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

struct EnsembleOptions {
  std::uint64_t paths = 0;                 ///< number of paths, at least 1
  int threads = 1;                         ///< OpenMP threads, at least 1; never changes a result
  std::uint64_t first_path = 0;            ///< index of the first path (to split work across runs)
  std::uint64_t brownian_fine_steps = 0;   ///< 0: the scheme's steps; else a multiple of them
  Observations observe{};                  ///< what to record (default: the terminal states)
};

/// Why a path stopped.
enum class PathFailureKind { non_finite, left_state_space };

/// Where a path stopped: the first non-finite component after a step (or in the initial state),
/// or the first component outside the SDE's declared state space.
struct PathFailure {
  std::uint64_t path = 0;
  double time = 0.0;
  std::size_t component = 0;
  double value = 0.0;
  PathFailureKind kind = PathFailureKind::non_finite;
};

struct SolveStats {
  std::uint64_t steps = 0;                  ///< steps per path
  std::uint64_t paths = 0;
  std::uint64_t drift_evaluations = 0;      ///< per path, summed over paths
  std::uint64_t diffusion_evaluations = 0;  ///< per path (per step for additive noise)
  double wall_seconds = 0.0;
};

struct EnsembleSolution {
  Status status;               ///< ok, or non_finite with the first failure
  std::string scheme;          ///< SchemeTraits::name
  double t0 = 0.0;
  double t1 = 0.0;
  double dt = 0.0;             ///< the step actually used, (t1 − t0) / steps
  Eigen::ArrayXXd terminal;    ///< paths × d at t1 (empty when not observed)
  std::vector<Snapshot> snapshots;
  std::vector<MomentsAt> moments;
  std::vector<Histogram> histograms;
  std::vector<PathFailure> failures;  ///< sorted by path
  SolveStats stats;
};

/// Number of steps of signed size dt from t0 to t1. Throws kolmo::Error when dt is zero or not
/// finite, has the wrong sign, is longer than the interval, or does not divide it into whole
/// steps (to 1e-9 relative).
[[nodiscard]] std::uint64_t step_count(double t0, double t1, double dt);

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
