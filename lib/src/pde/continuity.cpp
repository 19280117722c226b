#include "kolmo/pde/continuity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "kolmo/core/validate.hpp"
#include "point_name.hpp"

namespace kolmo::pde {
namespace {

constexpr const char* class_name = "kolmo::pde::Continuity";

using detail::point_name;

/// How an axis's cells are laid out: lines along k are `stride` apart, and the `stride` lines
/// that start in one slab of stride·length cells fill it contiguously (grid.hpp's ordering).
/// So within a slab, cell c's neighbours along k are c ± stride, and every pass below is one
/// contiguous, vectorisable loop over a slab, with the first and last rows (the cells next to
/// the boundary faces) treated apart.
struct AxisLayout {
  std::size_t stride, length, slab, last_row, cells;
  Boundary boundary;
  double inverse_width;

  AxisLayout(const Grid& grid, std::size_t k)
      : stride(grid.stride(k)), length(grid.axis(k).cells), slab(stride * length), last_row((length - 1) * stride),
        cells(grid.cells()), boundary(grid.axis(k).boundary), inverse_width(1.0 / grid.width(k)) {}
};

/// The limited differences σ_c along one axis (pde/slope_limiter.hpp); 0 in the cells next to a
/// non-periodic boundary.
template <SlopeLimiterRule Limiter>
void limited_differences(const AxisLayout& a, const double* p, double* slope, Limiter limiter) {
  const std::size_t s = a.stride;
  for (std::size_t base = 0; base < a.cells; base += a.slab) {
    for (std::size_t c = base + s; c < base + a.last_row; ++c) slope[c] = limiter(p[c] - p[c - s], p[c + s] - p[c]);
    for (std::size_t c = base; c < base + s; ++c) {
      const std::size_t top = c + a.last_row;
      const bool periodic = a.boundary == Boundary::periodic;
      slope[c] = periodic ? limiter(p[c] - p[top], p[c + s] - p[c]) : 0.0;
      slope[top] = periodic ? limiter(p[top] - p[top - s], p[c] - p[top]) : 0.0;
    }
  }
}

/// Upwind flux of the reconstructed face values: F = v⁺ p_L + v⁻ p_R.
inline double upwind(double v, double left, double right) { return std::max(v, 0.0) * left + std::min(v, 0.0) * right; }

/// F at every cell's upper face along one axis; returns Σ F over absorbing upper boundary faces
/// (all outflow: the inflow there is zero).
double upper_face_fluxes(const AxisLayout& a, const double* v, const double* p, const double* slope, double* flux) {
  const std::size_t s = a.stride;
  double outflow = 0.0;
  for (std::size_t base = 0; base < a.cells; base += a.slab) {
    for (std::size_t c = base; c < base + a.last_row; ++c) {
      flux[c] = upwind(v[c], p[c] + 0.5 * slope[c], p[c + s] - 0.5 * slope[c + s]);
    }
    for (std::size_t c = base + a.last_row; c < base + a.slab; ++c) {
      switch (a.boundary) {
        case Boundary::periodic: {
          const std::size_t first = c - a.last_row;
          flux[c] = upwind(v[c], p[c] + 0.5 * slope[c], p[first] - 0.5 * slope[first]);
          break;
        }
        case Boundary::zero_flux: flux[c] = 0.0; break;
        case Boundary::absorbing:
          flux[c] = std::max(v[c], 0.0) * p[c];
          outflow += flux[c];
          break;
      }
    }
  }
  return outflow;
}

/// rate −= (F_{c+½} − F_{c−½}) / h along one axis; returns −Σ F over absorbing lower boundary
/// faces (the outflow through them, ≥ 0).
double add_flux_divergence(const AxisLayout& a, const double* lower_v, const double* p, const double* flux,
                           double* rate) {
  const std::size_t s = a.stride;
  double outflow = 0.0;
  std::size_t line = 0;
  for (std::size_t base = 0; base < a.cells; base += a.slab) {
    for (std::size_t c = base + s; c < base + a.slab; ++c) rate[c] -= (flux[c] - flux[c - s]) * a.inverse_width;
    for (std::size_t c = base; c < base + s; ++c, ++line) {
      double lower = 0.0;  // zero flux
      if (a.boundary == Boundary::periodic) lower = flux[c + a.last_row];
      if (a.boundary == Boundary::absorbing) {
        lower = std::min(lower_v[line], 0.0) * p[c];
        outflow -= lower;
      }
      rate[c] -= (flux[c] - lower) * a.inverse_width;
    }
  }
  return outflow;
}

template <SlopeLimiterRule Limiter>
double add_axis_rate(const AxisLayout& a, const double* upper_v, const double* lower_v, const double* p,
                     double* rate, FluxScratch& scratch, Limiter limiter) {
  limited_differences(a, p, scratch.slope.data(), limiter);
  double outflow = upper_face_fluxes(a, upper_v, p, scratch.slope.data(), scratch.flux.data());
  outflow += add_flux_divergence(a, lower_v, p, scratch.flux.data(), rate);
  return outflow;
}

}  // namespace

Continuity::Continuity(process::BatchCoefficient velocity, Grid grid, SlopeLimiter limiter)
    : velocity_(std::move(velocity)), grid_(std::move(grid)), limiter_(limiter) {
  require(static_cast<bool>(velocity_), class_name, "velocity", "an empty function", "a callable v(t, x)");
  // The face batches are fixed by the grid: built once, handed to v at every stage.
  for (std::size_t k = 0; k < grid_.dimension(); ++k) {
    Eigen::ArrayXXd upper = grid_.upper_faces(k);
    if (grid_.axis(k).boundary != Boundary::absorbing) {
      face_points_.push_back(std::move(upper));
      continue;
    }
    const AxisLayout a(grid_, k);
    const auto lines = static_cast<Eigen::Index>(a.cells / a.length);
    Eigen::ArrayXXd points(upper.rows() + lines, upper.cols());
    points.topRows(upper.rows()) = upper;
    Eigen::Index line = upper.rows();
    for (std::size_t base = 0; base < a.cells; base += a.slab) {
      for (std::size_t c = base; c < base + a.stride; ++c, ++line) {
        points.row(line) = upper.row(static_cast<Eigen::Index>(c));
        points(line, static_cast<Eigen::Index>(k)) = grid_.axis(k).lower;
      }
    }
    face_points_.push_back(std::move(points));
  }
}

FaceVelocities Continuity::face_velocities(double t) const {
  FaceVelocities v;
  v.time = t;
  const auto d = static_cast<Eigen::Index>(grid_.dimension());
  const auto cells = static_cast<Eigen::Index>(grid_.cells());
  for (std::size_t k = 0; k < grid_.dimension(); ++k) {
    const Eigen::ArrayXXd& x = face_points_[k];
    const Eigen::ArrayXXd values = velocity_(t, x);
    require(values.rows() == x.rows() && values.cols() == d, class_name, "velocity(t, x)",
            describe_value(values.rows()) + " x " + describe_value(values.cols()) + " for a batch of " +
                describe_value(x.rows()) + " points",
            "points x d = " + describe_value(x.rows()) + " x " + describe_value(d) + " (one row per point)");
    const auto kk = static_cast<Eigen::Index>(k);
    v.upper.push_back(values.col(kk).head(cells));
    v.lower_boundary.push_back(values.col(kk).tail(x.rows() - cells));
    if (v.non_finite.empty() && !values.col(kk).allFinite()) {
      Eigen::Index row = 0;
      while (std::isfinite(values(row, kk))) ++row;
      v.non_finite = "v_" + std::to_string(k) + " = " + describe_value(values(row, kk)) + " at the face x = " +
                     point_name(x, row) + ", t = " + describe_value(t);
    }
  }
  return v;
}

FaceVelocities Continuity::checked_face_velocities(double t) const {
  FaceVelocities v = face_velocities(t);
  require(v.non_finite.empty(), class_name, "velocity(t, x)", v.non_finite, "finite velocities on every face");
  return v;
}

double Continuity::courant_rate(const FaceVelocities& v) const {
  // Per cell: Σ_k (v⁺ through its upper face + |v⁻| through its lower face) / h_k, counting
  // only faces that carry flux (none through zero-flux boundary faces).
  Eigen::ArrayXd rate = Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(grid_.cells()));
  for (std::size_t k = 0; k < grid_.dimension(); ++k) {
    const AxisLayout a(grid_, k);
    const Eigen::ArrayXd& up = v.upper[k];
    std::size_t line = 0;
    for (std::size_t base = 0; base < a.cells; base += a.slab) {
      for (std::size_t c = base; c < base + a.slab; ++c) {
        const auto i = static_cast<Eigen::Index>(c);
        const bool top = c >= base + a.last_row;
        const bool bottom = c < base + a.stride;
        double out = top && a.boundary == Boundary::zero_flux ? 0.0 : std::max(up(i), 0.0);
        if (!bottom) {
          out -= std::min(up(i - static_cast<Eigen::Index>(a.stride)), 0.0);
        } else {
          if (a.boundary == Boundary::periodic) out -= std::min(up(i + static_cast<Eigen::Index>(a.last_row)), 0.0);
          if (a.boundary == Boundary::absorbing) out -= std::min(v.lower_boundary[k](static_cast<Eigen::Index>(line)), 0.0);
          ++line;
        }
        rate(i) += out * a.inverse_width;
      }
    }
  }
  return rate.maxCoeff();
}

double Continuity::largest_stable_dt(const FaceVelocities& v) const {
  const double rate = courant_rate(v);
  return rate > 0.0 ? courant_limit() / rate : std::numeric_limits<double>::infinity();
}

double Continuity::largest_stable_dt(double t) const { return largest_stable_dt(checked_face_velocities(t)); }

Eigen::VectorXd Continuity::rate(double t, const Eigen::VectorXd& p) const {
  require(static_cast<std::size_t>(p.size()) == grid_.cells(), class_name, "p.size()", p.size(),
          "the grid's " + describe_value(grid_.cells()) + " cells");
  Eigen::VectorXd dpdt;
  FluxScratch scratch;
  rate(checked_face_velocities(t), p, dpdt, scratch);
  return dpdt;
}

double Continuity::rate(const FaceVelocities& v, const Eigen::VectorXd& p, Eigen::VectorXd& rate,
                        FluxScratch& scratch) const {
  rate.setZero(p.size());
  scratch.slope.resize(grid_.cells());
  scratch.flux.resize(grid_.cells());
  double outflow = 0.0;
  for (std::size_t k = 0; k < grid_.dimension(); ++k) {
    const AxisLayout a(grid_, k);
    const double* lower = v.lower_boundary[k].data();
    // Outflow through a boundary face of area |cell|/h_k: F |cell| / h_k mass per unit time.
    const double axis_outflow =
        limiter_ == SlopeLimiter::minmod
            ? add_axis_rate(a, v.upper[k].data(), lower, p.data(), rate.data(), scratch, Minmod{})
            : add_axis_rate(a, v.upper[k].data(), lower, p.data(), rate.data(), scratch, VanLeer{});
    outflow += axis_outflow * grid_.cell_measure() * a.inverse_width;
  }
  return outflow;
}

}  // namespace kolmo::pde
