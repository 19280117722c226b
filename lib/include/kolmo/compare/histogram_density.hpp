#pragma once
// The one way particles become a grid density: a histogram on the grid's cells with stated
// smoothing. Cell i gets count_i / (n |cell|), n the finite samples (rows with a non-finite
// entry are left out and counted; samples outside the grid count in `outside` and in no cell,
// so the field's mass is the fraction inside). With bandwidth_cells = b > 0 the counts are then
// convolved, axis by axis, with the sampled Gaussian kernel exp(−j²/(2b²)) for |j| ≤ ⌈4b⌉,
// normalised per cell so that no mass leaves the grid at the boundaries (each cell's mass is
// spread over the neighbours that exist). Smoothing trades the histogram's variance for a bias
// of order (b h)² ∂²p: it is the estimator's choice and is reported, never implied.

#include <Eigen/Core>
#include <cstddef>
#include <string>

#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/grid.hpp"

namespace kolmo::compare {

struct HistogramOptions {
  double bandwidth_cells = 0.0;  ///< Gaussian smoothing width in cells (0: none); finite, ≥ 0
  double time = 0.0;             ///< the time the field is labelled with
};

struct HistogramDensity {
  pde::DensityField density;     ///< cell averages; mass = inside / samples
  std::size_t samples = 0;       ///< finite rows
  std::size_t left_out = 0;      ///< rows with a non-finite entry
  std::size_t outside = 0;       ///< finite rows outside the grid
  std::string estimator;         ///< "histogram" or "histogram, Gaussian smoothing of b cells"
};

/// Throws kolmo::Error when samples has other than grid.dimension() columns, no row inside the
/// grid, or a bad bandwidth.
[[nodiscard]] HistogramDensity histogram_density(const Eigen::ArrayXXd& samples, const pde::Grid& grid,
                                                 const HistogramOptions& options = {});

}  // namespace kolmo::compare
