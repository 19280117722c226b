#pragma once
// The tensor-product interpolation behind pde/interpolation.hpp (densities) and
// pde/grid_score.hpp (scores): per axis a stencil of (centre, weight) pairs, with the ghost
// centres beyond a non-periodic boundary folded into real ones by an extension rule, and the
// product of the axes' stencils applied to every column of a cells × c array at once.

#include <Eigen/Core>
#include <array>
#include <cstddef>

#include "kolmo/pde/grid.hpp"
#include "kolmo/pde/interpolation.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde::detail {

/// How values continue past the outermost centres of a non-periodic axis (ghost j cells
/// beyond the boundary face pairs with the centre j − 1 cells inside it).
enum class Extension {
  even,    ///< ghost = its mirror centre: zero slope on the face (a zero-flux density)
  odd,     ///< ghost = −(its mirror centre): zero on the face (an absorbed density)
  linear,  ///< the line through the two outermost centres, also outside the domain (a score)
};

using AxisExtensions = std::array<Extension, Grid::max_dimension>;

/// Interpolates each column of `columns` (cells × c, values at the cell centres) at every
/// point (points × d). With `zero_outside`, points beyond a non-periodic axis's bounds get 0.
/// Throws kolmo::Error, naming `where`, on a wrong number of point columns or a non-finite
/// coordinate.
[[nodiscard]] Eigen::ArrayXXd interpolate_columns(const Grid& grid, const Eigen::Ref<const Eigen::ArrayXXd>& columns,
                                                  const process::StateView& points, Interpolation kind,
                                                  const AxisExtensions& extension, bool zero_outside,
                                                  const char* where);

}  // namespace kolmo::pde::detail
