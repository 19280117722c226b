#include "kolmo/pde/interpolation.hpp"

#include <cmath>
#include <string>

#include "kolmo/core/validate.hpp"
#include "tensor_interpolation.hpp"

namespace kolmo::pde {
namespace detail {
namespace {

/// Keys' cubic convolution kernel with a = −½ (Keys 1981, eq. 15), |t| < 2.
double keys_kernel(double t) {
  t = std::abs(t);
  if (t <= 1.0) return (1.5 * t - 2.5) * t * t + 1.0;
  return ((-0.5 * t + 2.5) * t - 4.0) * t + 2.0;
}

class AxisStencil {
 public:
  /// Adds `weight` on the (possibly ghost) centre j of an axis with n centres.
  void add(long j, double weight, std::size_t n, bool periodic, Extension extension) {
    const long last = static_cast<long>(n) - 1;
    if (periodic) {
      push(static_cast<std::size_t>(((j % static_cast<long>(n)) + static_cast<long>(n)) % static_cast<long>(n)), weight);
    } else if (j >= 0 && j <= last) {
      push(static_cast<std::size_t>(j), weight);
    } else if (extension == Extension::linear) {
      // p_j on the line through the two outermost centres.
      const auto [edge, inner] = j < 0 ? std::pair{0L, 1L} : std::pair{last, last - 1};
      const double beyond = static_cast<double>(j < 0 ? -j : j - last);
      push(static_cast<std::size_t>(edge), (1.0 + beyond) * weight);
      push(static_cast<std::size_t>(inner), -beyond * weight);
    } else {
      const long mirror = j < 0 ? -j - 1 : 2 * last + 1 - j;
      push(static_cast<std::size_t>(mirror), extension == Extension::odd ? -weight : weight);
    }
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t centre(std::size_t i) const { return centre_[i]; }
  [[nodiscard]] double weight(std::size_t i) const { return weight_[i]; }

 private:
  void push(std::size_t centre, double weight) {
    centre_[size_] = centre;
    weight_[size_++] = weight;
  }
  std::array<std::size_t, 8> centre_{};  // 4 taps, each split over at most 2 centres
  std::array<double, 8> weight_{};
  std::size_t size_ = 0;
};

/// The stencil of axis k at coordinate x; empty when x lies outside and `zero_outside`.
AxisStencil axis_stencil(const Grid& grid, std::size_t k, double x, Interpolation kind, Extension extension,
                         bool zero_outside) {
  const Axis& axis = grid.axis(k);
  const bool periodic = axis.boundary == Boundary::periodic;
  const double n = static_cast<double>(axis.cells);
  AxisStencil stencil;
  if (!periodic && zero_outside && (x < axis.lower || x > axis.upper)) return stencil;
  double s = (x - axis.lower) / grid.width(k) - 0.5;  // position in units of cells from centre 0
  if (periodic) s -= n * std::floor(s / n);
  if (!periodic && extension == Extension::linear && (s < 0.0 || s > n - 1.0)) {
    // Beyond the outermost centres every tap lies on one line: extrapolate along it directly
    // (also keeps the integer arithmetic below bounded for far-away points).
    const bool below = s < 0.0;
    const double beyond = below ? -s : s - (n - 1.0);
    stencil.add(below ? 0 : static_cast<long>(axis.cells) - 1, 1.0 + beyond, axis.cells, false, extension);
    stencil.add(below ? 1 : static_cast<long>(axis.cells) - 2, -beyond, axis.cells, false, extension);
    return stencil;
  }
  const double base = std::floor(s);
  const double w = s - base;
  const auto i = static_cast<long>(base);
  if (kind == Interpolation::multilinear) {
    stencil.add(i, 1.0 - w, axis.cells, periodic, extension);
    stencil.add(i + 1, w, axis.cells, periodic, extension);
  } else {
    for (long tap = -1; tap <= 2; ++tap) {
      stencil.add(i + tap, keys_kernel(w - static_cast<double>(tap)), axis.cells, periodic, extension);
    }
  }
  return stencil;
}

void check_points(const Grid& grid, const process::StateView& points, const char* where) {
  require(static_cast<std::size_t>(points.cols()) == grid.dimension(), where, "points.cols()", points.cols(),
          "the grid's dimension, " + describe_value(grid.dimension()));
  for (Eigen::Index c = 0; c < points.cols(); ++c) {
    for (Eigen::Index r = 0; r < points.rows(); ++r) {
      if (!std::isfinite(points(r, c))) {
        throw_bad_argument(where, "points(" + std::to_string(r) + ", " + std::to_string(c) + ")",
                           describe_value(points(r, c)), "a finite coordinate");
      }
    }
  }
}

}  // namespace

Eigen::ArrayXXd interpolate_columns(const Grid& grid, const Eigen::Ref<const Eigen::ArrayXXd>& columns,
                                    const process::StateView& points, Interpolation kind,
                                    const AxisExtensions& extension, bool zero_outside, const char* where) {
  check_points(grid, points, where);
  const std::size_t d = grid.dimension();
  Eigen::ArrayXXd result = Eigen::ArrayXXd::Zero(points.rows(), columns.cols());
#pragma omp parallel for schedule(static) if (points.rows() > 4096)
  for (Eigen::Index p = 0; p < points.rows(); ++p) {
    std::array<AxisStencil, Grid::max_dimension> axes;
    for (std::size_t k = 0; k < Grid::max_dimension; ++k) {
      if (k < d) {
        axes[k] = axis_stencil(grid, k, points(p, static_cast<Eigen::Index>(k)), kind, extension[k], zero_outside);
      } else {
        axes[k].add(0, 1.0, 1, false, Extension::even);  // a unit tap for absent axes
      }
    }
    for (std::size_t a = 0; a < axes[0].size(); ++a) {
      for (std::size_t b = 0; b < axes[1].size(); ++b) {
        for (std::size_t c = 0; c < axes[2].size(); ++c) {
          std::size_t cell = axes[0].centre(a);
          if (d > 1) cell += axes[1].centre(b) * grid.stride(1);
          if (d > 2) cell += axes[2].centre(c) * grid.stride(2);
          const double weight = axes[0].weight(a) * axes[1].weight(b) * axes[2].weight(c);
          result.row(p) += weight * columns.row(static_cast<Eigen::Index>(cell));
        }
      }
    }
  }
  return result;
}

}  // namespace detail

Eigen::ArrayXd interpolate(const DensityField& density, const process::StateView& points, Interpolation kind) {
  const Grid& grid = density.grid();
  detail::AxisExtensions extension{};
  for (std::size_t k = 0; k < grid.dimension(); ++k) {
    extension[k] = grid.axis(k).boundary == Boundary::absorbing ? detail::Extension::odd : detail::Extension::even;
  }
  return detail::interpolate_columns(grid, density.values().array(), points, kind, extension, true,
                                     "kolmo::pde::interpolate")
      .col(0);
}

}  // namespace kolmo::pde
