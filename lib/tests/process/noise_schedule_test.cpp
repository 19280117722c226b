#include "kolmo/process/noise_schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::process {
namespace {

std::vector<NoiseSchedule> catalogue() {
  return {NoiseSchedule::vp_linear(),          NoiseSchedule::vp_constant(2.0, 3.0), NoiseSchedule::vp_cosine(),
          NoiseSchedule::ve_geometric(),       NoiseSchedule::sub_vp(),             NoiseSchedule::edm(80.0),
          NoiseSchedule::vp_linear(0.0, 20.0, 2.0)};
}

// Interior times where every schedule is smooth, including near both ends.
std::vector<double> probe_times(const NoiseSchedule& schedule) {
  std::vector<double> times;
  for (double u : {1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99}) times.push_back(u * schedule.horizon());
  return times;
}

// f = d log α/dt and g² = dσ²/dt − 2fσ² (Kingma et al. 2021, eq. 33), against fourth-order
// central differences with step h = 1e-4 t: truncation ~ (h/δ)⁴ relative with δ the distance to
// the nearest singularity (the cosine's pole at t = 1 is δ ≥ 0.015 away: ≲ 2e-9), rounding
// ε |log α| / h ≲ 1e-11 relative — so 1e-7 relative can only fail on a wrong formula
// (a factor 2 in g², a missing −2fσ² term, β(t) evaluated at the wrong time).
TEST(NoiseSchedule, DriftAndDiffusionMatchTheDerivativesOfAlphaAndSigma) {
  for (const NoiseSchedule& schedule : catalogue()) {
    for (double t : probe_times(schedule)) {
      const double h = 1e-4 * t;
      const auto derivative = [t, h](auto&& fn) {
        return (fn(t - 2 * h) - 8 * fn(t - h) + 8 * fn(t + h) - fn(t + 2 * h)) / (12 * h);
      };
      const double f = derivative([&](double s) { return schedule.log_alpha(s); });
      const double sigma_squared_rate = derivative([&](double s) { return std::pow(schedule.sigma(s), 2); });
      const double sigma = schedule.sigma(t);
      const double g2 = sigma_squared_rate - 2.0 * f * sigma * sigma;
      const double scale = std::abs(schedule.drift_rate(t)) + schedule.diffusion_squared(t) + 1e-12;
      EXPECT_NEAR(schedule.drift_rate(t), f, 1e-7 * scale) << schedule.name() << " t=" << t;
      EXPECT_NEAR(schedule.diffusion_squared(t), g2, 1e-7 * scale) << schedule.name() << " t=" << t;
    }
  }
}

// (f, g) → (α, σ) by quadrature must reproduce the closed forms (independent code paths).
TEST(NoiseSchedule, QuadratureFromDriftAndDiffusionReproducesClosedForms) {
  for (const NoiseSchedule& closed : {NoiseSchedule::vp_linear(), NoiseSchedule::sub_vp(0.1, 20.0),
                                      NoiseSchedule::ve_geometric(0.01, 50.0), NoiseSchedule::vp_cosine()}) {
    const NoiseSchedule numeric = NoiseSchedule::from_drift_diffusion(
        closed.name() + "-quadrature", [&](double t) { return closed.drift_rate(t); },
        [&](double t) { return closed.diffusion_squared(t); }, closed.horizon());
    for (double t : probe_times(closed)) {
      EXPECT_NEAR(numeric.log_alpha(t), closed.log_alpha(t), 1e-11 * (1 + std::abs(closed.log_alpha(t))))
          << closed.name() << " t=" << t;
      EXPECT_NEAR(numeric.sigma(t) / closed.sigma(t), 1.0, 1e-10) << closed.name() << " t=" << t;
    }
  }
}

TEST(NoiseSchedule, MarginalStandardDeviationsAreTheExactTransitions) {
  // VE: σ² = σ_VE(t)² − σ_VE(0)², σ_VE(t) = σ_min (σ_max/σ_min)^{t/T} (Song et al. 2021, eq. 30).
  const auto ve = NoiseSchedule::ve_geometric(0.01, 50.0, 1.0);
  for (double t : {0.0, 0.001, 0.25, 1.0}) {
    const double level = 0.01 * std::pow(5000.0, t);
    EXPECT_NEAR(ve.sigma(t), std::sqrt(level * level - 1e-4), 1e-13 * (1 + level)) << t;
    EXPECT_EQ(ve.alpha(t), 1.0);
  }
  // sub-VP: σ = 1 − e^{−B}, not its square root; VP: σ² = 1 − e^{−B}; B = β_min t + ½(β_max − β_min)t².
  const auto sub_vp = NoiseSchedule::sub_vp(0.1, 20.0);
  const auto vp = NoiseSchedule::vp_linear(0.1, 20.0);
  for (double t : {0.0, 1e-4, 0.1, 0.5, 1.0}) {
    const double b = 0.1 * t + 0.5 * 19.9 * t * t;
    EXPECT_NEAR(sub_vp.sigma(t), -std::expm1(-b), 1e-16) << t;
    EXPECT_NEAR(vp.sigma(t), std::sqrt(-std::expm1(-b)), 1e-15) << t;
    EXPECT_NEAR(vp.alpha(t), std::exp(-0.5 * b), 1e-15) << t;
    EXPECT_NEAR(sub_vp.alpha(t), std::exp(-0.5 * b), 1e-15) << t;
  }
  // Small t keeps full relative accuracy (expm1): σ_VP² = 1 − e^{−B} = B (1 − B/2 + O(B²)).
  const double b_small = 0.1e-8 + 0.5 * 19.9e-16;
  EXPECT_NEAR(vp.sigma(1e-8) / std::sqrt(b_small * (1.0 - 0.5 * b_small)), 1.0, 1e-15);
  // EDM: σ(t) = t, α = 1; cosine: ᾱ(t) = cos²(π/2 (t+s)/(1+s)) / cos²(π/2 s/(1+s)).
  const auto edm = NoiseSchedule::edm(80.0);
  EXPECT_EQ(edm.sigma(2.5), 2.5);
  const auto cosine = NoiseSchedule::vp_cosine(0.008, 0.9946);
  const auto phi = [](double t) { return std::numbers::pi / 2 * (t + 0.008) / 1.008; };
  EXPECT_NEAR(std::pow(cosine.alpha(0.6), 2), std::pow(std::cos(phi(0.6)) / std::cos(phi(0.0)), 2), 1e-14);
}

TEST(NoiseSchedule, LambdaInvertsToTimeForEverySchedule) {
  auto schedules = catalogue();
  // The root-search path: a general (α, σ) with no closed-form inverse (α = 1 − t/2, σ = t).
  schedules.push_back(NoiseSchedule::from_alpha_sigma(
      "linear-interpolant", [](double t) { return 1.0 - 0.5 * t; }, [](double) { return -0.5; },
      [](double t) { return t; }, [](double) { return 1.0; }, 1.0));
  for (const NoiseSchedule& schedule : schedules) {
    for (double t : probe_times(schedule)) {
      EXPECT_NEAR(schedule.t_of_lambda(schedule.lambda(t)), t, 1e-11 * schedule.horizon()) << schedule.name();
    }
    EXPECT_NEAR(schedule.t_of_lambda(schedule.lambda(schedule.horizon())), schedule.horizon(),
                1e-11 * schedule.horizon())
        << schedule.name();
    EXPECT_TRUE(std::isinf(schedule.lambda(0.0)));
    KOLMO_EXPECT_THROW_NAMING((void)schedule.t_of_lambda(schedule.lambda(schedule.horizon()) - 1.0), "lambda");
  }
}

TEST(NoiseSchedule, SnrIsTheSquareOfAlphaOverSigma) {
  const auto vp = NoiseSchedule::vp_linear();
  for (double t : {0.01, 0.5, 1.0}) {
    EXPECT_NEAR(vp.snr(t), std::pow(vp.alpha(t) / vp.sigma(t), 2), 1e-12 * vp.snr(t));
    EXPECT_NEAR(vp.lambda(t), 0.5 * std::log(vp.snr(t)), 1e-12);
  }
}

TEST(NoiseSchedule, ForwardSdeHasTheScheduleCoefficients) {
  const auto vp = NoiseSchedule::vp_linear();
  const Sde sde = vp.sde(2);
  EXPECT_EQ(sde.dimension(), 2u);
  EXPECT_EQ(sde.noise(), NoiseKind::additive);
  Eigen::ArrayXXd x(2, 2);
  x << 1.0, -2.0, 0.5, 3.0;
  const double t = 0.4;
  EXPECT_TRUE(sde.drift(t, x).isApprox(vp.drift_rate(t) * x, 1e-15));
  EXPECT_TRUE(sde.diffusion_matrix(t).isApprox(std::sqrt(vp.diffusion_squared(t)) * Eigen::MatrixXd::Identity(2, 2)));
  EXPECT_NEAR(sde.drift_divergence(t, x)(0, 0), 2.0 * vp.drift_rate(t), 1e-15);
}

TEST(NoiseSchedule, RefusesBadParametersAndNonMonotoneSnr) {
  KOLMO_EXPECT_THROW_NAMING((void)NoiseSchedule::vp_linear(-0.1, 20.0), "beta_min");
  KOLMO_EXPECT_THROW_NAMING((void)NoiseSchedule::vp_linear(0.1, 0.0), "beta_max");
  KOLMO_EXPECT_THROW_NAMING((void)NoiseSchedule::vp_linear(0.1, 20.0, 0.0), "horizon");
  KOLMO_EXPECT_THROW_NAMING((void)NoiseSchedule::ve_geometric(1.0, 0.5), "sigma_max");
  KOLMO_EXPECT_THROW_NAMING((void)NoiseSchedule::vp_cosine(0.008, 1.0), "horizon");
  KOLMO_EXPECT_THROW_NAMING((void)NoiseSchedule::edm(0.0), "sigma_max");
  // σ rises then falls: the SNR increases again after t = 0.5, which no forward process may do.
  KOLMO_EXPECT_THROW_NAMING(
      (void)NoiseSchedule::from_alpha_sigma(
          "bump", [](double) { return 1.0; }, [](double) { return 0.0; },
          [](double t) { return std::sin(std::numbers::pi * t); },
          [](double t) { return std::numbers::pi * std::cos(std::numbers::pi * t); }, 1.0),
      "lambda(0.501953125)");
  KOLMO_EXPECT_THROW_NAMING((void)NoiseSchedule::from_alpha_sigma(
                                "offset", [](double) { return 2.0; }, [](double) { return 0.0; },
                                [](double t) { return t; }, [](double) { return 1.0; }, 1.0),
                            "alpha(0)");
  const auto vp = NoiseSchedule::vp_linear();
  KOLMO_EXPECT_THROW_NAMING((void)vp.sigma(1.5), "t");
  KOLMO_EXPECT_THROW_NAMING((void)vp.alpha(-0.1), "t");
}

}  // namespace
}  // namespace kolmo::process
