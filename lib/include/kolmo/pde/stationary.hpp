#pragma once
// The stationary density of a Fokker–Planck operator: L p = 0 with Σ p_i |cell| = 1.
//
// On a grid with only zero-flux and periodic boundaries L has zero column sums, so 0 is an
// eigenvalue; for an irreducible operator (positive diffusion everywhere) its null space is one
// dimensional and spanned by a positive vector (Perron–Frobenius for the M-matrix −L). The
// solver replaces the equation of the cell with the largest diagonal entry by the
// normalisation Σ p_i |cell| = 1 and solves the sparse system by LU (Eigen::SparseLU). With
// exponential fitting and a drift potential (pde/fokker_planck.hpp) the answer is the Gibbs
// density sampled at the cell centres, to round-off.

#include "kolmo/core/status.hpp"
#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/fokker_planck.hpp"

namespace kolmo::pde {

struct StationarySolution {
  DensityField density;
  double residual = 0.0;  ///< max_i |(L p)_i| / max_i |L_ii p_i|: the relative equation residual
  Status status;
};

/// The stationary density of `equation` with its coefficients frozen at time t. Throws
/// kolmo::Error when an axis is absorbing (mass leaks, so the only stationary state is 0).
/// A singular system (a reducible operator) or a density with negative entries beyond
/// round-off becomes a failure status.
[[nodiscard]] StationarySolution stationary_density(const FokkerPlanck& equation, double t = 0.0);

}  // namespace kolmo::pde
