#pragma once
// Time stepping of dp/dt = L(t) p (pde/fokker_planck.hpp) by the θ-method:
//
//   (I − θ h L(t_{n+1})) p_{n+1} = (I + (1 − θ) h L(t_n)) p_n,
//
//   implicit Euler    θ = 1   (first order; positive for an M-matrix L, so with exponential
//                              fitting p ≥ 0 for every step size);
//   Crank–Nicolson    θ = ½   (second order, A-stable but not L-stable: rough data such as a
//                              delta-like start rings and goes negative).
// Rannacher start-up (Rannacher 1984; Giles & Carter 2006, §3): the first `rannacher_steps`
// Crank–Nicolson steps are each replaced by two implicit Euler half steps, which damp the
// high-frequency modes and keep second order. The half-step matrix I − (h/2) L is the
// Crank–Nicolson one, so with time-independent coefficients one sparse LU (Eigen::SparseLU)
// serves the whole run; with time-dependent ones L is re-assembled and refactorised per step.
// With time-independent L a Crank–Nicolson step is taken as the implicit midpoint rule,
// p_{n+1} = 2 (I − (h/2) L)⁻¹ p_n − p_n — the same step, without the explicit product.
// In 1-D (not periodic) L is assembled as bands and the system, tridiagonal, is solved by the
// Thomas algorithm in a partitioned (SPIKE) form whose independent blocks run side by side
// (lib/src/pde/tridiagonal_lu.hpp).
//
// Douglas ADI (Douglas 1962; Hundsdorfer & Verwer 2003, §IV.3.1) for 2-D and 3-D grids: an
// explicit step with the whole L, then one implicit correction per axis, (I − θ h L_k) Y_k =
// Y_{k−1} − θ h L_k p_n, with θ = ½: second order, unconditionally stable for d ≤ 3, and
// O(cells) per step because each correction is a set of tridiagonal solves along one axis.
// With mixed derivatives (full D in 2-D) their part is explicit and a Craig–Sneyd correction
// sweep follows (Craig & Sneyd 1988), which keeps second order.
// Rannacher start-up applies as for Crank–Nicolson (half steps with θ = 1).
// An absorbing boundary removes mass; the solution reports how much left the domain.
//
// Mass. The matrices' columns sum exactly to their targets (0 for L, 1 for I − cL where no mass
// leaves), and after each solve p is rescaled by the ratio that restores the conservation law
// the exact solve keeps; the largest such ratio is reported (stats.largest_mass_correction) and
// stays at round-off level. Without it the LU's round-off, correlated from step to step while p
// changes slowly, drifts the mass by ~1e-16 per step.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/problem.hpp"
#include "kolmo/pde/fokker_planck.hpp"

namespace kolmo::pde {

enum class TimeScheme { implicit_euler, crank_nicolson, douglas_adi };

[[nodiscard]] constexpr const char* to_string(TimeScheme scheme) {
  switch (scheme) {
    case TimeScheme::implicit_euler: return "implicit_euler";
    case TimeScheme::crank_nicolson: return "crank_nicolson";
    case TimeScheme::douglas_adi: return "douglas_adi";
  }
  return "unknown";
}

struct ThetaMethod {
  TimeScheme scheme = TimeScheme::crank_nicolson;
  double dt = 0.0;                   ///< step size; must divide t1 − t0 into whole steps
  std::size_t rannacher_steps = 2;   ///< Crank–Nicolson and ADI: steps done as two damped (θ = 1) halves
  /// Unset: re-assemble L every step exactly when the SDE declares time-dependent coefficients
  /// (process::TimeDependence). Set: must agree with that declaration (else kolmo::Error).
  std::optional<bool> time_dependent{};
};

struct FokkerPlanckStats {
  std::uint64_t steps = 0;
  std::uint64_t factorisations = 0;
  /// Largest relative rescaling applied after a solve to restore the discrete conservation
  /// law Σ (column sum)_j p_j that exact arithmetic keeps (solver round-off: ~1e-15).
  double largest_mass_correction = 0.0;
  std::string linear_solver;  ///< "tridiagonal" (1-D, partitioned Thomas), "sparse_lu" or "adi_lines"
  double wall_seconds = 0.0;
};

struct FokkerPlanckSolution {
  DensityField density;                 ///< at t1 (or where a failure stopped the run)
  std::vector<DensityField> snapshots;  ///< at the requested times, in request order
  double absorbed_mass = 0.0;           ///< initial mass − final mass: what left through absorbing faces
  Status status;
  FokkerPlanckStats stats;
};

/// Evolves `initial` (at its own time t0) to t1 > t0. Throws kolmo::Error on a grid that is
/// not the operator's, a dt that is not positive or does not divide t1 − t0, or a snapshot
/// time outside [t0, t1] or off the step grid. A singular factorisation or a non-finite
/// density becomes a failure status naming the time.
[[nodiscard]] FokkerPlanckSolution solve(const GridProblem<FokkerPlanck>& problem, const ThetaMethod& method,
                                         const GridOptions& options = {});

}  // namespace kolmo::pde
