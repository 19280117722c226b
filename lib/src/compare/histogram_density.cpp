#include "kolmo/compare/histogram_density.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kolmo/compare/compare.hpp"
#include "kolmo/core/validate.hpp"

namespace kolmo::compare {
namespace {

/// Convolves the cell masses along axis k with the sampled Gaussian of width b cells; each
/// source cell's kernel is renormalised over the neighbours inside the grid, so mass is kept.
Eigen::VectorXd smooth_along(const Eigen::VectorXd& mass, const pde::Grid& grid, std::size_t k, double b) {
  const auto reach = static_cast<std::ptrdiff_t>(std::ceil(4.0 * b));
  std::vector<double> kernel(static_cast<std::size_t>(2 * reach + 1));
  for (std::ptrdiff_t j = -reach; j <= reach; ++j) {
    kernel[static_cast<std::size_t>(j + reach)] = std::exp(-0.5 * static_cast<double>(j * j) / (b * b));
  }
  const auto n = static_cast<std::ptrdiff_t>(grid.axis(k).cells);
  const std::size_t stride = grid.stride(k);
  Eigen::VectorXd out = Eigen::VectorXd::Zero(mass.size());
  for (std::size_t cell = 0; cell < grid.cells(); ++cell) {
    const double m = mass[static_cast<Eigen::Index>(cell)];
    if (m == 0.0) continue;
    const auto i = static_cast<std::ptrdiff_t>(grid.coordinate(cell, k));
    const std::ptrdiff_t lo = std::max(-reach, -i), hi = std::min(reach, n - 1 - i);
    double norm = 0.0;
    for (std::ptrdiff_t j = lo; j <= hi; ++j) norm += kernel[static_cast<std::size_t>(j + reach)];
    for (std::ptrdiff_t j = lo; j <= hi; ++j) {
      const auto target = static_cast<std::ptrdiff_t>(cell) + j * static_cast<std::ptrdiff_t>(stride);
      out[static_cast<Eigen::Index>(target)] += m * kernel[static_cast<std::size_t>(j + reach)] / norm;
    }
  }
  return out;
}

}  // namespace

HistogramDensity histogram_density(const Eigen::ArrayXXd& samples, const pde::Grid& grid, const HistogramOptions& options) {
  constexpr const char* where = "kolmo::compare::histogram_density";
  require(samples.cols() == static_cast<Eigen::Index>(grid.dimension()), where, "samples.cols()", samples.cols(),
          "the grid's dimension " + describe_value(grid.dimension()));
  require(std::isfinite(options.bandwidth_cells) && options.bandwidth_cells >= 0.0, where, "options.bandwidth_cells",
          options.bandwidth_cells, "a finite width >= 0 (in cells)");
  const FiniteRows x = finite_rows(samples);
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(grid.cells()));
  std::size_t outside = 0;
  for (Eigen::Index r = 0; r < x.rows.rows(); ++r) {
    if (const std::optional<std::size_t> cell = grid.cell_of(x.rows, r)) {
      counts[static_cast<Eigen::Index>(*cell)] += 1.0;
    } else {
      ++outside;
    }
  }
  const auto n = static_cast<std::size_t>(x.rows.rows());
  require(n > outside, where, "samples", std::to_string(n - outside) + " finite rows inside the grid",
          "at least one finite sample inside the grid");
  std::string estimator = "histogram";
  if (options.bandwidth_cells > 0.0) {
    for (std::size_t k = 0; k < grid.dimension(); ++k) counts = smooth_along(counts, grid, k, options.bandwidth_cells);
    estimator += ", Gaussian smoothing of " + describe_value(options.bandwidth_cells) + " cells";
  }
  Eigen::VectorXd values = counts / (static_cast<double>(n) * grid.cell_measure());
  return {pde::DensityField(grid, std::move(values), options.time), n, x.left_out, outside, std::move(estimator)};
}

}  // namespace kolmo::compare
