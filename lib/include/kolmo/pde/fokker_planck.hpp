#pragma once
// The Fokker–Planck (Kolmogorov forward) operator of an SDE on a grid, by cell-centred finite
// volumes:
//
//   ∂p/∂t = L p = −Σ_k ∂_k J_k,   J_k = f_k p − Σ_m ∂_m (D_km p),   D = ½ g gᵀ,
//
// for the same process::Sde that drives the Monte Carlo engine (one problem, both corners of
// the cross-check). Diagonal D in 1 to 3 dimensions, full D in 2-D; an off-diagonal D in 3-D is
// refused with an error. Stratonovich SDEs are turned into their Itô drift f + ½ g ∂g/∂x
// (diagonal noise with its derivative) first.
//
// Fluxes through the face between neighbouring cells c, c⁺ (distance h along axis k), with
// q = D p at the cell centres:
//   exponential fitting (Scharfetter & Gummel 1969; Chang & Cooper 1970 for the FP equation):
//     J = (1/h) [B(−a h) q_c − B(a h) q_{c⁺}],  B(z) = z / (eᶻ − 1),  a = f/D at the face,
//     exact for J = a q − q' with a constant across the face, positive (L is an M-matrix:
//     off-diagonals ≥ 0) and upwind as |a h| → ∞;
//   central: J = f (p_c + p_{c⁺})/2 − (q_{c⁺} − q_c)/h, second order, positive only while the
//     cell Péclet number |f| h / D stays below 2.
// Every interior face moves mass from one cell to its neighbour, so the columns of L sum to 0
// and zero-flux boundaries conserve mass to round-off. An absorbing boundary sets p = 0 on the
// boundary face (half a cell from the last centre): the same flux formula with distance h/2.
//
// Mixed derivatives (2-D). The part −∂_m(D_km p), m ≠ k, of the flux through a face normal to
// k is the mean of the centred differences of q = D_01 p along m at the face's two cells (the
// standard 9-point stencil; at a zero-flux edge one-sided over the edge cell, at an absorbing
// one centred with the odd ghost −q). It is conservative and second order, and it is kept apart
// (mixed_operator) because ADI treats it explicitly. Positivity caveat: the stencil has
// off-diagonal entries of both signs (±D_01/(4 h_0 h_1) at the corners), so L is no longer an
// M-matrix and no step size guarantees p ≥ 0: near steep data implicit Euler undershoots by a
// small fraction of the peak (measured in pde/correlated-ou-2d-craig-sneyd-time-order-2 with
// correlation 0.6: −1.7e-3 × max p one step after one-cell data, −1.6e-5 × max p at t = 0.5).
//
// Gradient drifts. If f_k = D_kk ∂_k Φ for a known Φ (overdamped Langevin: Φ = −U/D),
// with_drift_potential(Φ) sets a h = Φ(x_{c⁺}) − Φ(x_c) on interior faces. Then the zero-flux
// discrete equilibrium is q ∝ e^Φ exactly, i.e. p ∝ e^Φ / D — for constant D the Gibbs density
// sampled at the cell centres, to round-off.

#include <Eigen/SparseCore>
#include <array>
#include <functional>
#include <utility>
#include <vector>

#include "kolmo/pde/grid.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde {

enum class FluxScheme { exponential_fitting, central };

[[nodiscard]] constexpr const char* to_string(FluxScheme flux) {
  return flux == FluxScheme::exponential_fitting ? "exponential_fitting" : "central";
}

/// A scalar function on a batch of points (cells × d) → one value per point.
using ScalarField = std::function<Eigen::ArrayXd(const process::StateView& x)>;

/// The Bernoulli function B(z) = z / (eᶻ − 1), B(0) = 1, accurate for every finite z.
[[nodiscard]] double bernoulli_function(double z);

/// L_k, the fluxes through the faces normal to axis k, as three bands in the grid's layout: row c
/// holds `lower[c]` at the cell before c along k, `diagonal[c]`, and `upper[c]` at the cell after
/// it, neighbours `stride` cells apart. Across the ends of a periodic axis the neighbours wrap
/// round; at a wall there is no face and the entry is 0. Columns sum exactly to −loss, the rate
/// of outflow through absorbing faces per cell (0 elsewhere).
struct AxisBands {
  std::size_t stride = 1;  ///< cells between neighbours along the axis
  std::size_t length = 0;  ///< cells along the axis
  bool periodic = false;
  Eigen::VectorXd lower, diagonal, upper, loss;
  /// The same operator as a sparse matrix (cells × cells).
  [[nodiscard]] Eigen::SparseMatrix<double> matrix() const;
};

class FokkerPlanck {
 public:
  /// Throws kolmo::Error when the SDE's dimension differs from the grid's, or (at the first
  /// generator()) when a D_kk is not positive or not finite on the grid, or D is not diagonal
  /// in 3-D — naming where.
  FokkerPlanck(process::Sde sde, Grid grid, FluxScheme flux = FluxScheme::exponential_fitting);

  /// Declares f_k = D_kk ∂_k Φ (see the header comment). Φ is the caller's promise; it is not
  /// checked against f.
  FokkerPlanck& with_drift_potential(ScalarField potential);

  [[nodiscard]] const Grid& grid() const { return grid_; }
  [[nodiscard]] const process::Sde& sde() const { return sde_; }
  [[nodiscard]] FluxScheme flux() const { return flux_; }

  /// The generator L of dp/dt = L p at time t: the sparse cells × cells matrix of the forward
  /// (Kolmogorov) operator on the grid.
  [[nodiscard]] Eigen::SparseMatrix<double> generator(double t) const;
  /// L split by axis, L = Σ_k L_k, L_k holding the fluxes through the faces normal to axis k
  /// (what ADI treats implicitly one axis at a time). Each conserves mass on its own.
  [[nodiscard]] std::vector<Eigen::SparseMatrix<double>> axis_operators(double t) const;
  /// The same L_k as bands: what ADI's line solves take, assembled without a sparse matrix.
  [[nodiscard]] std::vector<AxisBands> axis_bands(double t) const;
  /// The mixed-derivative part L_0 (2-D with D_01 ≠ 0; otherwise an empty matrix), so that
  /// L = L_0 + Σ_k L_k. Conserves mass on its own.
  [[nodiscard]] Eigen::SparseMatrix<double> mixed_operator(double t) const;
  /// Whether D_01 is non-zero somewhere on the grid at time t.
  [[nodiscard]] bool has_mixed_derivatives(double t) const;

 private:
  struct CenterCoefficients;
  [[nodiscard]] CenterCoefficients center_coefficients(double t) const;
  [[nodiscard]] AxisBands axis_bands(const CenterCoefficients& c, double t, std::size_t k) const;
  void boundary_faces(AxisBands& bands, Eigen::Ref<const Eigen::ArrayXd> diffusion, Eigen::Ref<const Eigen::ArrayXd> potential,
                      double t, std::size_t k) const;
  [[nodiscard]] Eigen::SparseMatrix<double> mixed_part(const CenterCoefficients& c) const;
  /// (cell, weight) pairs of ∂_m at a cell centre: always two taps.
  using Stencil2 = std::array<std::pair<std::size_t, double>, 2>;
  [[nodiscard]] Stencil2 tangential_difference(std::size_t cell, std::size_t m) const;

  process::Sde sde_;
  Grid grid_;
  FluxScheme flux_;
  ScalarField potential_;
};

}  // namespace kolmo::pde
