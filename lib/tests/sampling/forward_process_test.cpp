#include "kolmo/sampling/forward_process.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "support/expect_error.hpp"

namespace kolmo::sampling {
namespace {

const Eigen::ArrayXXd points = (Eigen::ArrayXXd(3, 2) << 0.3, -1.2, 1.5, 0.4, -0.7, 2.0).finished();
const process::BatchCoefficient no_drift = [](double, const process::StateView& x) -> Eigen::ArrayXXd {
  return Eigen::ArrayXXd::Zero(x.rows(), x.cols());
};

TEST(ForwardProcess, DiagonalNoiseNeedsItsDivergence) {
  const process::Sde diagonal = process::Sde::diagonal("diag", 2, no_drift, [](double, const process::StateView& x) {
    return Eigen::ArrayXXd(1.0 + 0.5 * x.sin());
  });
  KOLMO_EXPECT_THROW_NAMING(ForwardProcess{diagonal}, "sde.noise()");
  KOLMO_EXPECT_THROW_NAMING(ForwardProcess(diagonal, process::BatchCoefficient{}), "diffusion_divergence");
  const ForwardProcess with([&diagonal] { return diagonal; }(), [](double, const process::StateView& x) {
    return Eigen::ArrayXXd(x.rows(), 1);  // wrong shape: must be paths × d
  });
  KOLMO_EXPECT_THROW_NAMING((void)with.diffusion_divergence(0.5, points), "diffusion_divergence(t, x).shape");
}

TEST(ForwardProcess, AdditiveNoiseHasNoDivergenceAndMultipliesByGGTransposed) {
  const Eigen::Matrix2d g = (Eigen::Matrix2d() << 1.0, 0.5, -0.3, 2.0).finished();
  const ForwardProcess forward(process::Sde::additive("additive", 2, 2, no_drift, [g](double t) -> Eigen::MatrixXd {
    return (1.0 + t) * g;
  }));
  EXPECT_TRUE((forward.diffusion_divergence(0.5, points) == 0.0).all());
  const Eigen::ArrayXXd v = points.square() - 1.0;
  const Eigen::Matrix2d ggt = 2.25 * g * g.transpose();
  const Eigen::ArrayXXd product = forward.diffusion_times_transpose_times(0.5, points, v);
  for (Eigen::Index p = 0; p < points.rows(); ++p) {
    const Eigen::Vector2d expected = ggt * v.row(p).transpose().matrix();
    EXPECT_LT((product.row(p).transpose().matrix() - expected).norm(), 1e-14 * expected.norm()) << p;
  }
}

TEST(ForwardProcess, GeneralNoiseMultipliesByGGTransposedPathByPath) {
  // g(x) = [[1, x_1, 0], [sin x_0, 1, x_0]] (d = 2, m = 3), flattened column-major per path.
  const auto g_of = [](const Eigen::RowVectorXd& x) {
    Eigen::MatrixXd g(2, 3);
    g << 1.0, x(1), 0.0, std::sin(x(0)), 1.0, x(0);
    return g;
  };
  const process::Sde general = process::Sde::general("general", 2, 3, no_drift,
                                                     [g_of](double, const process::StateView& x) -> Eigen::ArrayXXd {
                                                       Eigen::ArrayXXd out(x.rows(), 6);
                                                       for (Eigen::Index p = 0; p < x.rows(); ++p) {
                                                         const Eigen::MatrixXd g = g_of(x.row(p).matrix());
                                                         for (int k = 0; k < 6; ++k) out(p, k) = g(k % 2, k / 2);
                                                       }
                                                       return out;
                                                     });
  const ForwardProcess forward(general, [](double, const process::StateView& x) { return Eigen::ArrayXXd(x); });
  const Eigen::ArrayXXd v = points.cos();
  const Eigen::ArrayXXd product = forward.diffusion_times_transpose_times(0.0, points, v);
  for (Eigen::Index p = 0; p < points.rows(); ++p) {
    const Eigen::MatrixXd g = g_of(points.row(p).matrix());
    const Eigen::Vector2d expected = g * g.transpose() * v.row(p).transpose().matrix();
    EXPECT_LT((product.row(p).transpose().matrix() - expected).norm(), 1e-14 * expected.norm()) << p;
  }
  KOLMO_EXPECT_THROW_NAMING((void)forward.diffusion_times_transpose_times(0.0, points, v.leftCols(1)), "v.shape");
}

}  // namespace
}  // namespace kolmo::sampling
