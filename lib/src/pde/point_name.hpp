#pragma once
// Internal: "(x_0, x_1, …)" for row `row` of a batch of points, for error messages that say
// where a coefficient went wrong.

#include <Eigen/Core>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::pde::detail {

inline std::string point_name(const Eigen::ArrayXXd& x, Eigen::Index row) {
  std::string name = "(";
  for (Eigen::Index k = 0; k < x.cols(); ++k) name += (k > 0 ? ", " : "") + describe_value(x(row, k));
  return name + ")";
}

}  // namespace kolmo::pde::detail
