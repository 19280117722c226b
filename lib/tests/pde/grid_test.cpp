#include "kolmo/pde/grid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <utility>

#include "support/expect_error.hpp"

namespace kolmo::pde {
namespace {

TEST(Grid, NumbersCellsWithAxisZeroFastest) {
  const Grid grid({{0.0, 1.0, 4}, {-1.0, 1.0, 5}, {0.0, 3.0, 3}});
  EXPECT_EQ(grid.cells(), 60u);
  EXPECT_EQ(grid.stride(1), 4u);
  EXPECT_EQ(grid.stride(2), 20u);
  EXPECT_DOUBLE_EQ(grid.width(1), 0.4);
  EXPECT_DOUBLE_EQ(grid.cell_measure(), 0.25 * 0.4 * 1.0);
  const std::size_t cell = 3 + 4 * (2 + 5 * 1);
  EXPECT_EQ(grid.coordinate(cell, 0), 3u);
  EXPECT_EQ(grid.coordinate(cell, 1), 2u);
  EXPECT_EQ(grid.coordinate(cell, 2), 1u);
  const Eigen::ArrayXXd x = grid.centers();
  EXPECT_DOUBLE_EQ(x(static_cast<Eigen::Index>(cell), 0), 0.875);
  EXPECT_DOUBLE_EQ(x(static_cast<Eigen::Index>(cell), 1), 0.0);
  EXPECT_DOUBLE_EQ(x(static_cast<Eigen::Index>(cell), 2), 1.5);
  EXPECT_DOUBLE_EQ(grid.upper_faces(1)(static_cast<Eigen::Index>(cell), 1), 0.2);
}

TEST(Grid, ChunksOfCentersAreRowsOfTheWholeBatch) {
  const Grid grid({{0.0, 1.0, 4}, {-1.0, 1.0, 5}, {0.0, 3.0, 3}});
  const Eigen::ArrayXXd x = grid.centers();
  for (std::size_t cell = 0; cell < grid.cells(); ++cell) {
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(x(static_cast<Eigen::Index>(cell), static_cast<Eigen::Index>(k)), grid.center(k, grid.coordinate(cell, k)));
    }
  }
  for (const auto& [first, count] : {std::pair<Eigen::Index, Eigen::Index>{0, 60}, {7, 13}, {19, 41}, {59, 1}}) {
    EXPECT_TRUE((grid.centers(static_cast<std::size_t>(first), static_cast<std::size_t>(count)) == x.middleRows(first, count)).all());
  }
}

TEST(Grid, LocatesTheCellOfAPoint) {
  const Grid grid({{0.0, 1.0, 4}, {-1.0, 1.0, 5}});
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(5, 2) << 0.3, -0.9, 1.0, 1.0, 0.0, -1.0, 1.5, 0.0, NAN, 0.0).finished();
  EXPECT_EQ(grid.cell_of(x, 0), std::optional<std::size_t>(1));             // (1, 0)
  EXPECT_EQ(grid.cell_of(x, 1), std::optional<std::size_t>(3 + 4 * 4));     // upper bounds: the last cells
  EXPECT_EQ(grid.cell_of(x, 2), std::optional<std::size_t>(0));             // lower bounds: the first
  EXPECT_FALSE(grid.cell_of(x, 3).has_value());                              // outside
  EXPECT_FALSE(grid.cell_of(x, 4).has_value());                              // not a number
}

TEST(Grid, RejectsBadAxes) {
  KOLMO_EXPECT_THROW_NAMING(Grid({}), "axes.size()");
  KOLMO_EXPECT_THROW_NAMING(Grid({{0, 1, 4}, {0, 1, 4}, {0, 1, 4}, {0, 1, 4}}), "axes.size()");
  KOLMO_EXPECT_THROW_NAMING(Grid({{0, 1, 4}, {1, 1, 4}}), "axes[1].upper");
  KOLMO_EXPECT_THROW_NAMING(Grid({{0, 1, 2}}), "axes[0].cells");
  // 2^22 cells per axis in 3-D is 2^66 cells: the product used to wrap to cells() == 0.
  constexpr std::size_t huge = std::size_t{1} << 22;
  KOLMO_EXPECT_THROW_NAMING(Grid({{0, 1, huge}, {0, 1, huge}, {0, 1, huge}}), "cells of axes[0..2]");
}

}  // namespace
}  // namespace kolmo::pde
