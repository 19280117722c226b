#include "kolmo/score/weighting.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/score/time_sampling.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

using process::NoiseSchedule;

TEST(Weighting, SigmaSquaredAndLikelihoodAreTheirFormulas) {
  const auto schedule = NoiseSchedule::vp_linear();
  for (const double t : {0.01, 0.3, 0.9}) {
    EXPECT_DOUBLE_EQ(Weighting::sigma_squared()(schedule, t), schedule.sigma(t) * schedule.sigma(t));
    EXPECT_DOUBLE_EQ(Weighting::likelihood()(schedule, t), schedule.diffusion_squared(t));
  }
}

TEST(Weighting, VdmsSnrDerivativeWeightingIsTheLikelihoodWeighting) {
  // −d log SNR/dt by a central difference of λ(t) = ½ log SNR (truncation h² λ'''/6: ~1e-6
  // relative at h = 1e-4 and t = 0.05, so h = 1e-5 gives ~1e-8; round-off ε|λ|/h ~ 1e-11), against the g²/σ² the weighting uses: the identity of
  // weighting.hpp, checked from the schedule's λ alone.
  for (const auto& schedule : {NoiseSchedule::vp_linear(), NoiseSchedule::vp_cosine(), NoiseSchedule::sub_vp(),
                               NoiseSchedule::ve_geometric()}) {
    for (const double t : {0.05, 0.4, 0.8}) {
      const double h = 1e-5;
      const double minus_rate = -2.0 * (schedule.lambda(t + h) - schedule.lambda(t - h)) / (2.0 * h);
      const double sigma2 = schedule.sigma(t) * schedule.sigma(t);
      EXPECT_NEAR(minus_rate, schedule.diffusion_squared(t) / sigma2, 1e-6 * minus_rate) << schedule.name() << " t " << t;
      EXPECT_NEAR(Weighting::snr_derivative()(schedule, t), Weighting::likelihood()(schedule, t),
                  1e-13 * Weighting::likelihood()(schedule, t));
    }
  }
  const auto halved = Weighting::snr_derivative([](double) { return 0.5; }, "1/2");
  EXPECT_NEAR(halved(NoiseSchedule::vp_linear(), 0.3), 0.5 * NoiseSchedule::vp_linear().diffusion_squared(0.3), 1e-14);
}

TEST(Weighting, NegativeOrNonFiniteWeightIsAClearError) {
  const auto negative = Weighting::custom("minus one", [](const NoiseSchedule&, double) { return -1.0; });
  KOLMO_EXPECT_THROW_NAMING((void)negative(NoiseSchedule::vp_linear(), 0.5), "t");
  KOLMO_EXPECT_THROW_NAMING(Weighting::custom("", [](const NoiseSchedule&, double) { return 1.0; }), "name");
  KOLMO_EXPECT_THROW_NAMING(Weighting::custom("empty", {}), "lambda");
}

/// ∫ density on [a, b] by Simpson's rule on each segment between nodes is exact for the
/// piecewise-linear density; here a fine composite rule over the whole interval.
double integral(const TimeDensity& density, double a, double b, int n = 200000) {
  double sum = 0.0;
  const double h = (b - a) / n;
  for (int k = 0; k < n; ++k) sum += 0.5 * h * (density.density(a + k * h) + density.density(a + (k + 1) * h));
  return sum;
}

TEST(TimeSampling, UniformIsUniform) {
  const TimeDensity uniform = TimeSampling::uniform().on(NoiseSchedule::vp_linear(), 0.1, 0.6);
  EXPECT_DOUBLE_EQ(uniform.density(0.3), 2.0);
  EXPECT_DOUBLE_EQ(uniform.density(0.7), 0.0);
  EXPECT_NEAR(uniform.sample(0.25), 0.225, 1e-15);
}

TEST(TimeSampling, ProportionalDensityIsNormalisedAndSampledByItsInverseCdf) {
  const auto schedule = NoiseSchedule::vp_linear();
  const TimeDensity density = TimeSampling::likelihood_importance(64).on(schedule, 1e-3, 1.0);
  EXPECT_NEAR(integral(density, 1e-3, 1.0, 2000000), 1.0, 1e-6);
  for (const double u : {1e-9, 0.01, 0.3, 0.5, 0.77, 0.999999}) {
    const double t = density.sample(u);
    // CDF(t) by a fine trapezoid from the lower end.
    EXPECT_NEAR(integral(density, 1e-3, t, 400000), u, 2e-6) << "u " << u;
  }
  // π ∝ g²/σ² at the nodes: the ratio of the density to h is the same at two node times.
  const double h_first = schedule.diffusion_squared(1e-3) / std::pow(schedule.sigma(1e-3), 2);
  const double h_last = schedule.diffusion_squared(1.0) / std::pow(schedule.sigma(1.0), 2);
  EXPECT_NEAR(density.density(1e-3) / h_first, density.density(1.0) / h_last, 1e-12 * density.density(1.0) / h_last);
}

TEST(TimeSampling, BadInputIsAClearError) {
  const auto schedule = NoiseSchedule::vp_linear();
  KOLMO_EXPECT_THROW_NAMING((void)TimeSampling::uniform().on(schedule, 0.5, 0.4), "t_min");
  KOLMO_EXPECT_THROW_NAMING((void)TimeSampling::uniform().on(schedule, 0.1, 2.0), "t_max");
  KOLMO_EXPECT_THROW_NAMING((void)TimeSampling::likelihood_importance().on(schedule, 0.0, 1.0), "t_min");
  KOLMO_EXPECT_THROW_NAMING(TimeSampling::proportional_to(Weighting::likelihood(), 1), "nodes");
  const auto zero = TimeSampling::proportional_to(Weighting::custom("zero", [](const NoiseSchedule&, double) { return 0.0; }));
  KOLMO_EXPECT_THROW_NAMING((void)zero.on(schedule, 0.1, 1.0), "t");
}

}  // namespace
}  // namespace kolmo::score
