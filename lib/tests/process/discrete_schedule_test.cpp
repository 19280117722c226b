#include "kolmo/process/discrete_schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "support/expect_error.hpp"

namespace kolmo::process {
namespace {

TEST(DiscreteSchedule, AlphaBarIsTheProductOfOneMinusBeta) {
  const auto ddpm = DiscreteSchedule::linear();
  EXPECT_EQ(ddpm.steps(), 1000u);
  EXPECT_EQ(ddpm.beta(1), 1e-4);
  EXPECT_NEAR(ddpm.beta(1000), 0.02, 1e-17);
  EXPECT_EQ(ddpm.alpha_bar(0), 1.0);
  double product = 1.0;
  for (std::size_t i = 1; i <= 1000; ++i) {
    product *= 1.0 - ddpm.beta(i);
    ASSERT_NEAR(ddpm.alpha_bar(i), product, 1e-13 * product) << i;
  }
  // numpy.cumprod(1 − numpy.linspace(1e-4, 0.02, 1000)) at i = 500 and i = 1000.
  EXPECT_NEAR(ddpm.alpha_bar(500), 0.07858724288177824, 1e-14);
  EXPECT_NEAR(ddpm.alpha_bar(1000), 4.035829765375676e-05, 1e-17);
}

// One convention for index ↔ time: i = 0 is the data at t = 0, i = N the last level at t = T.
TEST(DiscreteSchedule, IndexAndTimeRoundTripWithoutOffByOne) {
  const auto ddpm = DiscreteSchedule::linear(1000, 1e-4, 0.02, 2.0);
  EXPECT_EQ(ddpm.time_of(0), 0.0);
  EXPECT_EQ(ddpm.time_of(1000), 2.0);
  EXPECT_EQ(ddpm.time_of(1), 0.002);
  for (std::size_t i = 0; i <= 1000; ++i) ASSERT_EQ(ddpm.index_of(ddpm.time_of(i)), i);
  KOLMO_EXPECT_THROW_NAMING((void)ddpm.index_of(0.0015), "t");
  KOLMO_EXPECT_THROW_NAMING((void)ddpm.alpha_bar(1001), "i");
  KOLMO_EXPECT_THROW_NAMING((void)ddpm.beta(0), "i");
}

// The continuous schedule passes through every discrete level: α(t_i)² = ᾱ_i, so a sampler on
// the continuous clock visiting t_i sees exactly the DDPM marginal q(x_i | x_0).
TEST(DiscreteSchedule, ContinuousScheduleInterpolatesTheLevels) {
  for (const auto& ddpm : {DiscreteSchedule::linear(), DiscreteSchedule::cosine(), DiscreteSchedule::linear(10)}) {
    const NoiseSchedule continuous = ddpm.as_continuous();
    EXPECT_EQ(continuous.horizon(), ddpm.horizon());
    for (std::size_t i = 0; i <= ddpm.steps(); ++i) {
      const double t = ddpm.time_of(i);
      ASSERT_NEAR(std::pow(continuous.alpha(t), 2) / ddpm.alpha_bar(i), 1.0, 1e-13) << i;
      ASSERT_NEAR(std::pow(continuous.sigma(t), 2), 1.0 - ddpm.alpha_bar(i), 1e-13) << i;
      if (i > 0 && i < ddpm.steps()) {
        ASSERT_NEAR(continuous.t_of_lambda(continuous.lambda(t)), t, 1e-12) << i;
      }
    }
    // Between levels: g² = −(N/T) log(1 − β_i) on segment i, and the SNR still falls.
    const std::size_t i = ddpm.steps() / 2;
    const double midpoint = 0.5 * (ddpm.time_of(i - 1) + ddpm.time_of(i));
    const double n_over_t = static_cast<double>(ddpm.steps()) / ddpm.horizon();
    EXPECT_NEAR(continuous.diffusion_squared(midpoint), -n_over_t * std::log1p(-ddpm.beta(i)), 1e-12);
    EXPECT_LT(continuous.lambda(ddpm.time_of(i)), continuous.lambda(midpoint));
  }
}

// The correspondence with Song et al.'s VP SDE (2021, App. B): g²(t) = N β_i / T up to the
// second-order term N β_i² / (2T) of −log(1 − β).
TEST(DiscreteSchedule, DiffusionRateIsNTimesBetaToFirstOrder) {
  const auto ddpm = DiscreteSchedule::linear();
  const NoiseSchedule continuous = ddpm.as_continuous();
  for (std::size_t i : {1u, 250u, 1000u}) {
    const double beta = ddpm.beta(i);
    const double t = ddpm.time_of(i) - 0.5e-3;
    EXPECT_NEAR(continuous.diffusion_squared(t), 1000.0 * beta, 1000.0 * beta * beta * (0.5 + beta)) << i;
  }
}

TEST(DiscreteSchedule, CosineScheduleFollowsNicholAndDhariwal) {
  const auto cosine = DiscreteSchedule::cosine(1000, 0.008, 0.999);
  const auto f = [](double u) { return std::pow(std::cos(std::numbers::pi / 2 * (u + 0.008) / 1.008), 2); };
  for (std::size_t i : {1u, 100u, 500u, 900u}) {
    EXPECT_NEAR(cosine.alpha_bar(i), f(static_cast<double>(i) / 1000.0) / f(0.0), 1e-12) << i;
  }
  EXPECT_EQ(cosine.beta(1000), 0.999);  // clipped at the singular end
}

TEST(DiscreteSchedule, RefusesBetasOutsideTheUnitInterval) {
  KOLMO_EXPECT_THROW_NAMING(DiscreteSchedule({0.1, 1.0}), "betas[1] (beta_2)");
  KOLMO_EXPECT_THROW_NAMING(DiscreteSchedule({}), "betas.size()");
  KOLMO_EXPECT_THROW_NAMING((void)DiscreteSchedule::linear(1), "steps");
  KOLMO_EXPECT_THROW_NAMING((void)DiscreteSchedule::linear(100, 0.0, 0.02), "beta_first");
}

}  // namespace
}  // namespace kolmo::process
