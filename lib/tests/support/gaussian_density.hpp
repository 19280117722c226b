#pragma once
// Shared fixture of the unit tests and the verification cases: the 1-D normal density
// N(mean, variance) as a grid start (pde::DensityField::at_cell_centers takes it).

#include <cmath>
#include <numbers>

#include "kolmo/pde/density_field.hpp"

namespace kolmo::test_support {

inline pde::DensityFunction gaussian_density(double mean, double variance) {
  return [=](const process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.col(0) - mean).square() / (2 * variance)).exp() / std::sqrt(2 * std::numbers::pi * variance);
  };
}

}  // namespace kolmo::test_support
