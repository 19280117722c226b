#include "kolmo/pde/grid_score.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_error.hpp"

namespace kolmo::pde {
namespace {

// A correlated 2-D Gaussian: log p is quadratic, so every difference the grid score takes is
// exact and so is the linear fill of its tails; the score is −P (x − μ), P the precision.
const Eigen::Vector2d mu(0.4, -0.3);
const Eigen::Matrix2d precision = (Eigen::Matrix2d() << 4.0, 1.5, 1.5, 2.5).finished();

DensityFunction correlated_gaussian() {
  return [](const process::StateView& x) -> Eigen::ArrayXd {
    const Eigen::MatrixXd centred = x.matrix().rowwise() - mu.transpose();
    return (-0.5 * (centred * precision).cwiseProduct(centred).rowwise().sum().array()).exp();
  };
}

Eigen::ArrayXXd exact_score(const Eigen::ArrayXXd& x) {
  return -((x.matrix().rowwise() - mu.transpose()) * precision).array();  // P is symmetric
}

TEST(GridScore, IsExactForASampledGaussianIncludingItsFilledTails) {
  const Grid grid({{-3.0, 3.0, 60}, {-3.5, 3.0, 52}});
  const DensityField p = DensityField::at_cell_centers(grid, correlated_gaussian());
  const GridScore score(p);
  // The corners of this grid lie ~30 nats below the peak, under the 1e-12 floor: filled.
  EXPECT_GT(score.filled_components(), 100u);
  const Eigen::ArrayXXd exact = exact_score(grid.centers());
  EXPECT_LT((score.on_grid() - exact).abs().maxCoeff(), 1e-9 * exact.abs().maxCoeff());
}

TEST(GridScore, InterpolatesLinearScoresExactlyInsideAndOutsideTheGrid) {
  const Grid grid({{-3.0, 3.0, 60}, {-3.5, 3.0, 52}});
  const DensityField p = DensityField::at_cell_centers(grid, correlated_gaussian());
  Eigen::ArrayXXd x(5, 2);
  x << 0.013, -0.71, 2.96, 2.99, -3.0, -3.5, 5.0, -9.0, -40.0, 0.2;  // near corners and far outside
  for (Interpolation kind : {Interpolation::multilinear, Interpolation::cubic_convolution}) {
    const Eigen::ArrayXXd at = GridScore(p, {.interpolation = kind}).at(x);
    const Eigen::ArrayXXd exact = exact_score(x);
    EXPECT_LT((at - exact).abs().maxCoeff(), 1e-9 * exact.abs().maxCoeff()) << to_string(kind);
  }
}

TEST(GridScore, FillsTheGapBetweenSeparatedModesLinearly) {
  // Two narrow bumps at ±2 (variance 0.02): half-way between them p is e^{−100} of the peaks,
  // far below the floor, so the gap is bridged by the line between its edges.
  const Grid grid({{-3.0, 3.0, 300}});
  const auto bumps = [](const process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.col(0) - 2.0).square() / 0.04).exp() + (-(x.col(0) + 2.0).square() / 0.04).exp();
  };
  const DensityField p = DensityField::at_cell_centers(grid, bumps);
  const GridScore score(p);
  const Eigen::ArrayXd s = score.on_grid().col(0);
  ASSERT_TRUE(s.allFinite());
  const Eigen::ArrayXd resolved = (p.values().array() >= 1e-12 * p.values().maxCoeff()).cast<double>();
  EXPECT_GT(score.filled_components(), 50u);
  // Where both neighbours are resolved the other bump is below e^{−190} of the near one, so log p
  // is the near bump's quadratic and the centred difference gives −(x ∓ 2)/0.02 to round-off; in
  // the gap the fill is affine between the gap's last computed values: second differences vanish.
  const Eigen::ArrayXd x = grid.centers().col(0);
  for (Eigen::Index i = 1; i + 1 < s.size(); ++i) {
    const bool computed = resolved[i - 1] > 0 && resolved[i + 1] > 0;
    const bool interior_of_gap = resolved[i - 1] + resolved[i] + resolved[i + 1] == 0.0;
    if (computed) {
      const double nearest = x[i] > 0 ? 2.0 : -2.0;
      EXPECT_NEAR(s[i], -(x[i] - nearest) / 0.02, 1e-9 * (1.0 + std::abs(s[i]))) << "x = " << x[i];
    } else if (interior_of_gap && std::abs(x[i]) < 1.0) {
      EXPECT_NEAR(s[i - 1] - 2 * s[i] + s[i + 1], 0.0, 1e-9 * std::abs(s[i]) + 1e-9) << "x = " << x[i];
    }
  }
}

TEST(GridScore, NonPositiveCellsAreUnresolvedNotNaN) {
  Eigen::VectorXd values(8);
  values << 0.0, 1.0, 2.0, -1e-3, 4.0, 2.0, 1.0, 0.0;
  const GridScore score(DensityField::computed(Grid({{0.0, 8.0, 8}}), values, 0.0));
  EXPECT_TRUE(score.on_grid().allFinite());
  EXPECT_GT(score.filled_components(), 0u);
}

TEST(GridScore, RejectsAFloorOutsideTheUnitInterval) {
  const DensityField p(Grid({{0.0, 1.0, 4}}), Eigen::VectorXd::Ones(4));
  KOLMO_EXPECT_THROW_NAMING(GridScore(p, {.relative_floor = 0.0}), "options.relative_floor");
  KOLMO_EXPECT_THROW_NAMING(GridScore(p, {.relative_floor = 1.5}), "options.relative_floor");
}

}  // namespace
}  // namespace kolmo::pde
