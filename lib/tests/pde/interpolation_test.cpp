#include "kolmo/pde/interpolation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "support/expect_error.hpp"

namespace kolmo::pde {
namespace {

/// Grid values of f at the cell centres, unnormalised (interpolation must return f itself).
DensityField sampled(const Grid& grid, const DensityFunction& f) {
  const Eigen::ArrayXXd x = grid.centers();
  return DensityField::computed(grid, f(x).matrix(), 0.0);
}

Eigen::ArrayXXd points_2d(std::initializer_list<std::pair<double, double>> list) {
  Eigen::ArrayXXd x(static_cast<Eigen::Index>(list.size()), 2);
  Eigen::Index r = 0;
  for (const auto& [a, b] : list) {
    x(r, 0) = a;
    x(r++, 1) = b;
  }
  return x;
}

TEST(Interpolation, MultilinearIsExactForBilinearFunctions) {
  const Grid grid({{0.0, 2.0, 8}, {-1.0, 1.0, 5}});  // centres 0.125 … 1.875 and −0.8 … 0.8
  const DensityFunction f = [](const process::StateView& x) -> Eigen::ArrayXd {
    return 3.0 + x.col(0) - 0.5 * x.col(1) + 0.25 * x.col(0) * x.col(1);
  };
  const Eigen::ArrayXXd x = points_2d({{0.2, -0.7}, {1.0, 0.0}, {1.8, 0.79}, {0.125, -0.8}, {0.9, 0.31}});
  const Eigen::ArrayXd value = interpolate(sampled(grid, f), x);
  EXPECT_LT((value - f(x)).abs().maxCoeff(), 1e-14);
}

TEST(Interpolation, CubicConvolutionIsExactForQuadraticsAwayFromTheBoundary) {
  // Keys' kernel reproduces polynomials up to degree 2 (Keys 1981, §III); the stencil needs
  // one real centre beyond the bracketing pair, so stay a cell and a half from the faces.
  const Grid grid({{-1.0, 1.0, 10}, {0.0, 3.0, 12}});
  const DensityFunction f = [](const process::StateView& x) -> Eigen::ArrayXd {
    return 1.0 + x.col(0).square() - x.col(0) * x.col(1) + 0.3 * x.col(1).square();
  };
  const Eigen::ArrayXXd x = points_2d({{-0.65, 0.45}, {0.0, 1.5}, {0.61, 2.5}, {0.33, 0.77}});
  EXPECT_LT((interpolate(sampled(grid, f), x, Interpolation::cubic_convolution) - f(x)).abs().maxCoeff(), 1e-13);
}

TEST(Interpolation, ConvergesAtSecondAndThirdOrder) {
  // A smooth bump in 1-D at 40 scattered points: halving h divides the error by ≈ 2^order.
  const DensityFunction f = [](const process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.col(0) - 0.3).square() / 0.18).exp();
  };
  Eigen::ArrayXXd x(40, 1);
  for (Eigen::Index i = 0; i < 40; ++i) x(i, 0) = -1.5 + 3.0 * std::fmod(0.6180339887 * static_cast<double>(i + 1), 1.0);
  for (const auto& [kind, order] : {std::pair{Interpolation::multilinear, 2.0}, {Interpolation::cubic_convolution, 3.0}}) {
    const auto error = [&](std::size_t cells) {
      return (interpolate(sampled(Grid({{-2.0, 2.0, cells}}), f), x, kind) - f(x)).abs().maxCoeff();
    };
    // The worst point's error constant wobbles with where it falls between centres (by up to a
    // factor 1.5 per halving here): measure the slope over five halvings, which divides that
    // wobble by 5.
    const double observed = std::log2(error(40) / error(1280)) / 5.0;
    EXPECT_NEAR(observed, order, 0.2) << to_string(kind);
  }
}

TEST(Interpolation, BoundariesFixTheGhostsAndOutsideIsZero) {
  const Eigen::Vector4d values(2.0, 1.0, 3.0, 5.0);
  Eigen::ArrayXXd x(4, 1);
  x << 0.0, 0.1, 4.0, 4.5;  // lower face, between face and first centre, upper face, outside
  for (Interpolation kind : {Interpolation::multilinear, Interpolation::cubic_convolution}) {
    const Eigen::ArrayXd reflecting = interpolate(DensityField(Grid({{0.0, 4.0, 4}}), values), x, kind);
    // On the face the even ghosts give p_0 (multilinear) and (9 p_0 − p_1)/8 (Keys' weights
    // 9/16, −1/16 at distances ½, 3/2 from the face, each counted twice).
    EXPECT_DOUBLE_EQ(reflecting[0], kind == Interpolation::multilinear ? 2.0 : 2.125);
    EXPECT_EQ(reflecting[3], 0.0);
    const Eigen::ArrayXd absorbing =
        interpolate(DensityField(Grid({{0.0, 4.0, 4, Boundary::absorbing}}), values), x, kind);
    EXPECT_NEAR(absorbing[0], 0.0, 1e-15) << to_string(kind);
    EXPECT_NEAR(absorbing[2], 0.0, 1e-15) << to_string(kind);
    EXPECT_EQ(absorbing[3], 0.0);
  }
  // Zero flux, multilinear: flat between the face and the first centre.
  EXPECT_DOUBLE_EQ(interpolate(DensityField(Grid({{0.0, 4.0, 4}}), values), x)[1], 2.0);
  // Periodic: the seam between the last and first centres is interpolated across, and x + L = x.
  const DensityField ring(Grid({{0.0, 4.0, 4, Boundary::periodic}}), values);
  Eigen::ArrayXXd seam(3, 1);
  seam << 0.0, 4.0, -8.0;
  const Eigen::ArrayXd around = interpolate(ring, seam);
  EXPECT_DOUBLE_EQ(around[0], 3.5);  // halfway between p_3 = 5 and p_0 = 2
  EXPECT_DOUBLE_EQ(around[1], 3.5);
  EXPECT_DOUBLE_EQ(around[2], 3.5);
}

TEST(Interpolation, ReproducesTheCentreValues) {
  const Grid grid({{0.0, 1.0, 5}, {0.0, 1.0, 4}, {0.0, 2.0, 3}});
  Eigen::VectorXd values(60);
  for (Eigen::Index i = 0; i < 60; ++i) values[i] = 1.0 + std::sin(static_cast<double>(i));
  const DensityField p(grid, values);
  for (Interpolation kind : {Interpolation::multilinear, Interpolation::cubic_convolution}) {
    EXPECT_LT((interpolate(p, grid.centers(), kind) - values.array()).abs().maxCoeff(), 1e-14) << to_string(kind);
  }
}

TEST(Interpolation, RejectsMalformedPoints) {
  const DensityField p(Grid({{0.0, 1.0, 4}, {0.0, 1.0, 4}}), Eigen::VectorXd::Ones(16));
  KOLMO_EXPECT_THROW_NAMING((void)interpolate(p, Eigen::ArrayXXd::Zero(3, 1)), "points.cols()");
  Eigen::ArrayXXd x = Eigen::ArrayXXd::Zero(3, 2);
  x(2, 1) = std::numeric_limits<double>::infinity();
  KOLMO_EXPECT_THROW_NAMING((void)interpolate(p, x), "points(2, 1)");
}

}  // namespace
}  // namespace kolmo::pde
