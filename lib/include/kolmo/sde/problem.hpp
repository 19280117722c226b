#pragma once
// An SDE initial-value problem as data: the equation, the law of X_{t0}, the interval and the
// seed that fixes every random draw of a solve (Brownian increments, initial draws).
// t1 < t0 is allowed: the problem then runs backwards in time (sde/stepper.hpp).
//
// Construction checks that the pieces fit, naming the shapes: the initial law's dimension
// against the SDE's, and — by evaluating them once at (t0, first initial state) — that drift,
// diffusion and the optional extras return the shapes the SDE declares.

#include <cstdint>

#include "kolmo/ensemble/initial_law.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::sde {

using ensemble::InitialLaw;  // the law of X_{t0}, from the ensemble module

struct SdeProblem {
  /// Throws kolmo::Error on a dimension mismatch, non-finite or equal t0 and t1, or a
  /// coefficient returning the wrong shape.
  SdeProblem(process::Sde sde, InitialLaw initial, double t0, double t1, std::uint64_t seed);

  process::Sde sde;
  InitialLaw initial;
  double t0;
  double t1;
  std::uint64_t seed;
};

}  // namespace kolmo::sde
