#include "kolmo/pde/fokker_planck.hpp"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "column_sums.hpp"
#include "kolmo/core/validate.hpp"
#include "point_name.hpp"

namespace kolmo::pde {
namespace {

constexpr const char* class_name = "kolmo::pde::FokkerPlanck";

using detail::point_name;

/// The batch of cell centres shifted by `offset` cell widths along axis k.
Eigen::ArrayXXd shifted_centers(const Grid& grid, std::size_t k, double offset) {
  Eigen::ArrayXXd x = grid.centers();
  x.col(static_cast<Eigen::Index>(k)) += offset * grid.width(k);
  return x;
}

/// Itô drift of the SDE on a batch: f, or f + ½ g ∂g/∂x for a Stratonovich SDE.
Eigen::ArrayXXd ito_drift(const process::Sde& sde, double t, const Eigen::ArrayXXd& x) {
  Eigen::ArrayXXd f = sde.drift(t, x);
  if (sde.calculus() == process::Calculus::stratonovich && sde.noise() != process::NoiseKind::additive) {
    f += 0.5 * sde.diffusion(t, x) * sde.diffusion_derivative(t, x);
  }
  return f;
}

/// D = ½ g gᵀ on a batch: its diagonal (rows × d) and, in 2-D, D_01 (rows; empty otherwise).
struct DiffusionTensor {
  Eigen::ArrayXXd diagonal;
  Eigen::ArrayXd off_diagonal;
};

/// Throws where D has a diagonal entry that is not positive and finite, or (d = 3) an
/// off-diagonal one: mixed derivatives are discretised in 2-D only.
DiffusionTensor diffusion_tensor(const process::Sde& sde, double t, const Eigen::ArrayXXd& x) {
  const auto d = static_cast<Eigen::Index>(sde.dimension());
  const Eigen::Index rows = x.rows();
  DiffusionTensor tensor{Eigen::ArrayXXd(rows, d), Eigen::ArrayXd::Zero(d == 2 ? rows : 0)};
  Eigen::ArrayXXd& diagonal = tensor.diagonal;
  double largest_off_diagonal = 0.0;  // d = 3 only
  Eigen::Index off_row = 0;
  const auto record_off_diagonal = [&](const Eigen::ArrayXd& off) {
    if (d == 2) {
      tensor.off_diagonal = off;
      return;
    }
    Eigen::Index r = 0;
    const double worst = off.abs().maxCoeff(&r);
    if (worst > largest_off_diagonal) {
      largest_off_diagonal = worst;
      off_row = r;
    }
  };
  switch (sde.noise()) {
    case process::NoiseKind::additive: {
      const Eigen::MatrixXd g = sde.diffusion_matrix(t);
      const Eigen::MatrixXd full = 0.5 * g * g.transpose();
      diagonal = full.diagonal().transpose().replicate(rows, 1).array();
      for (Eigen::Index i = 0; i < d; ++i) {
        for (Eigen::Index l = i + 1; l < d; ++l) record_off_diagonal(Eigen::ArrayXd::Constant(rows, full(i, l)));
      }
      break;
    }
    case process::NoiseKind::diagonal:
      diagonal = 0.5 * sde.diffusion(t, x).square();
      break;
    case process::NoiseKind::general: {
      const Eigen::ArrayXXd g = sde.diffusion(t, x);
      const Eigen::Index m = g.cols() / d;
      for (Eigen::Index i = 0; i < d; ++i) {
        diagonal.col(i).setZero();
        for (Eigen::Index j = 0; j < m; ++j) diagonal.col(i) += 0.5 * g.col(i + d * j).square();
        for (Eigen::Index l = i + 1; l < d; ++l) {
          Eigen::ArrayXd off = Eigen::ArrayXd::Zero(rows);
          for (Eigen::Index j = 0; j < m; ++j) off += 0.5 * g.col(i + d * j) * g.col(l + d * j);
          record_off_diagonal(off);
        }
      }
      break;
    }
  }
  const double scale = diagonal.abs().maxCoeff();
  require(largest_off_diagonal <= 1e-12 * scale, class_name, "sde diffusion",
          "D = g gᵀ/2 with an off-diagonal entry " + describe_value(largest_off_diagonal) + " at x = " + point_name(x, off_row),
          "a diagonal D in 3-D (mixed derivatives are discretised in 2-D only)");
  for (Eigen::Index row = 0; row < rows; ++row) {
    for (Eigen::Index k = 0; k < d; ++k) {
      if (!(std::isfinite(diagonal(row, k)) && diagonal(row, k) > 0.0)) {  // per cell: message only on failure
        throw_bad_argument(class_name, "sde diffusion",
                           "D_" + std::to_string(k) + std::to_string(k) + " = " + describe_value(diagonal(row, k)) +
                               " at x = " + point_name(x, row),
                           "positive and finite D_kk (the fluxes divide by D; pure transport is the continuity equation's)");
      }
    }
  }
  require(tensor.off_diagonal.allFinite(), class_name, "sde diffusion", "a non-finite D_01", "a finite diffusion matrix");
  return tensor;
}

}  // namespace

double bernoulli_function(double z) {
  if (std::abs(z) < 1e-4) return 1.0 - z / 2.0 + z * z / 12.0;  // next term z⁴/720: < 2e-19
  return z / std::expm1(z);
}

struct FokkerPlanck::Coefficients {
  Eigen::ArrayXXd diffusion;                 // D_kk at cell centres (cells × d)
  std::vector<Eigen::ArrayXXd> face_drift;   // per axis: f at the upper faces (cells × d)
  std::vector<Eigen::ArrayXXd> face_diffusion;
  std::vector<Eigen::ArrayXXd> lower_drift;  // per axis: f at the lower faces (absorbing axes only)
  std::vector<Eigen::ArrayXXd> lower_diffusion;
  Eigen::ArrayXd potential;                  // Φ at the centres, if declared
  Eigen::ArrayXd mixed;                      // D_01 at the centres (2-D, where not all zero)
};

FokkerPlanck::FokkerPlanck(process::Sde sde, Grid grid, FluxScheme flux)
    : sde_(std::move(sde)), grid_(std::move(grid)), flux_(flux) {
  require(sde_.dimension() == grid_.dimension(), class_name, "sde.dimension()", sde_.dimension(),
          "the grid's dimension " + describe_value(grid_.dimension()));
  if (sde_.calculus() == process::Calculus::stratonovich && sde_.noise() != process::NoiseKind::additive) {
    require(sde_.noise() == process::NoiseKind::diagonal && sde_.has_diffusion_derivative(), class_name,
            "sde", sde_.name(), "a Stratonovich SDE with diagonal noise and its diffusion derivative (for the Itô drift)");
  }
}

FokkerPlanck& FokkerPlanck::with_drift_potential(ScalarField potential) {
  require(static_cast<bool>(potential), class_name, "potential", "an empty function", "a callable Φ(x)");
  potential_ = std::move(potential);
  return *this;
}

FokkerPlanck::Coefficients FokkerPlanck::coefficients(double t) const {
  Coefficients c;
  const Eigen::ArrayXXd centers = grid_.centers();
  DiffusionTensor at_centers = diffusion_tensor(sde_, t, centers);
  c.diffusion = std::move(at_centers.diagonal);
  if (at_centers.off_diagonal.size() > 0 && (at_centers.off_diagonal != 0.0).any()) c.mixed = std::move(at_centers.off_diagonal);
  for (std::size_t k = 0; k < grid_.dimension(); ++k) {
    const Eigen::ArrayXXd upper = shifted_centers(grid_, k, 0.5);
    c.face_drift.push_back(ito_drift(sde_, t, upper));
    c.face_diffusion.push_back(diffusion_tensor(sde_, t, upper).diagonal);
    if (grid_.axis(k).boundary == Boundary::absorbing) {
      const Eigen::ArrayXXd lower = shifted_centers(grid_, k, -0.5);
      c.lower_drift.push_back(ito_drift(sde_, t, lower));
      c.lower_diffusion.push_back(diffusion_tensor(sde_, t, lower).diagonal);
    } else {
      c.lower_drift.emplace_back();
      c.lower_diffusion.emplace_back();
    }
  }
  if (potential_) {
    c.potential = potential_(centers);
    require(static_cast<std::size_t>(c.potential.size()) == grid_.cells() && c.potential.allFinite(), class_name,
            "potential(x)", describe_value(c.potential.size()) + " values", "one finite value per cell");
  }
  return c;
}

FokkerPlanck::AxisPart FokkerPlanck::axis_part(const Coefficients& c, std::size_t k) const {
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(3 * grid_.cells());
  AxisPart part{{}, Eigen::VectorXd::Zero(static_cast<Eigen::Index>(grid_.cells()))};
  // A flux J = α p_from − β p_to through a face, from cell `from` towards cell `to` (or out
  // of the domain, to < 0), in units of the cell width: dp/dt loses J/h in `from`, gains it in
  // `to`. Only the gains are entered here; the diagonal is set from them below.
  const auto add_flux = [&](Eigen::Index from, Eigen::Index to, double alpha, double beta, double h) {
    if (to < 0) {
      part.loss(from) += alpha / h;
      return;
    }
    entries.emplace_back(from, to, beta / h);
    entries.emplace_back(to, from, alpha / h);
  };

  const Axis& axis = grid_.axis(k);
  const double h = grid_.width(k);
  const auto kk = static_cast<Eigen::Index>(k);
  for (std::size_t cell = 0; cell < grid_.cells(); ++cell) {
    const auto from = static_cast<Eigen::Index>(cell);
    const std::size_t i = grid_.coordinate(cell, k);
    const double d_from = c.diffusion(from, kk);
    const bool last = i + 1 == axis.cells;
    // Absorbing ends: p = 0 on the boundary face, half a cell from the centre.
    if (axis.boundary == Boundary::absorbing && (last || i == 0)) {
      const double half = 0.5 * h;
      if (last) {
        const double a = c.face_drift[k](from, kk) / c.face_diffusion[k](from, kk);
        const double alpha = flux_ == FluxScheme::exponential_fitting ? bernoulli_function(-a * half) * d_from / half
                                                                     : d_from / half;
        add_flux(from, -1, alpha, 0.0, h);
      }
      if (i == 0) {
        const double a = c.lower_drift[k](from, kk) / c.lower_diffusion[k](from, kk);
        const double alpha = flux_ == FluxScheme::exponential_fitting ? bernoulli_function(a * half) * d_from / half
                                                                     : d_from / half;
        add_flux(from, -1, alpha, 0.0, h);
      }
    }
    if (last && axis.boundary != Boundary::periodic) continue;  // zero flux or handled above
    const std::size_t to_cell = last ? cell - i * grid_.stride(k) : cell + grid_.stride(k);
    const auto to = static_cast<Eigen::Index>(to_cell);
    const double d_to = c.diffusion(to, kk);
    const double f = c.face_drift[k](from, kk);
    if (flux_ == FluxScheme::exponential_fitting) {
      const double ah = c.potential.size() > 0 ? c.potential[to] - c.potential[from]
                                               : f / c.face_diffusion[k](from, kk) * h;
      add_flux(from, to, bernoulli_function(-ah) * d_from / h, bernoulli_function(ah) * d_to / h, h);
    } else {
      add_flux(from, to, 0.5 * f + d_from / h, -0.5 * f + d_to / h, h);
    }
  }
  for (std::size_t cell = 0; cell < grid_.cells(); ++cell) {
    entries.emplace_back(static_cast<Eigen::Index>(cell), static_cast<Eigen::Index>(cell), 0.0);
  }
  part.matrix.resize(static_cast<Eigen::Index>(grid_.cells()), static_cast<Eigen::Index>(grid_.cells()));
  part.matrix.setFromTriplets(entries.begin(), entries.end());
  detail::set_column_sums(part.matrix, -part.loss);
  return part;
}

Eigen::SparseMatrix<double> FokkerPlanck::mixed_part(const Coefficients& c) const {
  const auto n = static_cast<Eigen::Index>(grid_.cells());
  Eigen::SparseMatrix<double> matrix(n, n);
  if (c.mixed.size() == 0) return matrix;
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(16 * grid_.cells());
  for (std::size_t k = 0; k < 2; ++k) {
    const std::size_t m = 1 - k;  // the tangential axis of the faces normal to k
    const Axis& axis = grid_.axis(k);
    const double h = grid_.width(k);
    for (std::size_t cell = 0; cell < grid_.cells(); ++cell) {
      const std::size_t i = grid_.coordinate(cell, k);
      const bool last = i + 1 == axis.cells;
      if (last && axis.boundary != Boundary::periodic) continue;  // no flux, or p = 0 along the face
      const std::size_t to = last ? cell - i * grid_.stride(k) : cell + grid_.stride(k);
      // J = −∂_m q on the face, q = D_01 p: the mean of the two cells' tangential differences.
      for (const std::size_t side : {cell, to}) {
        for (const auto& [tap, weight] : tangential_difference(side, m)) {
          const double rate = -0.5 * weight * c.mixed[static_cast<Eigen::Index>(tap)] / h;  // J's weight on p_tap, / h
          entries.emplace_back(static_cast<Eigen::Index>(cell), static_cast<Eigen::Index>(tap), -rate);
          entries.emplace_back(static_cast<Eigen::Index>(to), static_cast<Eigen::Index>(tap), rate);
        }
      }
    }
  }
  for (Eigen::Index cell = 0; cell < n; ++cell) entries.emplace_back(cell, cell, 0.0);
  matrix.setFromTriplets(entries.begin(), entries.end());
  detail::set_column_sums(matrix, Eigen::VectorXd::Zero(n));  // every flux moves mass between two cells
  return matrix;
}

FokkerPlanck::Stencil2 FokkerPlanck::tangential_difference(std::size_t cell, std::size_t m) const {
  // ∂_m at a cell centre: centred inside; at a non-periodic edge one-sided over the edge cell
  // (zero flux: the wall value of q is unknown), or centred with the odd ghost −q (absorbing:
  // p = 0 on the wall).
  const Axis& axis = grid_.axis(m);
  const double h = grid_.width(m);
  const std::size_t j = grid_.coordinate(cell, m), stride = grid_.stride(m), n = axis.cells;
  const std::size_t below = j > 0 ? cell - stride : cell + (n - 1) * stride;
  const std::size_t above = j + 1 < n ? cell + stride : cell - (n - 1) * stride;
  if (axis.boundary == Boundary::periodic || (j > 0 && j + 1 < n)) return {{{above, 0.5 / h}, {below, -0.5 / h}}};
  const bool lower_edge = j == 0;
  if (axis.boundary == Boundary::absorbing) {
    return lower_edge ? Stencil2{{{above, 0.5 / h}, {cell, 0.5 / h}}} : Stencil2{{{cell, -0.5 / h}, {below, -0.5 / h}}};
  }
  return lower_edge ? Stencil2{{{above, 1.0 / h}, {cell, -1.0 / h}}} : Stencil2{{{cell, 1.0 / h}, {below, -1.0 / h}}};
}

Eigen::SparseMatrix<double> FokkerPlanck::mixed_operator(double t) const { return mixed_part(coefficients(t)); }

bool FokkerPlanck::has_mixed_derivatives(double t) const { return coefficients(t).mixed.size() > 0; }

Eigen::SparseMatrix<double> FokkerPlanck::operator()(double t) const {
  const Coefficients c = coefficients(t);
  AxisPart sum = axis_part(c, 0);
  for (std::size_t k = 1; k < grid_.dimension(); ++k) {
    const AxisPart part = axis_part(c, k);
    sum.matrix += part.matrix;
    sum.loss += part.loss;
  }
  if (c.mixed.size() > 0) sum.matrix += mixed_part(c);
  detail::set_column_sums(sum.matrix, -sum.loss);
  return sum.matrix;
}

std::vector<Eigen::SparseMatrix<double>> FokkerPlanck::axis_operators(double t) const {
  const Coefficients c = coefficients(t);
  std::vector<Eigen::SparseMatrix<double>> parts;
  for (std::size_t k = 0; k < grid_.dimension(); ++k) parts.push_back(axis_part(c, k).matrix);
  return parts;
}

}  // namespace kolmo::pde
