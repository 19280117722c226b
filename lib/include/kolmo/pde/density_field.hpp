#pragma once
// A probability density on a grid at one time: the cell averages p_i of pde/grid.hpp, with
// Σ p_i |cell| the mass (1 for a normalised density). The solvers take one as their initial
// condition and return one at the requested times.

#include <Eigen/Core>
#include <cstddef>
#include <functional>
#include <vector>

#include "kolmo/pde/grid.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde {

/// A density evaluated on a batch of points (cells × d, the layout of process::StateBatch).
using DensityFunction = std::function<Eigen::ArrayXd(const process::StateView& x)>;

class DensityField {
 public:
  /// Throws kolmo::Error naming the first offending cell when `values` has the wrong size or a
  /// negative or non-finite entry, or when its mass is zero.
  DensityField(Grid grid, Eigen::VectorXd values, double time = 0.0);

  /// p evaluated at the cell centres (the midpoint rule; nothing random) and rescaled to mass 1
  /// (the mass lost to the truncated domain and the midpoint rule is reported by
  /// mass_before_normalisation()). Throws, naming the grid, when fewer than 4 cells reach 1e-6
  /// of the peak: the grid does not resolve p.
  [[nodiscard]] static DensityField at_cell_centers(Grid grid, const DensityFunction& density, double time = 0.0);

  /// Cell averages (finite, ≥ 0, positive mass) rescaled to mass 1, the mass they had reported by
  /// mass_before_normalisation(): how a law's cell averages become a start (distribution::Law::on).
  [[nodiscard]] static DensityField normalised(Grid grid, Eigen::VectorXd values, double time = 0.0);

  /// A solver's result: checked for size only, since schemes without a positivity guarantee
  /// (central fluxes, Crank–Nicolson without start-up) may dip below zero — see minimum().
  static DensityField computed(Grid grid, Eigen::VectorXd values, double time);

  [[nodiscard]] const Grid& grid() const { return grid_; }
  [[nodiscard]] const Eigen::VectorXd& values() const { return values_; }
  [[nodiscard]] double time() const { return time_; }
  [[nodiscard]] double mass_before_normalisation() const { return mass_before_normalisation_; }

  /// Σ p_i |cell|.
  [[nodiscard]] double mass() const;
  /// min_i p_i (solvers without a positivity guarantee can go below zero).
  [[nodiscard]] double minimum() const { return values_.minCoeff(); }
  /// ∫ x p dx / mass by the midpoint rule, per axis.
  [[nodiscard]] Eigen::VectorXd mean() const;
  /// ∫ (x − μ)(x − μ)ᵀ p dx / mass by the midpoint rule.
  [[nodiscard]] Eigen::MatrixXd covariance() const;
  /// Σ |p_i − q(x_i)| |cell|: the L1 distance to a density q sampled at the cell centres.
  [[nodiscard]] double l1_distance(const DensityFunction& q) const;

  /// The marginal on the listed axes (strictly increasing, a proper non-empty subset of
  /// 0..d−1): cell averages summed over the other axes times their widths, on the grid of the
  /// kept axes. Mass is preserved exactly (up to summation round-off).
  [[nodiscard]] DensityField marginal(const std::vector<std::size_t>& axes) const;
  /// 1-D only: the distribution function of the normalised density at each x, reading every
  /// cell average as uniform on its cell (so F is piecewise linear, continuous and exact for
  /// the finite-volume density): 0 below the domain, 1 above it. Cells below zero by
  /// round-off count as 0; throws on d > 1, a NaN x, or a cell below −1e-10 × the peak.
  [[nodiscard]] Eigen::ArrayXd cdf(const Eigen::ArrayXd& x) const;

 private:
  struct Unchecked {};
  DensityField(Grid grid, Eigen::VectorXd values, double time, Unchecked);

  Grid grid_;
  Eigen::VectorXd values_;
  double time_ = 0.0;
  double mass_before_normalisation_ = 1.0;
};

}  // namespace kolmo::pde
