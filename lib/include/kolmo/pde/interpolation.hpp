#pragma once
// A grid density between its cell centres. The finite-volume value p_i is read as the density
// at centre x_i (they differ by O(h²), the scheme's own order), and interpolated axis by axis
// (tensor product) at arbitrary points:
//
//   multilinear         2 centres per axis; second order, C⁰, and never leaves the range of
//                       the values it combines (a non-negative field stays non-negative);
//   cubic_convolution   4 centres per axis with Keys' kernel, a = −½ (Keys 1981, IEEE Trans.
//                       ASSP 29(6), eq. 15): third order, C¹, reproduces quadratics exactly;
//                       can undershoot below zero next to a steep edge.
//
// Near a boundary the missing centres are ghosts fixed by the boundary condition: zero flux
// reflects the density evenly about the boundary face (zero slope there), absorbing reflects it
// oddly (p = 0 on the face), periodic wraps around. Outside the domain of a non-periodic axis
// the density is 0.

#include <Eigen/Core>

#include "kolmo/pde/density_field.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde {

enum class Interpolation { multilinear, cubic_convolution };

[[nodiscard]] constexpr const char* to_string(Interpolation kind) {
  return kind == Interpolation::multilinear ? "multilinear" : "cubic_convolution";
}

/// p at each point (points × d, the batch layout of process::StateBatch). Throws kolmo::Error
/// when the points have the wrong number of columns or a non-finite coordinate.
[[nodiscard]] Eigen::ArrayXd interpolate(const DensityField& density, const process::StateView& points,
                                         Interpolation kind = Interpolation::multilinear);

}  // namespace kolmo::pde
