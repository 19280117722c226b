#include "kolmo/pde/fokker_planck.hpp"

#include <algorithm>
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

/// Cells per batch of SDE (and potential) evaluations: the temporaries stay in cache and are
/// reused, instead of fresh grid-sized allocations (and their page faults) per coefficient.
constexpr Eigen::Index chunk = 4096;

using detail::point_name;
using detail::require_finite_coefficient;

/// Itô drift of the SDE on a batch: f, or f + ½ g ∂g/∂x for a Stratonovich SDE.
Eigen::ArrayXXd ito_drift(const process::Sde& sde, double t, const Eigen::ArrayXXd& x) {
  Eigen::ArrayXXd f = sde.drift(t, x);
  require_finite_coefficient(class_name, "drift", f, x, t);
  if (sde.calculus() == process::Calculus::stratonovich && sde.noise() != process::NoiseKind::additive) {
    f += 0.5 * sde.diffusion_derivative_product(t, x);
    require_finite_coefficient(class_name, "drift (Itô form f + g g'/2)", f, x, t);
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
      require(g.allFinite(), class_name, "sde diffusion", "a non-finite entry of g(t) at t = " + describe_value(t),
              "a finite diffusion matrix");
      const Eigen::MatrixXd full = 0.5 * g * g.transpose();
      diagonal = full.diagonal().transpose().replicate(rows, 1).array();
      for (Eigen::Index i = 0; i < d; ++i) {
        for (Eigen::Index l = i + 1; l < d; ++l) record_off_diagonal(Eigen::ArrayXd::Constant(rows, full(i, l)));
      }
      break;
    }
    case process::NoiseKind::diagonal: {
      const Eigen::ArrayXXd g = sde.diffusion(t, x);
      require_finite_coefficient(class_name, "diffusion", g, x, t);
      diagonal = 0.5 * g.square();
      break;
    }
    case process::NoiseKind::general: {
      const Eigen::ArrayXXd g = sde.diffusion(t, x);
      require_finite_coefficient(class_name, "diffusion", g, x, t);
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
  for (Eigen::Index row = 0; !(diagonal.isFinite() && diagonal > 0.0).all() && row < rows; ++row) {
    for (Eigen::Index k = 0; k < d; ++k) {  // only when some D_kk fails: find and name the first
      if (!(std::isfinite(diagonal(row, k)) && diagonal(row, k) > 0.0)) {
        throw_bad_argument(class_name, "sde diffusion",
                           "D_" + std::to_string(k) + std::to_string(k) + " = " + describe_value(diagonal(row, k)) +
                               " at x = " + point_name(x, row) + " and t = " + describe_value(t),
                           "positive and finite D_kk (the fluxes divide by D; pure transport is the continuity equation's)");
      }
    }
  }
  if (d == 3) {  // after the diagonal check: its scale is then finite and positive
    const double scale = diagonal.abs().maxCoeff();
    require(largest_off_diagonal <= 1e-12 * scale, class_name, "sde diffusion",
            "D = g gᵀ/2 with an off-diagonal entry " + describe_value(largest_off_diagonal) + " at x = " +
                point_name(x, off_row) + " and t = " + describe_value(t),
            "a diagonal D in 3-D (mixed derivatives are discretised in 2-D only)");
  }
  require(tensor.off_diagonal.allFinite(), class_name, "sde diffusion", "a non-finite D_01", "a finite diffusion matrix");
  return tensor;
}

}  // namespace

double bernoulli_function(double z) {
  if (std::abs(z) < 1e-4) return 1.0 - z / 2.0 + z * z / 12.0;  // next term z⁴/720: < 2e-19
  return z / std::expm1(z);
}

struct FokkerPlanck::CenterCoefficients {
  Eigen::ArrayXXd diffusion;  // D_kk at cell centres (cells × d)
  Eigen::ArrayXd potential;   // Φ at the centres, if declared
  Eigen::ArrayXd mixed;       // D_01 at the centres (2-D, where not all zero)
};

FokkerPlanck::FokkerPlanck(process::Sde sde, Grid grid, FluxScheme flux)
    : sde_(std::move(sde)), grid_(std::move(grid)), flux_(flux) {
  require(sde_.dimension() == grid_.dimension(), class_name, "sde.dimension()", sde_.dimension(),
          "the grid's dimension " + describe_value(grid_.dimension()));
  if (sde_.calculus() == process::Calculus::stratonovich && sde_.noise() != process::NoiseKind::additive) {
    require(sde_.noise() == process::NoiseKind::diagonal && sde_.has_diffusion_derivative_product(), class_name,
            "sde", sde_.name(), "a Stratonovich SDE with diagonal noise and its diffusion derivative (for the Itô drift)");
  }
}

FokkerPlanck& FokkerPlanck::with_drift_potential(ScalarField potential) {
  require(static_cast<bool>(potential), class_name, "potential", "an empty function", "a callable Φ(x)");
  potential_ = std::move(potential);
  return *this;
}

FokkerPlanck::CenterCoefficients FokkerPlanck::center_coefficients(double t) const {
  const auto cells = static_cast<Eigen::Index>(grid_.cells()), d = static_cast<Eigen::Index>(grid_.dimension());
  CenterCoefficients c{Eigen::ArrayXXd(cells, d), Eigen::ArrayXd(potential_ ? cells : 0), Eigen::ArrayXd(d == 2 ? cells : 0)};
  for (Eigen::Index first = 0; first < cells; first += chunk) {  // chunks: see `chunk`
    const Eigen::Index count = std::min(chunk, cells - first);
    const Eigen::ArrayXXd centers = grid_.centers(static_cast<std::size_t>(first), static_cast<std::size_t>(count));
    DiffusionTensor at_centers = diffusion_tensor(sde_, t, centers);
    c.diffusion.middleRows(first, count) = at_centers.diagonal;
    if (d == 2) c.mixed.segment(first, count) = at_centers.off_diagonal;
    if (potential_) {
      const Eigen::ArrayXd potential = potential_(centers);
      require(potential.size() == count && potential.allFinite(), class_name, "potential(x)",
              describe_value(potential.size()) + " values for " + describe_value(count) + " points", "one finite value per point");
      c.potential.segment(first, count) = potential;
    }
  }
  if (d == 2 && (c.mixed == 0.0).all()) c.mixed.resize(0);
  return c;
}

namespace {

/// A column of centre values (D_kk or Φ), without a copy.
using Column = Eigen::Ref<const Eigen::ArrayXd>;

/// f_k and D_kk at faces normal to axis k.
struct FaceValues {
  Eigen::ArrayXd drift, diffusion;
};

FaceValues face_values(const process::Sde& sde, double t, std::size_t k, Eigen::ArrayXXd faces) {
  const auto kk = static_cast<Eigen::Index>(k);
  return {ito_drift(sde, t, faces).col(kk), diffusion_tensor(sde, t, faces).diagonal.col(kk)};
}

/// α and β of the faces between cells from … from + count − 1 and to … to + count − 1, as
/// J = α p_from − β p_to in units of the cell width h:
///   exponential fitting  α = B(−a h) D_from / h,  β = B(a h) D_to / h,  a = f/D at the face (or
///                        a h = Φ_to − Φ_from with a drift potential);
///   central              α = f/2 + D_from / h,    β = −f/2 + D_to / h.
/// B(−z) = B(z) + z, so one exponential per face: B at |a h|, and the other as a sum of two
/// non-negative terms (no cancellation).
struct FaceRates {
  Eigen::ArrayXd alpha, beta;
};

FaceRates face_rates(Column diffusion, Column potential, FluxScheme flux, double h, Eigen::Index from, Eigen::Index to,
                     const FaceValues& face) {
  const Eigen::Index count = face.drift.size();
  const auto d_from = diffusion.segment(from, count), d_to = diffusion.segment(to, count);
  if (flux == FluxScheme::central) return {0.5 * face.drift + d_from / h, -0.5 * face.drift + d_to / h};
  const Eigen::ArrayXd ah = potential.size() > 0 ? (potential.segment(to, count) - potential.segment(from, count)).eval()
                                                 : (face.drift / face.diffusion * h).eval();
  const Eigen::ArrayXd small = ah.abs().unaryExpr([](double z) { return bernoulli_function(z); });  // B(|a h|)
  const Eigen::ArrayXd large = small + ah.abs();                                                      // B(−|a h|)
  return {(ah >= 0.0).select(large, small) * d_from / h, (ah >= 0.0).select(small, large) * d_to / h};
}

/// The cells with coordinate j along axis k: one per line along k.
std::vector<std::size_t> cells_at(const Grid& grid, std::size_t k, std::size_t j) {
  const std::size_t s = grid.stride(k), n = grid.axis(k).cells;
  std::vector<std::size_t> cells;
  cells.reserve(grid.cells() / n);
  for (std::size_t base = 0; base < grid.cells(); base += s * n) {
    for (std::size_t i = 0; i < s; ++i) cells.push_back(base + j * s + i);
  }
  return cells;
}

/// The faces half a cell along k (direction +1 up, −1 down) from the centres of `cells`.
Eigen::ArrayXXd faces_of(const Grid& grid, std::size_t k, double direction, const std::vector<std::size_t>& cells) {
  Eigen::ArrayXXd x(static_cast<Eigen::Index>(cells.size()), static_cast<Eigen::Index>(grid.dimension()));
  for (std::size_t r = 0; r < cells.size(); ++r) {
    for (std::size_t m = 0; m < grid.dimension(); ++m) {
      x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(m)) = grid.center(m, grid.coordinate(cells[r], m));
    }
  }
  x.col(static_cast<Eigen::Index>(k)) += direction * 0.5 * grid.width(k);
  return x;
}

}  // namespace

// The fluxes through the faces normal to k as J = α p_c − β p_next in units of the cell width
// (the face above cell c, towards the next cell along k): dp/dt loses J/h in c and gains it in
// the next cell, so L(c, next) = β/h is upper[c] and L(next, c) = α/h is lower[next]. The
// diagonal follows from the columns' sums, −loss, made exact (column_sums.hpp).
AxisBands FokkerPlanck::axis_bands(const CenterCoefficients& c, double t, std::size_t k) const {
  const auto cells = static_cast<Eigen::Index>(grid_.cells()), s = static_cast<Eigen::Index>(grid_.stride(k));
  // Every entry of lower, diagonal and upper is written below (lower's first row, with no face
  // below it, here): no zero-filling pass over them.
  AxisBands bands{grid_.stride(k), grid_.axis(k).cells, grid_.axis(k).boundary == Boundary::periodic, Eigen::VectorXd(cells),
                  Eigen::VectorXd(cells), Eigen::VectorXd(cells), Eigen::VectorXd::Zero(cells)};
  bands.lower.head(s).setZero();
  const Column diffusion = c.diffusion.col(static_cast<Eigen::Index>(k));
  // Every face above a cell and below another, chunk by chunk and vectorised; the faces above
  // the last cell of each line — a wall, or the periodic wrap — are redone by boundary_faces.
  for (Eigen::Index first = 0; first < cells - s; first += chunk) {
    const Eigen::Index count = std::min(chunk, cells - s - first);
    Eigen::ArrayXXd faces = grid_.centers(static_cast<std::size_t>(first), static_cast<std::size_t>(count));
    faces.col(static_cast<Eigen::Index>(k)) += 0.5 * grid_.width(k);
    const FaceValues face = face_values(sde_, t, k, std::move(faces));
    const auto [alpha, beta] = face_rates(diffusion, c.potential, flux_, grid_.width(k), first, first + s, face);
    bands.upper.segment(first, count) = beta / grid_.width(k);
    bands.lower.segment(first + s, count) = alpha / grid_.width(k);
  }
  boundary_faces(bands, diffusion, c.potential, t, k);
  detail::set_column_sums(bands, -bands.loss);  // an expression: no grid-sized temporary
  return bands;
}

// The faces above the last cell of every line along k (j = n − 1) and, absorbing, below the first
// (j = 0). The interior pass wrote the last cells' upper and the next slab's first cells' lower
// entries as if the line went on: a wall has no such face (0), a periodic axis wraps round to the
// line's first cell. An absorbing wall moves α p out of the domain (loss α/h), with p = 0 on the
// wall face, half a cell from the centre.
void FokkerPlanck::boundary_faces(AxisBands& bands, Eigen::Ref<const Eigen::ArrayXd> diffusion,
                                  Eigen::Ref<const Eigen::ArrayXd> potential, double t, std::size_t k) const {
  const auto cells = static_cast<Eigen::Index>(grid_.cells()), s = static_cast<Eigen::Index>(grid_.stride(k));
  const auto n = static_cast<Eigen::Index>(grid_.axis(k).cells);
  const double h = grid_.width(k), half = 0.5 * h;
  const bool fitted = flux_ == FluxScheme::exponential_fitting;
  const std::vector<std::size_t> last = cells_at(grid_, k, grid_.axis(k).cells - 1);
  const FaceValues upper = face_values(sde_, t, k, faces_of(grid_, k, 1.0, last));
  for (Eigen::Index base = 0; base < cells; base += s * n) {
    const Eigen::Index end = base + (n - 1) * s;  // the slab's last cells
    bands.upper.segment(end, s).setZero();
    if (end + s < cells) bands.lower.segment(end + s, s).setZero();
    if (bands.periodic) {
      const FaceValues wrap{upper.drift.segment(base / n, s), upper.diffusion.segment(base / n, s)};
      const auto [alpha, beta] = face_rates(diffusion, potential, flux_, h, end, base, wrap);
      bands.upper.segment(end, s) = beta / h;
      bands.lower.segment(base, s) = alpha / h;
    }
  }
  if (grid_.axis(k).boundary != Boundary::absorbing) return;
  const auto add_wall_loss = [&](const FaceValues& wall, double direction, const std::vector<std::size_t>& at) {
    for (std::size_t r = 0; r < at.size(); ++r) {
      const auto row = static_cast<Eigen::Index>(r), cell = static_cast<Eigen::Index>(at[r]);
      const double z = -direction * wall.drift(row) / wall.diffusion(row) * half;  // B(−a h/2) up, B(a h/2) down
      bands.loss(cell) += (fitted ? bernoulli_function(z) : 1.0) * diffusion(cell) / half / h;
    }
  };
  add_wall_loss(upper, 1.0, last);
  const std::vector<std::size_t> first = cells_at(grid_, k, 0);
  add_wall_loss(face_values(sde_, t, k, faces_of(grid_, k, -1.0, first)), -1.0, first);
}

Eigen::SparseMatrix<double> FokkerPlanck::mixed_part(const CenterCoefficients& c) const {
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

Eigen::SparseMatrix<double> FokkerPlanck::mixed_operator(double t) const { return mixed_part(center_coefficients(t)); }

bool FokkerPlanck::has_mixed_derivatives(double t) const { return center_coefficients(t).mixed.size() > 0; }

Eigen::SparseMatrix<double> FokkerPlanck::generator(double t) const {
  const CenterCoefficients c = center_coefficients(t);
  const auto n = static_cast<Eigen::Index>(grid_.cells());
  Eigen::SparseMatrix<double> sum = mixed_part(c);  // n × n, empty without mixed terms
  Eigen::VectorXd loss = Eigen::VectorXd::Zero(n);
  for (std::size_t k = 0; k < grid_.dimension(); ++k) {
    const AxisBands bands = axis_bands(c, t, k);
    sum += bands.matrix();
    loss += bands.loss;
  }
  detail::set_column_sums(sum, -loss);
  return sum;
}

std::vector<AxisBands> FokkerPlanck::axis_bands(double t) const {
  const CenterCoefficients c = center_coefficients(t);
  std::vector<AxisBands> bands;
  for (std::size_t k = 0; k < grid_.dimension(); ++k) bands.push_back(axis_bands(c, t, k));
  return bands;
}

std::vector<Eigen::SparseMatrix<double>> FokkerPlanck::axis_operators(double t) const {
  std::vector<Eigen::SparseMatrix<double>> parts;
  for (const AxisBands& bands : axis_bands(t)) parts.push_back(bands.matrix());
  return parts;
}

Eigen::SparseMatrix<double> AxisBands::matrix() const {
  const auto cells = static_cast<Eigen::Index>(diagonal.size());
  Eigen::SparseMatrix<double> m(cells, cells);
  m.reserve(Eigen::VectorXi::Constant(cells, 3));
  const auto s = static_cast<Eigen::Index>(stride), n = static_cast<Eigen::Index>(length);
  for (Eigen::Index base = 0; base < cells; base += s * n) {
    for (Eigen::Index j = 0; j < n; ++j) {
      for (Eigen::Index cell = base + j * s; cell < base + (j + 1) * s; ++cell) {
        m.insert(cell, cell) = diagonal(cell);
        if (j > 0 || periodic) {  // the face below: L(cell, before) and L(before, cell)
          const Eigen::Index before = j > 0 ? cell - s : cell + (n - 1) * s;
          m.insert(cell, before) = lower(cell);
          m.insert(before, cell) = upper(before);
        }
      }
    }
  }
  m.makeCompressed();
  return m;
}

}  // namespace kolmo::pde
