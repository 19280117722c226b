#pragma once
// Internal: whether two grids are the same (axes, cells and boundaries), for the solvers'
// check that an initial density lives on the equation's grid.

#include "kolmo/pde/grid.hpp"

namespace kolmo::pde::detail {

[[nodiscard]] inline bool same_grid(const Grid& a, const Grid& b) {
  if (a.dimension() != b.dimension()) return false;
  for (std::size_t k = 0; k < a.dimension(); ++k) {
    const Axis &x = a.axis(k), &y = b.axis(k);
    if (x.lower != y.lower || x.upper != y.upper || x.cells != y.cells || x.boundary != y.boundary) return false;
  }
  return true;
}

}  // namespace kolmo::pde::detail
