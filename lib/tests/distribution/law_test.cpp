#include "kolmo/distribution/law.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "kolmo/ensemble/initial_law.hpp"
#include "kolmo/stats/ks_test.hpp"
#include "support/expect_error.hpp"

namespace kolmo::distribution {
namespace {

constexpr std::uint64_t seed = 808;

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

TEST(Law, GaussianCellAveragesAreTheCdfDifferences) {
  // 3-point Gauss–Legendre per cell: O(h⁶) — at h = 0.1 and σ = 0.7 well below 1e-9 of the peak.
  const Law law = Law::gaussian(Eigen::VectorXd::Constant(1, 0.3), Eigen::MatrixXd::Constant(1, 1, 0.49));
  const pde::Grid grid({{-4.0, 4.0, 80}});
  const pde::DensityField field = law.on(grid, 0.25);
  EXPECT_EQ(field.time(), 0.25);
  double worst = 0.0;
  for (std::size_t i = 0; i < grid.cells(); ++i) {
    const double a = -4.0 + 0.1 * static_cast<double>(i), b = a + 0.1;
    const double exact = (normal_cdf((b - 0.3) / 0.7) - normal_cdf((a - 0.3) / 0.7)) / 0.1;
    worst = std::max(worst, std::abs(field.values()[static_cast<Eigen::Index>(i)] * field.mass_before_normalisation() - exact));
  }
  EXPECT_LT(worst, 1e-9);
  // The truncated tails are what the grid misses: P(|X − 0.3| > 3.7 or 4.3 σ-scaled …).
  const double missed = normal_cdf((-4.0 - 0.3) / 0.7) + 1.0 - normal_cdf((4.0 - 0.3) / 0.7);
  EXPECT_NEAR(field.mass_before_normalisation(), 1.0 - missed, 1e-10);
  EXPECT_NEAR(field.mass(), 1.0, 1e-14);
}

TEST(Law, InitialLawDrawsAreTheLawsDraws) {
  const Law law = Law::gaussian(Eigen::Vector2d(1.0, -1.0), (Eigen::Matrix2d() << 1.0, 0.3, 0.3, 0.5).finished());
  const ensemble::InitialLaw initial = ensemble::InitialLaw::from(law);
  EXPECT_TRUE((initial.sample(seed, 10, 50) == law.sample(seed, 10, 50)).all());
  EXPECT_TRUE((law.sample(seed, 10, 50).bottomRows(25) == law.sample(seed, 35, 25)).all());  // addressed by path
}

TEST(Law, AGridLawDrawsItsPiecewiseConstantDensityExactly) {
  // A skewed field on a coarse grid: KS of exact draws against the field's piecewise-linear CDF
  // (α = 1e-6, fixed seed; the critical D is √(ln(2/α)/(2n)) ≈ 0.019 at n = 20000). Drawing each
  // cell's centre instead of a uniform point inside it gives D ≈ half the largest cell mass, 0.13.
  const pde::Grid grid({{0.0, 2.0, 10}});
  Eigen::VectorXd p(10);
  p << 0.1, 0.5, 1.0, 0.8, 0.6, 0.4, 0.2, 0.1, 0.05, 0.0;
  const Law law = Law::grid(pde::DensityField(grid, p));
  const Eigen::ArrayXXd x = law.sample(seed, 0, 20000);
  std::vector<double> v(x.data(), x.data() + x.rows());
  const auto ks = stats::ks_one_sample(v, [&](double y) { return law.cdf(Eigen::ArrayXd::Constant(1, y))(0); });
  EXPECT_GT(ks.p_value, 1e-6) << ks.statistic;
  EXPECT_TRUE((x >= 0.0).all() && (x < 1.8).all());  // the last cell has no mass
  // density(): the cell's value over the mass.
  const double mass = p.sum() * 0.2;
  EXPECT_DOUBLE_EQ(law.density((Eigen::ArrayXXd(2, 1) << 0.45, 3.0).finished())(0), 1.0 / mass);
  EXPECT_EQ(law.density((Eigen::ArrayXXd(1, 1) << 3.0).finished())(0), 0.0);
}

TEST(Law, AGridLawRemapsOntoAnotherGridConservingMass) {
  const pde::Grid fine({{-1.0, 1.0, 8}, {0.0, 1.0, 6}});
  Eigen::VectorXd p = Eigen::VectorXd::LinSpaced(48, 1.0, 4.0);
  const Law law = Law::grid(pde::DensityField::normalised(fine, p));
  EXPECT_TRUE(law.on(fine).values().isApprox(p / (p.sum() * fine.cell_measure()), 1e-15));
  // Onto a grid of 2 × 2 blocks: each coarse cell is the average of its four fine cells.
  const pde::Grid coarse({{-1.0, 1.0, 4}, {0.0, 1.0, 3}});
  const pde::DensityField remapped = law.on(coarse);
  EXPECT_NEAR(remapped.mass_before_normalisation(), 1.0, 1e-14);
  const Eigen::VectorXd q = p / (p.sum() * fine.cell_measure());
  const double block = 0.25 * (q[0] + q[1] + q[8] + q[9]);
  EXPECT_NEAR(remapped.values()[0], block, 1e-14);
  // Onto a shifted, wider grid: the mass outside the field's domain is zero, inside it kept.
  const pde::DensityField wide = law.on(pde::Grid({{-1.5, 1.5, 7}, {-0.5, 1.5, 5}}));
  EXPECT_NEAR(wide.mass_before_normalisation(), 1.0, 1e-13);
}

TEST(Law, PointMassesAndCustomLaws) {
  const Law point = Law::point(Eigen::Vector2d(0.3, -0.2));
  EXPECT_FALSE(point.has_density());
  const pde::DensityField delta = point.on(pde::Grid({{-1.0, 1.0, 4}, {-1.0, 1.0, 4}}));
  EXPECT_NEAR(delta.mass(), 1.0, 1e-15);
  EXPECT_EQ(delta.values()[2 + 4 * 1], 4.0);  // cell (2, 1) of width 0.5 × 0.5
  KOLMO_EXPECT_THROW_NAMING((void)point.on(pde::Grid({{-1.0, 0.0, 4}, {-1.0, 1.0, 4}})), "x0[0]");
  KOLMO_EXPECT_THROW_NAMING((void)point.density(Eigen::ArrayXXd::Zero(1, 2)), "law");

  const Law custom = Law::custom("uniform", 1, [](std::uint64_t, std::uint64_t, std::size_t n) -> Eigen::ArrayXXd {
    return Eigen::ArrayXXd::Constant(static_cast<Eigen::Index>(n), 1, 0.5);
  });
  KOLMO_EXPECT_THROW_NAMING((void)custom.on(pde::Grid({{0.0, 1.0, 4}})), "law");
  KOLMO_EXPECT_THROW_NAMING((void)custom.cdf(Eigen::ArrayXd::Zero(1)), "law");
  const Law broken = Law::custom("broken", 2, [](std::uint64_t, std::uint64_t, std::size_t n) -> Eigen::ArrayXXd {
    return Eigen::ArrayXXd::Zero(static_cast<Eigen::Index>(n), 3);
  });
  KOLMO_EXPECT_THROW_NAMING((void)broken.sample(1, 0, 4), "sampler result");
  KOLMO_EXPECT_THROW_NAMING(Law::gaussian(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(3, 3)), "covariance");
  KOLMO_EXPECT_THROW_NAMING(Law::gaussian(Eigen::VectorXd::Zero(1), -Eigen::MatrixXd::Identity(1, 1)),
                            "smallest covariance eigenvalue");
  // A covariance singular up to round-off (eigenvalue −1e-15) is accepted, as InitialLaw::gaussian
  // always did, and its draws are finite.
  const Eigen::Matrix2d almost = (Eigen::Matrix2d() << 1.0, 1.0 + 1e-15, 1.0 + 1e-15, 1.0).finished();
  EXPECT_TRUE(Law::gaussian(Eigen::Vector2d::Zero(), almost).sample(1, 0, 8).allFinite());
  KOLMO_EXPECT_THROW_NAMING((void)Law::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1))
                                .on(pde::Grid({{0.0, 1.0, 4}, {0.0, 1.0, 4}})),
                            "grid.dimension()");
}

}  // namespace
}  // namespace kolmo::distribution
