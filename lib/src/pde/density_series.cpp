#include "kolmo/pde/density_series.hpp"

#include <algorithm>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::pde {
namespace {

constexpr const char* class_name = "kolmo::pde::DensitySeries";

/// Lagrange basis weights of the nodes at `times` for evaluation at t.
std::vector<double> lagrange_weights(const std::vector<double>& times, double t) {
  std::vector<double> weights(times.size(), 1.0);
  for (std::size_t j = 0; j < times.size(); ++j) {
    for (std::size_t m = 0; m < times.size(); ++m) {
      if (m != j) weights[j] *= (t - times[m]) / (times[j] - times[m]);
    }
  }
  return weights;
}

}  // namespace

DensitySeries::DensitySeries(std::vector<DensityField> fields) : fields_(std::move(fields)) {
  require(fields_.size() >= 2, class_name, "fields.size()", fields_.size(), "at least 2 fields");
  for (std::size_t j = 1; j < fields_.size(); ++j) {
    const std::string name = "fields[" + std::to_string(j) + "]";
    require(fields_[j].grid() == fields_[0].grid(), class_name, name + ".grid()", "a different grid",
            "the grid of fields[0]");
    require(fields_[j].time() > fields_[j - 1].time(), class_name, name + ".time()", fields_[j].time(),
            "above the previous field's time, " + describe_value(fields_[j - 1].time()));
  }
}

DensityField DensitySeries::at(double t, TimeInterpolation kind) const {
  constexpr const char* where = "kolmo::pde::DensitySeries::at";
  require_closed_interval(where, "t", t, first_time(), last_time());
  // The first stored time ≥ t; a stored time is returned as it is.
  const auto above = std::lower_bound(fields_.begin(), fields_.end(), t,
                                      [](const DensityField& field, double time) { return field.time() < time; });
  if (above->time() == t) return *above;
  const auto upper = static_cast<std::size_t>(above - fields_.begin());
  std::size_t first = upper - 1, count = 2;
  if (kind == TimeInterpolation::cubic) {
    require(fields_.size() >= 4, where, "fields().size()", fields_.size(), "at least 4 fields for cubic interpolation");
    count = 4;
    first = std::clamp<std::size_t>(upper, 2, fields_.size() - 2) - 2;
  }
  std::vector<double> times;
  for (std::size_t j = first; j < first + count; ++j) times.push_back(fields_[j].time());
  const std::vector<double> weights = lagrange_weights(times, t);
  Eigen::VectorXd values = Eigen::VectorXd::Zero(fields_[0].values().size());
  for (std::size_t j = 0; j < count; ++j) values += weights[j] * fields_[first + j].values();
  return DensityField::computed(grid(), std::move(values), t);
}

Eigen::ArrayXXd DensitySeries::score(const process::StateView& points, double t, TimeInterpolation kind,
                                     const ScoreOptions& options) const {
  return GridScore(at(t, kind), options).at(points);
}

}  // namespace kolmo::pde
