#pragma once
// The continuity (Liouville) equation of a velocity field v(x, t) on a grid, by cell-centred
// finite volumes:
//
//   ∂p/∂t = −∇·(v p) = −Σ_k ∂_k (v_k p).
//
// This is how a density moves along the ODE dx/dt = v(x, t): the probability-flow ODE of a
// diffusion, v = f − ½∇·(g gᵀ) − ½ g gᵀ ∇log p, is the use it is built for, so v is a
// process::BatchCoefficient evaluated on batches of points (points × d → points × d).
//
// Space: MUSCL (van Leer 1979). In each cell the density is reconstructed as a line with the
// limited difference σ_c of pde/slope_limiter.hpp; through the face between cells c and c⁺ of
// axis k (width h) the flux is the upwind choice of the two reconstructed face values,
//
//   F = v⁺ (p_c + ½σ_c) + v⁻ (p_{c⁺} − ½σ_{c⁺}),   v⁺ = max(v, 0), v⁻ = min(v, 0),
//
// with v_k evaluated AT the face centre (not averaged from the cells): one batch call per axis,
// on every cell's upper face (Grid::upper_faces) and, along absorbing axes, the lower boundary
// faces. The semi-discrete equation is dp_c/dt = −Σ_k (F_{c+½} − F_{c−½}) / h_k: every interior
// face moves mass from one cell to its neighbour, so zero-flux and periodic grids conserve
// mass to round-off.
//
// Boundaries, per axis:
//   zero_flux  F = 0 on both boundary faces, whatever v is there;
//   periodic   the last cell's upper face is the first cell's lower face;
//   absorbing  outflow F = v⁺ p_c (first order: the boundary cell's value) leaves and is
//              reported, inflow is zero (p = 0 outside).
// The cells next to a non-periodic boundary reconstruct with σ = 0 (their one-sided ghost
// difference is taken as 0): first order there, and face values that stay within the bounds the
// Courant limit below relies on.
//
// Stability and positivity. A forward Euler step keeps p ≥ 0 when every cell's outflow Courant
// number ν_c = dt Σ_k (v_k⁺ at its upper face − v_k⁻ at its lower face) / h_k is at most the
// limiter's limit (2/3 for minmod, 1/2 for van Leer; derivation in pde/slope_limiter.hpp) — for
// any velocity field, compressible or not. For constant v this is Σ_k |v_k| dt/h_k ≤ limit.
// In 1-D with constant v the scheme is also TVD (no new extrema); in 2-D and 3-D dimension-by-
// dimension limiting does not strictly guarantee a maximum principle, even for divergence-free v.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "kolmo/pde/grid.hpp"
#include "kolmo/pde/slope_limiter.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde {

/// v_k on the faces normal to each axis k, at one time.
struct FaceVelocities {
  double time = 0.0;
  /// Per axis: v_k at the upper face of every cell (grid order; along zero-flux and absorbing
  /// axes the last cell's upper face is the boundary face).
  std::vector<Eigen::ArrayXd> upper;
  /// Per axis: v_k at the lower boundary faces (absorbing axes only, else empty), one per line
  /// of cells along k, in the order of the lines' first cells.
  std::vector<Eigen::ArrayXd> lower_boundary;
  /// Empty when every value is finite; otherwise where the first non-finite one is.
  std::string non_finite;
};

/// Scratch space for Continuity::rate, reused between calls by the time steppers.
struct FluxScratch {
  std::vector<double> slope;  ///< σ_c
  std::vector<double> flux;   ///< F at every cell's upper face
};

class Continuity {
 public:
  /// Throws kolmo::Error on an empty velocity function.
  Continuity(process::BatchCoefficient velocity, Grid grid, SlopeLimiter limiter = SlopeLimiter::van_leer);

  /// Declares whether v depends on t (default: it does); the time steppers follow it.
  Continuity& with_time_dependence(process::TimeDependence dependence) {
    time_dependence_ = dependence;
    return *this;
  }

  [[nodiscard]] const Grid& grid() const { return grid_; }
  [[nodiscard]] SlopeLimiter limiter() const { return limiter_; }
  [[nodiscard]] process::TimeDependence time_dependence() const { return time_dependence_; }
  /// The largest outflow Courant number a forward Euler step may have (see the header comment).
  [[nodiscard]] double courant_limit() const { return pde::courant_limit(limiter_); }

  /// v on every face, one batch call per axis. Throws kolmo::Error naming both shapes when the
  /// velocity returns other than points × d; non-finite values are reported in `non_finite`.
  [[nodiscard]] FaceVelocities face_velocities(double t) const;

  /// max_c ν_c / dt: the outflow Courant number per unit time step (0 for v = 0).
  [[nodiscard]] double courant_rate(const FaceVelocities& v) const;
  /// courant_limit() / courant_rate(v): the largest stable forward Euler (and SSP-RK) step
  /// (+∞ for v = 0).
  [[nodiscard]] double largest_stable_dt(const FaceVelocities& v) const;
  /// The same at time t; throws kolmo::Error, naming the face, where v is not finite.
  [[nodiscard]] double largest_stable_dt(double t) const;

  /// dp/dt at time t. Throws kolmo::Error on p of the wrong size or a non-finite v.
  [[nodiscard]] Eigen::VectorXd rate(double t, const Eigen::VectorXd& p) const;
  /// dp/dt into `rate` (resized if needed) for velocities evaluated beforehand; returns the mass
  /// per unit time leaving through absorbing faces. No checks: the steppers' inner loop.
  double rate(const FaceVelocities& v, const Eigen::VectorXd& p, Eigen::VectorXd& rate, FluxScratch& scratch) const;

 private:
  [[nodiscard]] FaceVelocities checked_face_velocities(double t) const;

  process::BatchCoefficient velocity_;
  Grid grid_;
  SlopeLimiter limiter_;
  process::TimeDependence time_dependence_ = process::TimeDependence::time_dependent;
  std::vector<Eigen::ArrayXXd> face_points_;  // per axis: upper faces, then lower boundary faces (absorbing)
};

}  // namespace kolmo::pde
