#pragma once
// The score ∇log p of a grid density: what a reverse-time sampler needs from a process with no
// closed-form marginal (the "grid oracle", pde/density_series.hpp).
//
// On the grid, component k at a cell is the centred difference of log p along axis k,
//   s_k(x_i) = (log p_{i+1} − log p_{i−1}) / (2 h_k),
// second order, and exact where log p is quadratic (a Gaussian sampled at the centres); next to
// a non-periodic boundary the one-sided second-order difference (−3 log p_i + 4 log p_{i±1} −
// log p_{i±2}) / (±2 h_k) replaces it.
//
// Guard. log p is unreliable where p is tiny (round-off in p, the grid's relative error, an
// absorbed tail), and undefined where p ≤ 0. A cell is *resolved* when p ≥ relative_floor ·
// max p; a score component is computed only from resolved cells. Along each grid line, the
// components that cannot be (a tail, or a gap between separated modes) are filled linearly
// from the nearest computed ones: interpolated across gaps, extrapolated into tails — exact for
// Gaussian tails, where the score is linear. A line with one computed value copies it; a line
// with none is set to 0. How many components were filled is reported.
//
// Between centres the score is interpolated like a density (pde/interpolation.hpp), except that
// beyond the outermost centres of a non-periodic axis — inside the domain or outside it — it
// continues along the line through the two outermost centres, so samplers that step outside
// the grid still see a restoring score.

#include <Eigen/Core>
#include <cstddef>

#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/interpolation.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde {

struct ScoreOptions {
  double relative_floor = 1e-12;  ///< cells with p < relative_floor · max p are not trusted
  Interpolation interpolation = Interpolation::cubic_convolution;
};

class GridScore {
 public:
  /// Throws kolmo::Error when relative_floor is not in (0, 1).
  explicit GridScore(const DensityField& density, ScoreOptions options = {});

  [[nodiscard]] const Grid& grid() const { return grid_; }
  [[nodiscard]] double time() const { return time_; }
  /// ∇log p at every cell centre: cells × d.
  [[nodiscard]] const Eigen::ArrayXXd& on_grid() const { return on_grid_; }
  /// Score components filled from neighbours because their cells were not resolved.
  [[nodiscard]] std::size_t filled_components() const { return filled_components_; }
  /// ∇log p at each point (points × d in, points × d out). Throws kolmo::Error on a wrong
  /// number of columns or a non-finite coordinate.
  [[nodiscard]] Eigen::ArrayXXd at(const process::StateView& points) const;

 private:
  Grid grid_;
  double time_;
  Interpolation interpolation_;
  Eigen::ArrayXXd on_grid_;
  std::size_t filled_components_ = 0;
};

}  // namespace kolmo::pde
