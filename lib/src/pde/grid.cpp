#include "kolmo/pde/grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::pde {
namespace {

constexpr auto max_cells = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max());

/// "n_0 x n_1 x …" for axes 0..last, the product that would not fit.
std::string cell_product(const std::vector<Axis>& axes, std::size_t last) {
  std::string text;
  for (std::size_t k = 0; k <= last; ++k) text += (k > 0 ? " x " : "") + std::to_string(axes[k].cells);
  return text;
}

}  // namespace

Grid::Grid(std::vector<Axis> axes) : axes_(std::move(axes)) {
  constexpr const char* where = "kolmo::pde::Grid";
  require(!axes_.empty() && axes_.size() <= max_dimension, where, "axes.size()", axes_.size(), "1, 2 or 3 axes");
  for (std::size_t k = 0; k < axes_.size(); ++k) {
    const Axis& a = axes_[k];
    const std::string name = "axes[" + std::to_string(k) + "]";
    require(std::isfinite(a.lower) && std::isfinite(a.upper) && a.lower < a.upper, where, name + ".upper", a.upper,
            "finite and above lower = " + describe_value(a.lower));
    require(a.cells >= 3, where, name + ".cells", a.cells, "at least 3 cells");
    widths_[k] = (a.upper - a.lower) / static_cast<double>(a.cells);
    strides_[k] = cells_;
    // Cells are indexed by Eigen::Index (signed 64-bit): the product must fit before it is formed.
    require(a.cells <= max_cells / cells_, where, "cells of axes[0.." + std::to_string(k) + "]",
            cell_product(axes_, k), "at most " + describe_value(max_cells) + " cells in all");
    cells_ *= a.cells;
    cell_measure_ *= widths_[k];
  }
}

std::optional<std::size_t> Grid::cell_of(const Eigen::Ref<const Eigen::ArrayXXd>& points, Eigen::Index row) const {
  std::size_t cell = 0;
  for (std::size_t k = 0; k < dimension(); ++k) {
    const Axis& a = axes_[k];
    const double x = points(row, static_cast<Eigen::Index>(k));
    if (!(x >= a.lower && x <= a.upper)) return std::nullopt;
    cell += std::min(static_cast<std::size_t>((x - a.lower) / widths_[k]), a.cells - 1) * strides_[k];
  }
  return cell;
}

double Grid::center(std::size_t k, std::size_t i) const {
  return axes_[k].lower + (static_cast<double>(i) + 0.5) * widths_[k];
}

Eigen::ArrayXXd Grid::centers() const { return centers(0, cells_); }

Eigen::ArrayXXd Grid::centers(std::size_t first, std::size_t count) const {
  Eigen::ArrayXXd x(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(dimension()));
  for (std::size_t k = 0; k < dimension(); ++k) {
    // Along the cells, coordinate k runs through its centres in runs of stride(k) equal values:
    // step through them instead of dividing for every cell.
    std::size_t i = coordinate(first, k), left = strides_[k] - first % strides_[k];
    double value = center(k, i);
    for (Eigen::Index row = 0; row < static_cast<Eigen::Index>(count); ++row) {
      x(row, static_cast<Eigen::Index>(k)) = value;
      if (--left == 0) {
        left = strides_[k];
        i = i + 1 == axes_[k].cells ? 0 : i + 1;
        value = center(k, i);
      }
    }
  }
  return x;
}

Eigen::ArrayXXd Grid::upper_faces(std::size_t k) const {
  Eigen::ArrayXXd x = centers();
  x.col(static_cast<Eigen::Index>(k)) += 0.5 * widths_[k];
  return x;
}

}  // namespace kolmo::pde
