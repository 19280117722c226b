#include "kolmo/pde/grid_score.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "tensor_interpolation.hpp"

namespace kolmo::pde {
namespace {

/// One grid line along an axis: log p at its cells (NaN where unresolved) and where it lives.
struct Line {
  std::vector<double> log_density;
  double width;
  bool periodic;
};

/// ∂ log p / ∂x at cell i of the line, from resolved cells only (see the header comment).
std::optional<double> log_derivative(const Line& line, std::size_t i) {
  const std::size_t n = line.log_density.size();
  const auto at = [&](long j) {
    return line.log_density[static_cast<std::size_t>((j + static_cast<long>(n)) % static_cast<long>(n))];
  };
  const auto known = [](double v) { return !std::isnan(v); };
  const long c = static_cast<long>(i);
  if (line.periodic || (i > 0 && i + 1 < n)) {
    const double below = at(c - 1), above = at(c + 1);
    if (known(below) && known(above)) return (above - below) / (2 * line.width);
    return std::nullopt;
  }
  const long inward = i == 0 ? 1 : -1;  // one-sided at a non-periodic boundary cell
  const double v0 = at(c), v1 = at(c + inward), v2 = at(c + 2 * inward);
  if (known(v0) && known(v1) && known(v2)) return (-3 * v0 + 4 * v1 - v2) / (2 * static_cast<double>(inward) * line.width);
  return std::nullopt;
}

/// Fills the missing entries of `score` (one line) linearly from the computed ones; returns
/// how many it filled.
std::size_t fill_line(std::vector<std::optional<double>>& score, bool periodic) {
  const std::size_t n = score.size();
  std::vector<std::size_t> computed;
  for (std::size_t i = 0; i < n; ++i) {
    if (score[i]) computed.push_back(i);
  }
  const std::size_t missing = n - computed.size();
  if (missing == 0) return 0;
  if (computed.size() <= 1) {
    const double value = computed.empty() ? 0.0 : *score[computed.front()];
    for (auto& s : score) s = value;
    return missing;
  }
  // The line through computed entries a and b (positions possibly unwrapped past n).
  const auto along = [&](double a, double sa, double b, double sb, double i) { return sa + (i - a) * (sb - sa) / (b - a); };
  std::vector<double> filled(n);
  std::size_t next = 0;  // index into `computed` of the first computed entry above i
  for (std::size_t i = 0; i < n; ++i) {
    if (score[i]) {
      filled[i] = *score[i];
      continue;
    }
    while (next < computed.size() && computed[next] < i) ++next;
    const auto x = static_cast<double>(i);
    if (periodic) {
      // The neighbours around the circle: wrap whichever side runs out.
      const std::size_t above = next < computed.size() ? computed[next] : computed.front();
      const std::size_t below = next > 0 ? computed[next - 1] : computed.back();
      const double b = static_cast<double>(above) + (above < i ? static_cast<double>(n) : 0.0);
      const double a = static_cast<double>(below) - (below > i ? static_cast<double>(n) : 0.0);
      filled[i] = along(a, *score[below], b, *score[above], x);
    } else if (next == 0) {  // a lower tail: extrapolate from the first two computed entries
      const std::size_t a = computed[0], b = computed[1];
      filled[i] = along(static_cast<double>(a), *score[a], static_cast<double>(b), *score[b], x);
    } else if (next == computed.size()) {  // an upper tail: from the last two
      const std::size_t a = computed[next - 2], b = computed[next - 1];
      filled[i] = along(static_cast<double>(a), *score[a], static_cast<double>(b), *score[b], x);
    } else {  // a gap: between its two neighbours
      const std::size_t a = computed[next - 1], b = computed[next];
      filled[i] = along(static_cast<double>(a), *score[a], static_cast<double>(b), *score[b], x);
    }
  }
  for (std::size_t i = 0; i < n; ++i) score[i] = filled[i];
  return missing;
}

}  // namespace

GridScore::GridScore(const DensityField& density, ScoreOptions options)
    : grid_(density.grid()), time_(density.time()), interpolation_(options.interpolation) {
  require_open_interval("kolmo::pde::GridScore", "options.relative_floor", options.relative_floor, 0.0, 1.0);
  const Eigen::VectorXd& p = density.values();
  const double floor = options.relative_floor * p.maxCoeff();
  const Eigen::ArrayXd log_density = p.array().unaryExpr([floor](double v) {
    return v >= floor && v > 0.0 ? std::log(v) : std::numeric_limits<double>::quiet_NaN();
  });
  const std::size_t d = grid_.dimension();
  on_grid_.resize(static_cast<Eigen::Index>(grid_.cells()), static_cast<Eigen::Index>(d));
  for (std::size_t k = 0; k < d; ++k) {
    const std::size_t n = grid_.axis(k).cells, stride = grid_.stride(k);
    Line line{std::vector<double>(n), grid_.width(k), grid_.axis(k).boundary == Boundary::periodic};
    std::vector<std::optional<double>> score(n);
    for (std::size_t start = 0; start < grid_.cells(); ++start) {
      if (grid_.coordinate(start, k) != 0) continue;
      for (std::size_t i = 0; i < n; ++i) line.log_density[i] = log_density[static_cast<Eigen::Index>(start + i * stride)];
      for (std::size_t i = 0; i < n; ++i) score[i] = log_derivative(line, i);
      filled_components_ += fill_line(score, line.periodic);
      for (std::size_t i = 0; i < n; ++i) {
        on_grid_(static_cast<Eigen::Index>(start + i * stride), static_cast<Eigen::Index>(k)) = *score[i];
      }
    }
  }
}

Eigen::ArrayXXd GridScore::at(const process::StateView& points) const {
  detail::AxisExtensions extension{};
  extension.fill(detail::Extension::linear);
  return detail::interpolate_columns(grid_, on_grid_, points, interpolation_, extension, false,
                                     "kolmo::pde::GridScore::at");
}

}  // namespace kolmo::pde
