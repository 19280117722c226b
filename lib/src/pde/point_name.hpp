#pragma once
// Internal: "(x_0, x_1, …)" for row `row` of a batch of points, and the check that names a
// non-finite coefficient there, for error messages that say where a coefficient went wrong.

#include <Eigen/Core>
#include <cmath>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::pde::detail {

inline std::string point_name(const Eigen::ArrayXXd& x, Eigen::Index row) {
  std::string name = "(";
  for (Eigen::Index k = 0; k < x.cols(); ++k) name += (k > 0 ? ", " : "") + describe_value(x(row, k));
  return name + ")";
}

/// The letter of a coefficient in the literature's dX = f dt + g dW.
inline std::string symbol(const std::string& coefficient) {
  if (coefficient.starts_with("drift")) return "f";
  if (coefficient.starts_with("diffusion")) return "g";
  return coefficient;
}

/// Throws, from `where`, naming the first non-finite entry of a coefficient evaluated on the
/// batch x at time t: "sde drift f_1 = nan at x = (0.5, -1) and t = 0.25". A NaN or inf would
/// otherwise surface far from its cause (a singular factorisation, a NaN density).
inline void require_finite_coefficient(const char* where, const std::string& coefficient, const Eigen::ArrayXXd& values,
                                       const Eigen::ArrayXXd& x, double t) {
  if (values.allFinite()) return;
  for (Eigen::Index row = 0; row < values.rows(); ++row) {
    for (Eigen::Index k = 0; k < values.cols(); ++k) {
      if (!std::isfinite(values(row, k))) {
        throw_bad_argument(where, "sde " + coefficient,
                           symbol(coefficient) + "_" + std::to_string(k) + " = " + describe_value(values(row, k)) +
                               " at x = " + point_name(x, row) + " and t = " + describe_value(t),
                           "finite coefficients on the whole grid (shrink the domain or fix the coefficient there)");
      }
    }
  }
}

}  // namespace kolmo::pde::detail
