#include "kolmo/stats/grid_divergence.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::stats {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

TEST(GridDivergence, HandComputedTwoCellDensities) {
  // Cell measure 1/2: p = {0.5, 1.5} and q = {1, 1} both integrate to 1.
  const std::vector<double> p{0.5, 1.5}, q{1.0, 1.0};
  const double mu = 0.5;
  EXPECT_DOUBLE_EQ(l1_distance(p, q, mu), 0.5);
  EXPECT_DOUBLE_EQ(total_variation(p, q, mu), 0.25);
  EXPECT_NEAR(kl_divergence(p, q, mu), mu * (0.5 * std::log(0.5) + 1.5 * std::log(1.5)), 1e-16);
  const double a = std::sqrt(0.5) - 1.0, b = std::sqrt(1.5) - 1.0;
  EXPECT_NEAR(hellinger_distance(p, q, mu), std::sqrt(0.5 * mu * (a * a + b * b)), 1e-16);
  EXPECT_DOUBLE_EQ(grid_mass(p, mu), 1.0);
  // Identical densities: every distance is 0.
  EXPECT_EQ(total_variation(p, p, mu), 0.0);
  EXPECT_EQ(kl_divergence(p, p, mu), 0.0);
  EXPECT_EQ(hellinger_distance(p, p, mu), 0.0);
}

TEST(GridDivergence, ZeroCellsFollowTheConventions) {
  const double mu = 0.5;
  // 0 log 0 = 0: p = {0, 2} against q = {1, 1} gives KL = 0.5 * 2 log 2 = log 2.
  EXPECT_NEAR(kl_divergence(std::vector<double>{0, 2}, std::vector<double>{1, 1}, mu),
              std::log(2.0), 1e-16);
  // q = 0 < p somewhere: +inf.
  EXPECT_EQ(kl_divergence(std::vector<double>{1, 1}, std::vector<double>{0, 2}, mu), inf);
  // Disjoint supports: TV = 1 and H = 1, the maxima.
  const std::vector<double> left{2, 0}, right{0, 2};
  EXPECT_DOUBLE_EQ(total_variation(left, right, mu), 1.0);
  EXPECT_DOUBLE_EQ(hellinger_distance(left, right, mu), 1.0);
  EXPECT_EQ(kl_divergence(left, right, mu), inf);
}

// N(mean, 1) density.
double gaussian(double x, double mean) {
  return std::exp(-0.5 * (x - mean) * (x - mean)) / std::sqrt(2.0 * std::numbers::pi);
}

TEST(GridDivergence, GaussiansOnAFineGridMatchTheClosedForms) {
  // p = N(0, 1), q = N(1, 1) at the centres of h = 1e-3 cells on [a, b] = [-12, 13].
  // The mass outside is < 1e-32 (Gaussian tails beyond 11 sigma), so the error is the midpoint
  // rule's: (b - a) h^2 / 24 max|f''| for a smooth integrand f, plus h^2 max|f'| for a cell
  // holding a kink. With M_k = max |x|^k phi(x) = (k/e)^{k/2} / sqrt(2 pi):
  //   phi'' = (x^2 - 1) phi, so max|phi''| = M_0 = 1/sqrt(2 pi); max|phi'| = M_1.
  const double a = -12.0, b = 13.0, h = 1e-3;
  const auto cells = static_cast<std::size_t>(std::lround((b - a) / h));
  std::vector<double> p(cells), q(cells);
  for (std::size_t i = 0; i < cells; ++i) {
    const double x = a + (static_cast<double>(i) + 0.5) * h;
    p[i] = gaussian(x, 0.0);
    q[i] = gaussian(x, 1.0);
  }
  const double root_two_pi = std::sqrt(2.0 * std::numbers::pi);
  auto m_k = [&](double k) {
    return (k == 0 ? 1.0 : std::pow(k / std::numbers::e, k / 2)) / root_two_pi;
  };
  const double smooth = (b - a) * h * h / 24.0;

  // Normalisation: f = phi, max|f''| = M_0.
  EXPECT_NEAR(grid_mass(p, h), 1.0, smooth * m_k(0));

  // TV = 2 Phi(1/2) - 1 = erf(1 / (2 sqrt 2)). f = |p - q|: max|f''| <= 2 M_0 off the kink at
  // x = 1/2, max|f'| <= 2 M_1 at it.
  const double tv = std::erf(0.5 / std::sqrt(2.0));
  const double tv_tolerance = 0.5 * (smooth * 2 * m_k(0) + h * h * 2 * m_k(1));
  EXPECT_NEAR(total_variation(p, q, h), tv, tv_tolerance);
  EXPECT_NEAR(l1_distance(p, q, h), 2 * tv, 2 * tv_tolerance);

  // KL(N(0,1) || N(1,1)) = 1/2. f = phi (1/2 - x), f'' = phi (-x^3 + x^2/2 + 3x - 1/2), so
  // max|f''| <= M_3 + M_2 / 2 + 3 M_1 + M_0 / 2.
  const double kl_bound = m_k(3) + m_k(2) / 2 + 3 * m_k(1) + m_k(0) / 2;
  EXPECT_NEAR(kl_divergence(p, q, h), 0.5, smooth * kl_bound);

  // H^2 = 1 - int sqrt(p q) = 1 - exp(-1/8) (Bhattacharyya coefficient of unit Gaussians one
  // apart). f = (sqrt p - sqrt q)^2 / 2 = (p + q)/2 - e^{-1/8} phi(x - 1/2), so
  // max|f''| <= (1 + e^{-1/8}) M_0; H = sqrt(H^2) moves by at most delta / H.
  const double h2 = 1.0 - std::exp(-0.125);
  const double h2_tolerance = smooth * (1.0 + std::exp(-0.125)) * m_k(0);
  EXPECT_NEAR(hellinger_distance(p, q, h), std::sqrt(h2), h2_tolerance / std::sqrt(h2));
}

TEST(GridDivergence, RejectsMisuse) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> empty, p{0.5, 1.5}, q{1.0, 1.0};
  KOLMO_EXPECT_THROW_NAMING((void)l1_distance(empty, empty, 1.0), "p.size()");
  KOLMO_EXPECT_THROW_NAMING((void)total_variation(p, std::vector<double>{1.0}, 1.0), "q.size()");
  KOLMO_EXPECT_THROW_NAMING((void)kl_divergence(std::vector<double>{-0.5, 2.5}, q, 0.5), "p");
  KOLMO_EXPECT_THROW_NAMING((void)kl_divergence(p, std::vector<double>{1.0, nan}, 0.5), "q");
  KOLMO_EXPECT_THROW_NAMING((void)hellinger_distance(p, q, 0.0), "cell_measure");
  KOLMO_EXPECT_THROW_NAMING((void)hellinger_distance(p, q, inf), "cell_measure");
  KOLMO_EXPECT_THROW_NAMING((void)grid_mass(p, -1.0), "cell_measure");
  KOLMO_EXPECT_THROW_NAMING((void)grid_mass(std::vector<double>{inf}, 1.0), "p");
}

}  // namespace
}  // namespace kolmo::stats
