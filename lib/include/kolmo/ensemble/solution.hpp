#pragma once
// What every ensemble solver returns (SDE ensembles, ODE flow ensembles, samplers, Langevin
// chains): the observations of ensemble/observers.hpp, the paths that failed and why, the status
// that names the first failure, and the work done.
//
// Failures. A path whose state becomes non-finite, or leaves the state space its SDE declares
// (process::Sde::with_state_space), is stopped: its first offending value is reported in
// `failures` (path, time, component, value, kind), the status becomes non_finite (or
// left_state_space when that is the first failure) with the first failure in `where`, and the
// path is NaN in terminal values and snapshots and left out of moments and histograms, which
// count what they left out (MomentsAt::left_out, Histogram::left_out).

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/ensemble/observers.hpp"

namespace kolmo::ensemble {

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
  std::uint64_t steps = 0;                  ///< steps per path (the most any path took)
  std::uint64_t paths = 0;
  std::uint64_t drift_evaluations = 0;      ///< per path, summed over paths (model or velocity calls)
  std::uint64_t diffusion_evaluations = 0;  ///< per path (per step for additive noise)
  std::uint64_t evaluations_per_path = 0;   ///< samplers: the most model evaluations a path took (NFE)
  double wall_seconds = 0.0;
};

struct EnsembleSolution {
  Status status;               ///< ok, or non_finite / left_state_space with the first failure
  std::string scheme;          ///< the method's name
  double t0 = 0.0;
  double t1 = 0.0;
  double dt = 0.0;             ///< the step actually used, (t1 − t0) / steps (0 for adaptive methods)
  Eigen::ArrayXXd terminal;    ///< paths × d at t1 (empty when not observed)
  std::vector<Snapshot> snapshots;
  std::vector<MomentsAt> moments;
  std::vector<Histogram> histograms;
  std::vector<PathFailure> failures;  ///< sorted by path
  SolveStats stats;
  /// The path row (from options.first_path) of terminal's and the snapshots' row 0: 0, except on
  /// a rank of a distributed run that keeps its own rows (TerminalStates::distributed).
  std::uint64_t first_row = 0;
};

}  // namespace kolmo::ensemble
