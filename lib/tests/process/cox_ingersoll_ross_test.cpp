#include "kolmo/process/cox_ingersoll_ross.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kolmo/random/uniform.hpp"
#include "kolmo/stats/ks_test.hpp"
#include "support/expect_error.hpp"

namespace kolmo::process {
namespace {

constexpr std::uint64_t seed = 20261206;

TEST(CoxIngersollRoss, DeclaresItsStructure) {
  const CoxIngersollRoss cir(2.0, 0.5, 0.8);
  const Sde sde = cir.sde();
  EXPECT_EQ(sde.name(), "cox-ingersoll-ross(kappa=2, theta=0.5, sigma=0.80000000000000004)");
  EXPECT_TRUE(sde.is_autonomous());
  ASSERT_TRUE(sde.has_state_space());
  EXPECT_EQ(sde.state_lower()(0), 0.0);
  EXPECT_TRUE(std::isinf(sde.state_upper()(0)));
  // g g' is σ²/2 everywhere, 0 included, where ∂g/∂x = σ/(2√x) is infinite.
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(3, 1) << 0.0, 1e-300, 4.0).finished();
  EXPECT_TRUE((sde.diffusion_derivative_product(0.0, x) == 0.5 * 0.8 * 0.8).all());
  EXPECT_FALSE(sde.has_diffusion_derivative());
  EXPECT_DOUBLE_EQ(cir.degrees_of_freedom(), 4.0 * 2.0 * 0.5 / 0.64);
  EXPECT_TRUE(cir.satisfies_feller_condition());
  EXPECT_FALSE(CoxIngersollRoss(0.5, 0.5, 1.0).satisfies_feller_condition());
}

TEST(CoxIngersollRoss, ExactDrawsFollowTheNoncentralChiSquareLaw) {
  // 20000 draws from uniforms at (seed, path): the KS test against Boost's noncentral χ² CDF at
  // α = 1e-6 (a fixed seed; a wrong scale c, δ or λ/2 in the Poisson mixture moves D by ≫ 1/√n),
  // and the mean within 5 standard errors of the closed form.
  for (const auto& [cir, x0, t] : {std::tuple{CoxIngersollRoss(2.0, 0.5, 0.8), 0.3, 0.7},
                                   std::tuple{CoxIngersollRoss(0.5, 0.4, 1.0), 0.05, 0.2},      // below Feller
                                   std::tuple{CoxIngersollRoss(1.0, 1.0, 0.3), 2.0, 1e-3}}) {  // λ/2 ≈ 9e4
    constexpr std::size_t n = 20000;
    std::vector<double> draws(n);
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double u1 = random::uniform01({seed, random::Purpose::verification, i, 0, 0});
      const double u2 = random::uniform01({seed, random::Purpose::verification, i, 0, 1});
      draws[i] = cir.sample_transition(x0, t, u1, u2);
      sum += draws[i];
    }
    ASSERT_TRUE(std::all_of(draws.begin(), draws.end(), [](double x) { return std::isfinite(x) && x >= 0.0; }));
    const auto ks = stats::ks_one_sample(draws, [&](double x) {
      return cir.transition_cdf(x0, t, Eigen::ArrayXd::Constant(1, x))(0);
    });
    EXPECT_GT(ks.p_value, 1e-6) << "x0 = " << x0 << ", t = " << t << ", D = " << ks.statistic;
    const double se = std::sqrt(cir.transition_variance(x0, t) / n);
    EXPECT_NEAR(sum / n, cir.transition_mean(x0, t), 5.0 * se) << "x0 = " << x0 << ", t = " << t;
  }
}

TEST(CoxIngersollRoss, MomentsAndStationaryLawAgree) {
  const CoxIngersollRoss cir(1.5, 0.7, 0.6);
  // Long times forget x0: the transition approaches the stationary Gamma law.
  EXPECT_NEAR(cir.transition_mean(3.0, 40.0), cir.theta(), 1e-12);
  EXPECT_NEAR(cir.transition_variance(3.0, 40.0), cir.stationary_variance(), 1e-12);
  const Eigen::ArrayXd x = Eigen::ArrayXd::LinSpaced(7, 0.1, 2.0);
  EXPECT_LT((cir.transition_cdf(3.0, 40.0, x) - cir.stationary_cdf(x)).abs().maxCoeff(), 1e-10);
  EXPECT_EQ(cir.transition_variance(1.0, 0.0), 0.0);
}

TEST(CoxIngersollRoss, BadInputIsAClearError) {
  KOLMO_EXPECT_THROW_NAMING(CoxIngersollRoss(0.0, 1.0, 1.0), "kappa");
  KOLMO_EXPECT_THROW_NAMING(CoxIngersollRoss(1.0, -1.0, 1.0), "theta");
  KOLMO_EXPECT_THROW_NAMING(CoxIngersollRoss(1.0, 1.0, NAN), "sigma");
  const CoxIngersollRoss cir(1.0, 1.0, 1.0);
  KOLMO_EXPECT_THROW_NAMING((void)cir.sample_transition(-1.0, 1.0, 0.5, 0.5), "x0");
  KOLMO_EXPECT_THROW_NAMING((void)cir.sample_transition(1.0, 0.0, 0.5, 0.5), "t");
  KOLMO_EXPECT_THROW_NAMING((void)cir.sample_transition(1.0, 1.0, 1.0, 0.5), "u_poisson");
  KOLMO_EXPECT_THROW_NAMING((void)cir.transition_cdf(1.0, 1.0, Eigen::ArrayXd::Constant(1, NAN)), "x(0)");
  KOLMO_EXPECT_THROW_NAMING(Sde(cir.sde()).with_state_space(Eigen::VectorXd::Ones(1), Eigen::VectorXd::Zero(1)), "upper[0]");
  KOLMO_EXPECT_THROW_NAMING(Sde(cir.sde()).with_state_space(Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(2)), "lower.size()");
}

}  // namespace
}  // namespace kolmo::process
