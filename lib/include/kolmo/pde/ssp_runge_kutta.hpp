#pragma once
// Time stepping of the continuity equation (pde/continuity.hpp) by strong-stability-preserving
// Runge–Kutta methods in Shu–Osher form (Shu & Osher 1988, J. Comput. Phys. 77; Gottlieb, Shu &
// Tadmor 2001, SIAM Review 43(1), §3, "GST 2001"): with u⁽⁰⁾ = pⁿ and L(u, t) the semi-discrete
// right-hand side,
//
//   u⁽ⁱ⁾ = αᵢ pⁿ + (1 − αᵢ) (u⁽ⁱ⁻¹⁾ + dt L(u⁽ⁱ⁻¹⁾, tₙ + c_{i−1} dt)),   i = 1 … s,   pⁿ⁺¹ = u⁽ˢ⁾,
//
//   SSPRK(2,2)  α = (0, ½),      c = (0, 1)      (Heun's method; GST 2001, §3)
//   SSPRK(3,3)  α = (0, ¾, ⅓),   c = (0, 1, ½)   (Shu & Osher 1988; GST 2001, §3)
//
// Every stage is a convex combination of forward Euler steps of the full dt, so (SSP coefficient
// 1) whatever a forward Euler step of size dt guarantees — here p ≥ 0 under the limiter's Courant
// limit — holds for the whole step, provided the limit holds at every stage's time: with a
// time-dependent v the check is made at every stage.
//
// Step size, two ways (stats.step_control says which ran):
//   fixed     dt must divide t1 − t0. A dt above the largest stable one at t0 throws kolmo::Error
//             naming that largest stable dt; if v grows so that a later stage breaks the limit,
//             the run stops with a `diverged` status naming the time and the dt that would be stable.
//   adaptive  each step takes dt = cfl · (largest stable dt at its start), shortened to land
//             exactly on every snapshot time and on t1; a later stage that breaks the limit
//             rejects the step and retries with cfl · (that stage's largest stable dt).
//
// Mass. The absorbed mass is accumulated with the method's own weights from the outflow of
// every stage, so density mass + absorbed mass = initial mass to round-off.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/pde/continuity.hpp"
#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/problem.hpp"

namespace kolmo::pde {

struct SspRungeKutta {
  int order = 3;               ///< 2: SSPRK(2,2); 3: SSPRK(3,3)
  double dt = 0.0;             ///< fixed step size (must divide t1 − t0); unused when adaptive
  bool adaptive = false;       ///< choose dt = cfl · largest stable dt every step
  double cfl = 0.9;            ///< adaptive: the fraction of the largest stable dt, in (0, 1]
  /// Unset: evaluate v at every stage time unless the equation is declared autonomous
  /// (Continuity::with_time_dependence), then once at t0. Set: must agree with it (else kolmo::Error).
  std::optional<bool> time_dependent{};
};

/// The Shu–Osher coefficients of SSPRK(order, order) (see the header comment).
struct SspTableau {
  std::vector<double> alpha;       ///< αᵢ, weight of pⁿ in stage i
  std::vector<double> time_shift;  ///< c_{i−1}: the stage's Euler step starts at tₙ + c dt
};
/// Throws kolmo::Error unless order is 2 or 3.
[[nodiscard]] SspTableau ssp_tableau(int order);

struct ContinuityStats {
  std::uint64_t steps = 0;
  std::uint64_t rate_evaluations = 0;
  std::uint64_t rejected_steps = 0;  ///< adaptive: steps retried because a later stage broke the limit
  std::string step_control;          ///< "fixed" or "adaptive"
  double smallest_dt = 0.0;
  double largest_dt = 0.0;
  /// Largest outflow Courant number max_c ν_c met at any stage (at most the limiter's limit).
  double largest_courant_number = 0.0;
  double wall_seconds = 0.0;
};

struct ContinuitySolution {
  DensityField density;                 ///< at t1 (or where a failure stopped the run)
  std::vector<DensityField> snapshots;  ///< at the requested times, in request order
  double absorbed_mass = 0.0;           ///< mass that left through absorbing faces (accumulated, not a difference)
  Status status;
  ContinuityStats stats;
};

/// Evolves `initial` (at its own time t0) to t1 > t0. Throws kolmo::Error on a grid that is not
/// the equation's, an order other than 2 or 3, a fixed dt that is not positive, does not divide
/// t1 − t0 or exceeds the largest stable dt at t0 (the message names it), a cfl outside (0, 1],
/// or a snapshot time outside [t0, t1] (or, with fixed steps, off the step grid). A non-finite
/// velocity or density, or a stage that breaks the stability limit mid-run (fixed steps),
/// becomes a failure status naming the time.
[[nodiscard]] ContinuitySolution solve(const GridProblem<Continuity>& problem, const SspRungeKutta& method,
                                       const GridOptions& options = {});

}  // namespace kolmo::pde
