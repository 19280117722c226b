#pragma once
// A grid problem as data, in the shape of every solve in Kolmo:
//
//   solve(problem, method, options) -> …Solution{…, snapshots, status, stats}
//
//   pde::solve({fokker_planck, p0, /*t1=*/2.0}, pde::ThetaMethod{.dt = 1e-3}, {.snapshot_times = {0.5, 1.0}});
//   sde::solve(sde::SdeProblem{sde, initial, t0, t1, seed}, sde::EulerMaruyama{dt}, {.paths = n, .observe = {...}});
//   ode::solve(ode::FlowProblem{flow, initial, t0, t1, seed}, ode::Rk4{dt}, {.paths = n, .observe = {...}});
//   sampling::sample(sampling::SamplingProblem{...}, sampling::Ddim{...}, {.paths = n, .observe = {...}});
//
// The problem refers to the equation (an operator holding its SDE or velocity and grid, possibly
// with FFTW plans that are not copied) and to the initial density; both must outlive the call,
// which they do when written inline as above.

#include <vector>

#include "kolmo/pde/density_field.hpp"

namespace kolmo::pde {

/// `equation` is FokkerPlanck, SpectralFokkerPlanck or Continuity.
template <class Equation>
struct GridProblem {
  const Equation& equation;
  const DensityField& initial;  ///< p at t0 = initial.time(), on the equation's grid
  double t1;                    ///< the end time, > t0
};

struct GridOptions {
  /// Times in [t0, t1] at which to record the density (in request order; with fixed steps they
  /// must lie on the step grid).
  std::vector<double> snapshot_times{};
};

}  // namespace kolmo::pde
