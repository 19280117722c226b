#pragma once
// Overdamped Langevin dynamics in the double-well potential U(x) = h (x² − 1)²:
//
//   dX_t = −U'(X_t) dt + √(2D) dW_t,   U'(x) = 4h x (x² − 1),
//
// whose stationary (Gibbs) law is p∞(x) = exp(−U(x)/D) / Z (e.g. Pavliotis 2014, "Stochastic
// Processes and Applications", §4.5). Wells at ±1, barrier height h at 0; the hopping rate is of
// order e^{−h/D} (Kramers 1940), which sets how long an ensemble needs to equilibrate.
// Z and the Gibbs CDF are computed by adaptive Gauss–Kronrod quadrature (Boost.Math) on
// [−L, L], where U/D ≥ 40 outside, so the neglected mass is below e^{−40}·(tail width).

#include "kolmo/process/sde.hpp"

namespace kolmo::process {

class DoubleWellLangevin {
 public:
  /// Throws kolmo::Error unless barrier_height > 0 and temperature > 0 (both finite).
  DoubleWellLangevin(double barrier_height, double temperature);

  [[nodiscard]] double barrier_height() const { return barrier_height_; }
  [[nodiscard]] double temperature() const { return temperature_; }

  /// U(x) = h (x² − 1)².
  [[nodiscard]] double potential(double x) const;
  /// The SDE with additive noise √(2D) and ∇·f = −U''(x) = −h (12x² − 4).
  [[nodiscard]] Sde sde() const;
  /// exp(−U(x)/D) / Z.
  [[nodiscard]] double gibbs_density(double x) const;
  /// ∫_{−∞}^{x} gibbs_density, to quadrature accuracy (~1e-12).
  [[nodiscard]] double gibbs_cdf(double x) const;

 private:
  double unnormalised_mass(double upper) const;

  double barrier_height_;
  double temperature_;
  double support_half_width_;  // L: outside [−L, L] the density is below e^{−40}/Z
  double normaliser_;          // Z
};

}  // namespace kolmo::process
