#pragma once
// The method-of-lines reference for the grid solvers: the semi-discrete system dp/dt = L(t) p
// of pde/fokker_planck.hpp integrated by Boost.Odeint's rosenbrock4 (4th-order, L-stable,
// Hairer & Wanner II, §IV.7) with step-size control and dense output. Its time error is set by
// a tolerance rather than a step size, so it is the reference against which the θ-method's and
// ADI's time orders can be measured when no exp(T L) exists (time-dependent coefficients).
// Odeint's Rosenbrock works on dense matrices (Boost.uBLAS), O(cells³) per step: it is meant for
// grids up to a few thousand cells, and refuses larger ones.

#include <cstdint>
#include <optional>
#include <vector>

#include "kolmo/pde/theta_method.hpp"
#include "kolmo/pde/problem.hpp"

namespace kolmo::pde {

struct MethodOfLines {
  double absolute_tolerance = 1e-10;
  double relative_tolerance = 1e-10;
  std::uint64_t max_steps = 100'000;
  /// Unset: re-assemble L(t) at every evaluation (∂_t L by central difference) exactly when the
  /// SDE declares time-dependent coefficients. Set: must agree with it (else kolmo::Error).
  std::optional<bool> time_dependent{};
  static constexpr std::size_t max_cells = 4096;
};

/// Evolves `initial` to t1 > t0 = initial.time(), recording snapshots at any times in [t0, t1].
/// Throws kolmo::Error on a grid that is not the operator's, more than max_cells cells,
/// non-positive tolerances, or snapshot times outside [t0, t1]. Odeint giving up (too many
/// steps, step size underflow) becomes a failure status.
[[nodiscard]] FokkerPlanckSolution solve(const GridProblem<FokkerPlanck>& problem, const MethodOfLines& method,
                                         const GridOptions& options = {});

}  // namespace kolmo::pde
