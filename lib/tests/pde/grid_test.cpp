#include "kolmo/pde/grid.hpp"

#include <gtest/gtest.h>

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

TEST(Grid, RejectsBadAxes) {
  KOLMO_EXPECT_THROW_NAMING(Grid({}), "axes.size()");
  KOLMO_EXPECT_THROW_NAMING(Grid({{0, 1, 4}, {0, 1, 4}, {0, 1, 4}, {0, 1, 4}}), "axes.size()");
  KOLMO_EXPECT_THROW_NAMING(Grid({{0, 1, 4}, {1, 1, 4}}), "axes[1].upper");
  KOLMO_EXPECT_THROW_NAMING(Grid({{0, 1, 2}}), "axes[0].cells");
}

}  // namespace
}  // namespace kolmo::pde
