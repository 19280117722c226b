#include "kolmo/pde/density_field.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::pde {
namespace {

constexpr const char* class_name = "kolmo::pde::DensityField";

std::string cell_value(const Grid& grid, const Eigen::VectorXd& values, Eigen::Index cell) {
  std::string name = "values[" + std::to_string(cell) + "] = " + describe_value(values[cell]) + " at x = (";
  for (std::size_t k = 0; k < grid.dimension(); ++k) {
    if (k > 0) name += ", ";
    name += describe_value(grid.center(k, grid.coordinate(static_cast<std::size_t>(cell), k)));
  }
  return name + ")";
}

}  // namespace

DensityField::DensityField(Grid grid, Eigen::VectorXd values, double time)
    : grid_(std::move(grid)), values_(std::move(values)), time_(time) {
  require(static_cast<std::size_t>(values_.size()) == grid_.cells(), class_name, "values.size()", values_.size(),
          "the grid's " + describe_value(grid_.cells()) + " cells");
  require_finite(class_name, "time", time);
  for (Eigen::Index i = 0; i < values_.size(); ++i) {
    if (!(std::isfinite(values_[i]) && values_[i] >= 0.0)) {  // the message only on failure: this runs per cell
      throw_bad_argument(class_name, "values", cell_value(grid_, values_, i), "a finite, non-negative density");
    }
  }
  require(mass() > 0.0, class_name, "mass", mass(), "positive (the density is zero on every cell)");
}

DensityField::DensityField(Grid grid, Eigen::VectorXd values, double time, Unchecked)
    : grid_(std::move(grid)), values_(std::move(values)), time_(time) {}

DensityField DensityField::computed(Grid grid, Eigen::VectorXd values, double time) {
  require(static_cast<std::size_t>(values.size()) == grid.cells(), "kolmo::pde::DensityField::computed",
          "values.size()", values.size(), "the grid's " + describe_value(grid.cells()) + " cells");
  return {std::move(grid), std::move(values), time, Unchecked{}};
}

DensityField DensityField::at_cell_centers(Grid grid, const DensityFunction& density, double time) {
  const Eigen::ArrayXXd x = grid.centers();
  Eigen::VectorXd values = density(x).matrix();
  require(static_cast<std::size_t>(values.size()) == grid.cells(), "kolmo::pde::DensityField::at_cell_centers",
          "density(x).size()", values.size(), "one value per cell, " + describe_value(grid.cells()));
  // "Resolved" means the bump spans a few cells: a density narrower than a cell is sampled as
  // zero or as one spike, and its mass and moments would be wrong by O(1).
  const double peak = values.size() > 0 ? values.maxCoeff() : 0.0;
  const auto carrying = (values.array() >= 1e-6 * peak).count();
  require(peak > 0.0 && carrying >= 4, "kolmo::pde::DensityField::at_cell_centers", "grid",
          describe_value(carrying) + " cells above 1e-6 of the peak",
          "at least 4: refine the grid or widen the density so that the grid resolves it");
  return normalised(std::move(grid), std::move(values), time);
}

DensityField DensityField::normalised(Grid grid, Eigen::VectorXd values, double time) {
  DensityField field(std::move(grid), std::move(values), time);
  field.mass_before_normalisation_ = field.mass();
  field.values_ /= field.mass_before_normalisation_;
  return field;
}

double DensityField::mass() const { return values_.sum() * grid_.cell_measure(); }

Eigen::VectorXd DensityField::mean() const {
  const Eigen::MatrixXd x = grid_.centers().matrix();
  return x.transpose() * values_ * grid_.cell_measure() / mass();
}

Eigen::MatrixXd DensityField::covariance() const {
  const Eigen::MatrixXd centred = grid_.centers().matrix().rowwise() - mean().transpose();
  return centred.transpose() * values_.asDiagonal() * centred * grid_.cell_measure() / mass();
}

double DensityField::l1_distance(const DensityFunction& q) const {
  const Eigen::ArrayXd exact = q(grid_.centers());
  require(exact.size() == values_.size(), "kolmo::pde::DensityField::l1_distance", "q(x).size()", exact.size(),
          "one value per cell, " + describe_value(values_.size()));
  return (values_.array() - exact).abs().sum() * grid_.cell_measure();
}

DensityField DensityField::marginal(const std::vector<std::size_t>& axes) const {
  constexpr const char* where = "kolmo::pde::DensityField::marginal";
  const std::size_t d = grid_.dimension();
  require(!axes.empty() && axes.size() < d, where, "axes.size()", axes.size(),
          "between 1 and " + describe_value(d - 1) + " (a proper subset of the grid's axes)");
  for (std::size_t j = 0; j < axes.size(); ++j) {
    require(axes[j] < d && (j == 0 || axes[j] > axes[j - 1]), where, "axes[" + std::to_string(j) + "]", axes[j],
            "an axis below " + describe_value(d) + ", listed in increasing order");
  }
  std::vector<Axis> kept;
  double dropped_measure = 1.0;
  for (std::size_t k = 0, j = 0; k < d; ++k) {
    if (j < axes.size() && axes[j] == k) {
      kept.push_back(grid_.axis(k));
      ++j;
    } else {
      dropped_measure *= grid_.width(k);
    }
  }
  Grid marginal_grid(std::move(kept));
  Eigen::VectorXd values = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(marginal_grid.cells()));
  for (std::size_t cell = 0; cell < grid_.cells(); ++cell) {
    std::size_t target = 0;
    for (std::size_t j = 0; j < axes.size(); ++j) target += grid_.coordinate(cell, axes[j]) * marginal_grid.stride(j);
    values[static_cast<Eigen::Index>(target)] += values_[static_cast<Eigen::Index>(cell)];
  }
  return {std::move(marginal_grid), values * dropped_measure, time_, Unchecked{}};
}

Eigen::ArrayXd DensityField::cdf(const Eigen::ArrayXd& x) const {
  constexpr const char* where = "kolmo::pde::DensityField::cdf";
  require(grid_.dimension() == 1, where, "grid.dimension()", grid_.dimension(), "1 (a CDF is one-dimensional)");
  // Schemes without a positivity guarantee leave round-off below zero (−1e-21 after Crank–
  // Nicolson): read as 0, so F never decreases. A real undershoot is refused, not hidden.
  const double peak = values_.maxCoeff();
  require(minimum() >= -1e-10 * peak, where, "minimum()", minimum(),
          "no cell below −1e-10 × the peak " + describe_value(peak) + " (a CDF must not decrease)");
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) throw_bad_argument(where, "x[" + std::to_string(i) + "]", "nan", "a number");
  }
  const std::size_t n = grid_.cells();
  Eigen::ArrayXd cumulative(static_cast<Eigen::Index>(n + 1));
  cumulative[0] = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<Eigen::Index>(i);
    cumulative[c + 1] = cumulative[c] + std::max(values_[c], 0.0);
  }
  cumulative /= cumulative[static_cast<Eigen::Index>(n)];
  const Axis& axis = grid_.axis(0);
  return x.unaryExpr([&](double point) {
    const double position = std::clamp((point - axis.lower) / grid_.width(0), 0.0, static_cast<double>(n));
    const std::size_t i = std::min(static_cast<std::size_t>(position), n - 1);
    const double inside = position - static_cast<double>(i);
    const auto c = static_cast<Eigen::Index>(i);
    // Written as F_i + u (F_{i+1} − F_i) and clamped to [F_i, F_{i+1}]: monotone in x to the last
    // bit. The blend (1 − u) F_i + u F_{i+1} is not: over a zero cell it wobbles by an ulp.
    return std::clamp(cumulative[c] + inside * (cumulative[c + 1] - cumulative[c]), cumulative[c], cumulative[c + 1]);
  });
}

}  // namespace kolmo::pde
