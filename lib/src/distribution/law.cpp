#include "kolmo/distribution/law.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <utility>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/random/uniform.hpp"

namespace kolmo::distribution {

// The faces of one kind of law. The defaults refuse what a kind cannot do, naming it.
struct Law::Impl {
  Impl(std::string name_, std::size_t dimension_) : name(std::move(name_)), dimension(dimension_) {}
  virtual ~Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  [[nodiscard]] virtual Eigen::ArrayXXd sample(std::uint64_t seed, std::uint64_t first, std::size_t count) const = 0;
  [[nodiscard]] virtual bool has_density() const { return false; }
  [[nodiscard]] virtual Eigen::ArrayXd density(const process::StateView& points) const;
  [[nodiscard]] virtual bool has_cdf() const { return false; }
  [[nodiscard]] virtual Eigen::ArrayXd cdf(const Eigen::ArrayXd& x) const;
  /// Cell averages on `grid` (unnormalised); the default integrates density() by quadrature.
  [[nodiscard]] virtual pde::DensityField on(const pde::Grid& grid, double time) const;

  std::string name;
  std::size_t dimension;
};

namespace {

constexpr const char* class_name = "kolmo::distribution::Law";

// --- point ----------------------------------------------------------------------------------

struct PointLaw final : Law::Impl {
  explicit PointLaw(Eigen::RowVectorXd x0_)
      : Impl("point" + describe_point(x0_), static_cast<std::size_t>(x0_.size())), x0(std::move(x0_)) {}

  static std::string describe_point(const Eigen::RowVectorXd& x) {
    std::string text = "(";
    for (Eigen::Index k = 0; k < x.size(); ++k) text += (k > 0 ? ", " : "") + describe_value(x[k]);
    return text + ")";
  }

  Eigen::ArrayXXd sample(std::uint64_t, std::uint64_t, std::size_t count) const override {
    return x0.replicate(static_cast<Eigen::Index>(count), 1).array();
  }

  pde::DensityField on(const pde::Grid& grid, double time) const override {
    for (std::size_t k = 0; k < grid.dimension(); ++k) {
      const double x = x0[static_cast<Eigen::Index>(k)];
      require(x >= grid.axis(k).lower && x <= grid.axis(k).upper, "kolmo::distribution::Law::on",
              "x0[" + std::to_string(k) + "]", x,
              "inside the grid's axis " + std::to_string(k) + ", [" + describe_value(grid.axis(k).lower) + ", " +
                  describe_value(grid.axis(k).upper) + "]");
    }
    const std::size_t cell = *grid.cell_of(x0.array(), 0);
    Eigen::VectorXd values = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(grid.cells()));
    values[static_cast<Eigen::Index>(cell)] = 1.0 / grid.cell_measure();  // all the mass in one cell
    return {grid, std::move(values), time};
  }

  Eigen::RowVectorXd x0;
};

// --- Gaussian mixtures (one component for a Gaussian) -----------------------------------------

struct MixtureLaw final : Law::Impl {
  MixtureLaw(std::string name_, GaussianMixture mixture_)
      : Impl(std::move(name_), mixture_.dimension()), mixture(std::move(mixture_)) {}

  Eigen::ArrayXXd sample(std::uint64_t seed, std::uint64_t first, std::size_t count) const override {
    return mixture.sample(seed, first, count);
  }
  bool has_density() const override { return mixture.has_density(); }
  Eigen::ArrayXd density(const process::StateView& points) const override {
    if (!mixture.has_density()) return Impl::density(points);
    return mixture.log_density(points).exp();
  }
  bool has_cdf() const override { return dimension == 1; }
  Eigen::ArrayXd cdf(const Eigen::ArrayXd& x) const override { return mixture.cdf(x); }

  GaussianMixture mixture;
};

// --- a grid field ---------------------------------------------------------------------------

struct GridLaw final : Law::Impl {
  explicit GridLaw(pde::DensityField field_) : Impl("grid-density", field_.grid().dimension()), field(std::move(field_)) {
    const Eigen::VectorXd& p = field.values();
    cumulative.resize(static_cast<std::size_t>(p.size()));
    double running = 0.0;
    for (Eigen::Index i = 0; i < p.size(); ++i) cumulative[static_cast<std::size_t>(i)] = running += std::max(p[i], 0.0);
    require(running > 0.0, class_name, "field", "no positive cell", "a density with positive mass");
    total = running;
  }

  Eigen::ArrayXXd sample(std::uint64_t seed, std::uint64_t first, std::size_t count) const override {
    const pde::Grid& grid = field.grid();
    const std::size_t d = grid.dimension();
    std::vector<double> u(count * (d + 1));
    random::fill_uniforms({seed, random::Purpose::initial_state, 0, first, count, d + 1, 0}, u);
    Eigen::ArrayXXd x(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d));
    for (std::size_t p = 0; p < count; ++p) {
      // The cell by inversion of the cumulative cell masses, then uniform inside it: exact draws of
      // the piecewise-constant density.
      const auto chosen = std::upper_bound(cumulative.begin(), cumulative.end() - 1, u[p] * total);
      const auto cell = static_cast<std::size_t>(chosen - cumulative.begin());
      for (std::size_t k = 0; k < d; ++k) {
        const double lower = grid.axis(k).lower + static_cast<double>(grid.coordinate(cell, k)) * grid.width(k);
        x(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(k)) = lower + u[(k + 1) * count + p] * grid.width(k);
      }
    }
    return x;
  }

  bool has_density() const override { return true; }
  Eigen::ArrayXd density(const process::StateView& points) const override {
    const pde::Grid& grid = field.grid();
    const double scale = grid.cell_measure() * total;  // values / Σ p_i |cell|: mass 1
    Eigen::ArrayXd out(points.rows());
    for (Eigen::Index r = 0; r < points.rows(); ++r) {
      const std::optional<std::size_t> cell = grid.cell_of(points, r);
      out[r] = cell ? std::max(field.values()[static_cast<Eigen::Index>(*cell)], 0.0) / scale : 0.0;
    }
    return out;
  }
  bool has_cdf() const override { return dimension == 1; }
  Eigen::ArrayXd cdf(const Eigen::ArrayXd& x) const override { return field.cdf(x); }

  pde::DensityField on(const pde::Grid& grid, double time) const override;

  pde::DensityField field;
  std::vector<double> cumulative;
  double total = 0.0;
};

/// Per target cell along one axis: the source cells it overlaps and the overlap lengths.
std::vector<std::vector<std::pair<std::size_t, double>>> overlaps(const pde::Grid& target, const pde::Grid& source,
                                                                  std::size_t k) {
  const pde::Axis &t = target.axis(k), &s = source.axis(k);
  std::vector<std::vector<std::pair<std::size_t, double>>> out(t.cells);
  for (std::size_t i = 0; i < t.cells; ++i) {
    const double a = t.lower + static_cast<double>(i) * target.width(k), b = a + target.width(k);
    const double first = std::floor((a - s.lower) / source.width(k));
    for (auto j = static_cast<std::ptrdiff_t>(std::max(first, 0.0));
         j < static_cast<std::ptrdiff_t>(s.cells); ++j) {
      const double c = s.lower + static_cast<double>(j) * source.width(k), e = c + source.width(k);
      if (c >= b) break;
      const double length = std::min(b, e) - std::max(a, c);
      if (length > 0.0) out[i].emplace_back(static_cast<std::size_t>(j), length);
    }
  }
  return out;
}

pde::DensityField GridLaw::on(const pde::Grid& grid, double time) const {
  const pde::Grid& source = field.grid();
  if (grid == source) return pde::DensityField::normalised(grid, field.values().cwiseMax(0.0), time);
  // Exact remap of the piecewise-constant density: a target cell's average is Σ p_j |overlap_j|
  // / |cell|, the overlap a product of the axes' overlap lengths (tensor grids).
  const std::size_t d = grid.dimension();
  std::array<std::vector<std::vector<std::pair<std::size_t, double>>>, pde::Grid::max_dimension> axis_overlaps;
  for (std::size_t k = 0; k < d; ++k) axis_overlaps[k] = overlaps(grid, source, k);
  Eigen::VectorXd values = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(grid.cells()));
  const Eigen::VectorXd p = field.values().cwiseMax(0.0);
  const std::vector<std::pair<std::size_t, double>> whole{{0, 1.0}};  // an absent axis: one factor 1
  for (std::size_t cell = 0; cell < grid.cells(); ++cell) {
    const auto& o0 = axis_overlaps[0][grid.coordinate(cell, 0)];
    const auto& o1 = d > 1 ? axis_overlaps[1][grid.coordinate(cell, 1)] : whole;
    const auto& o2 = d > 2 ? axis_overlaps[2][grid.coordinate(cell, 2)] : whole;
    double sum = 0.0;
    for (const auto& [j2, l2] : o2) {
      for (const auto& [j1, l1] : o1) {
        for (const auto& [j0, l0] : o0) {
          const std::size_t j = j0 + (d > 1 ? j1 * source.stride(1) : 0) + (d > 2 ? j2 * source.stride(2) : 0);
          sum += p[static_cast<Eigen::Index>(j)] * l0 * l1 * l2;
        }
      }
    }
    values[static_cast<Eigen::Index>(cell)] = sum / grid.cell_measure();
  }
  return pde::DensityField::normalised(grid, std::move(values), time);
}

// --- custom -----------------------------------------------------------------------------------

struct CustomLaw final : Law::Impl {
  CustomLaw(std::string name_, std::size_t dimension_, Law::Sampler sampler_, Law::Density density_, Law::Cdf cdf_)
      : Impl(std::move(name_), dimension_), sampler(std::move(sampler_)), density_function(std::move(density_)),
        cdf_function(std::move(cdf_)) {}

  Eigen::ArrayXXd sample(std::uint64_t seed, std::uint64_t first, std::size_t count) const override {
    return sampler(seed, first, count);
  }
  bool has_density() const override { return static_cast<bool>(density_function); }
  Eigen::ArrayXd density(const process::StateView& points) const override {
    if (!density_function) return Impl::density(points);
    Eigen::ArrayXd values = density_function(points);
    require(values.size() == points.rows(), class_name, "density(points).size()", values.size(),
            "one value per point, " + describe_value(points.rows()));
    return values;
  }
  bool has_cdf() const override { return static_cast<bool>(cdf_function); }
  Eigen::ArrayXd cdf(const Eigen::ArrayXd& x) const override {
    if (!cdf_function) return Impl::cdf(x);
    Eigen::ArrayXd values = cdf_function(x);
    require(values.size() == x.size(), class_name, "cdf(x).size()", values.size(), "one value per point, " + describe_value(x.size()));
    return values;
  }

  Law::Sampler sampler;
  Law::Density density_function;
  Law::Cdf cdf_function;
};

}  // namespace

Eigen::ArrayXd Law::Impl::density(const process::StateView&) const {
  throw_bad_argument("kolmo::distribution::Law::density", "law", name, "a law with a density (this one has none)");
}

Eigen::ArrayXd Law::Impl::cdf(const Eigen::ArrayXd&) const {
  throw_bad_argument("kolmo::distribution::Law::cdf", "law", name,
                     "a one-dimensional law with a CDF (this one has none)");
}

pde::DensityField Law::Impl::on(const pde::Grid& grid, double time) const {
  // Cell averages by the 3-point Gauss–Legendre rule per axis (nodes 0, ±√(3/5) of the half
  // width, weights 8/9, 5/9 of 2): exact for polynomials of degree 5 in each variable, so the
  // error is O(h⁶) for a smooth density. One batch density call per node of the tensor rule.
  if (!has_density()) {
    throw_bad_argument("kolmo::distribution::Law::on", "law", name, "a law with a density or a point mass");
  }
  const std::size_t d = grid.dimension();
  constexpr std::array<double, 3> node{-0.7745966692414834, 0.0, 0.7745966692414834};
  constexpr std::array<double, 3> weight{5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0};  // per axis, summing to 1
  const Eigen::ArrayXXd centers = grid.centers();
  Eigen::ArrayXd averages = Eigen::ArrayXd::Zero(centers.rows());
  std::size_t nodes = 1;
  for (std::size_t k = 0; k < d; ++k) nodes *= 3;
  Eigen::ArrayXXd points(centers.rows(), centers.cols());
  for (std::size_t q = 0; q < nodes; ++q) {
    double w = 1.0;
    std::size_t index = q;
    for (std::size_t k = 0; k < d; ++k, index /= 3) {
      const auto kk = static_cast<Eigen::Index>(k);
      points.col(kk) = centers.col(kk) + node[index % 3] * 0.5 * grid.width(k);
      w *= weight[index % 3];
    }
    averages += w * density(points);
  }
  require(averages.allFinite() && (averages >= 0.0).all(), "kolmo::distribution::Law::on", "density(x)",
          "a negative or non-finite value", "a finite, non-negative density at every quadrature node");
  return pde::DensityField::normalised(grid, averages.matrix(), time);
}

Law::Law(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Law Law::point(const Eigen::VectorXd& x0) {
  constexpr const char* where = "kolmo::distribution::Law::point";
  require_at_least(where, "x0.size()", static_cast<std::uint64_t>(x0.size()), 1);
  require_all_finite(where, "x0", x0.array());
  return Law(std::make_shared<PointLaw>(x0.transpose()));
}

Law Law::gaussian(const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance) {
  constexpr const char* where = "kolmo::distribution::Law::gaussian";
  const auto d = mean.size();
  require_at_least(where, "mean.size()", static_cast<std::uint64_t>(d), 1);
  require_all_finite(where, "mean", mean.array());
  require(covariance.rows() == d && covariance.cols() == d, where, "covariance",
          describe_value(covariance.rows()) + "x" + describe_value(covariance.cols()),
          "a " + describe_value(d) + "x" + describe_value(d) + " matrix matching mean");
  require_all_finite(where, "covariance", covariance.array());
  const double asymmetry = (covariance - covariance.transpose()).cwiseAbs().maxCoeff();
  require(asymmetry <= 1e-12 * std::max(1.0, covariance.cwiseAbs().maxCoeff()), where,
          "covariance asymmetry max|C - C^T|", asymmetry, "a symmetric matrix");
  const Eigen::MatrixXd symmetric = 0.5 * (covariance + covariance.transpose());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(symmetric);
  const double smallest = eigen.eigenvalues().minCoeff();
  require(smallest >= -1e-12 * std::max(1.0, eigen.eigenvalues().cwiseAbs().maxCoeff()), where,
          "smallest covariance eigenvalue", smallest, "a positive semi-definite covariance");
  // Round-off negatives (accepted above) are clipped to 0, so that the mixture, whose own check is
  // at the rounding level of its eigendecomposition, accepts the matrix.
  Eigen::MatrixXd clipped = symmetric;
  if (smallest < 0.0) {
    clipped = eigen.eigenvectors() * eigen.eigenvalues().cwiseMax(0.0).asDiagonal() * eigen.eigenvectors().transpose();
  }
  return Law(std::make_shared<MixtureLaw>("gaussian", GaussianMixture::gaussian(mean, clipped)));
}

Law Law::mixture(GaussianMixture mixture) {
  return Law(std::make_shared<MixtureLaw>("gaussian-mixture", std::move(mixture)));
}

Law Law::grid(pde::DensityField field) { return Law(std::make_shared<GridLaw>(std::move(field))); }

Law Law::custom(std::string name, std::size_t dimension, Sampler sampler, Density density, Cdf cdf) {
  constexpr const char* where = "kolmo::distribution::Law::custom";
  require(!name.empty(), where, "name", std::string_view("\"\""), "a non-empty name");
  require_at_least(where, "dimension", dimension, 1);
  require(static_cast<bool>(sampler), where, "sampler", std::string_view("an empty function"), "a callable");
  require(!cdf || dimension == 1, where, "cdf", std::string_view("a CDF"), "none in " + describe_value(dimension) + " dimensions");
  return Law(std::make_shared<CustomLaw>(std::move(name), dimension, std::move(sampler), std::move(density), std::move(cdf)));
}

const std::string& Law::name() const { return impl_->name; }
std::size_t Law::dimension() const { return impl_->dimension; }
bool Law::has_density() const { return impl_->has_density(); }
bool Law::has_cdf() const { return impl_->has_cdf(); }

Eigen::ArrayXXd Law::sample(std::uint64_t seed, std::uint64_t first_path, std::size_t count) const {
  Eigen::ArrayXXd x = impl_->sample(seed, first_path, count);
  require(x.rows() == static_cast<Eigen::Index>(count) && x.cols() == static_cast<Eigen::Index>(dimension()),
          "kolmo::distribution::Law::sample", "sampler result", describe_value(x.rows()) + "x" + describe_value(x.cols()),
          "an array of shape " + describe_value(count) + "x" + describe_value(dimension()));
  return x;
}

Eigen::ArrayXd Law::density(const process::StateView& points) const {
  require(points.cols() == static_cast<Eigen::Index>(dimension()), "kolmo::distribution::Law::density", "points.cols()",
          points.cols(), "the law's dimension " + describe_value(dimension()));
  return impl_->density(points);
}

Eigen::ArrayXd Law::cdf(const Eigen::ArrayXd& x) const { return impl_->cdf(x); }

pde::DensityField Law::on(const pde::Grid& grid, double time) const {
  require(grid.dimension() == dimension(), "kolmo::distribution::Law::on", "grid.dimension()", grid.dimension(),
          "the law's dimension " + describe_value(dimension()));
  return impl_->on(grid, time);
}

}  // namespace kolmo::distribution
