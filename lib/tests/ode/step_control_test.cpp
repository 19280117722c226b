#include "ode/step_control.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace kolmo::ode::detail {
namespace {

/// The ⌈n/2⌉-th smallest by std::nth_element on all values: what lower_median must equal.
double reference_median(Eigen::ArrayXd values) {
  auto* middle = values.data() + (values.size() - 1) / 2;
  std::nth_element(values.data(), middle, values.data() + values.size());
  return *middle;
}

void expect_median_of(const Eigen::ArrayXd& values, const char* what) {
  EXPECT_EQ(lower_median(values), reference_median(values)) << what << ", n = " << values.size();
}

TEST(LowerMedian, EqualsTheRankSelectionOnAllValues) {
  std::mt19937_64 engine(20261208);
  for (const Eigen::Index n : {1, 2, 3, 4, 33, 34, 2048, 5001}) {
    Eigen::ArrayXd spread(n), clustered(n), ties(n), last_bits(n);
    std::uniform_real_distribution<double> exponent(-12.0, 2.0), unit(0.0, 1.0);
    std::uniform_int_distribution<int> few(0, 3);
    for (Eigen::Index i = 0; i < n; ++i) {
      spread(i) = std::pow(10.0, exponent(engine));      // over many binades: the exponent digit decides
      clustered(i) = 0.5 + 0.25 * unit(engine);          // one binade: the mantissa digits decide
      ties(i) = 0.1 * few(engine);                        // a few values, zero among them, many times each
      last_bits(i) = std::nextafter(1.0, 2.0 + few(engine));  // differing in the last bits only
    }
    expect_median_of(spread, "spread over binades");
    expect_median_of(clustered, "within one binade");
    expect_median_of(ties, "ties and zeros");
    expect_median_of(last_bits, "differing in the last bits");
    Eigen::ArrayXd with_infinities = spread;
    with_infinities.head((n + 1) / 2).setConstant(std::numeric_limits<double>::infinity());  // failed paths' norms
    expect_median_of(with_infinities, "half of them +inf");
  }
}

/// dy/dt = −λ_p y per path p (one component), autonomous.
Eigen::ArrayXXd decay(const Eigen::ArrayXd& lambda, const Eigen::ArrayXXd& y) { return -(y.colwise() * lambda); }

TEST(StartingStep, FollowsHairerNorsettWannerOnLinearDecay) {
  // y0 = 1, f0 = −λ: d0 = 1/(2τ), d1 = λ/(2τ) (scale abs + rel |y0| = 2τ), h0 = 0.01/λ; the probe
  // (median h0, λ = 1's 0.01) gives |f1 − f0| = λ² · 0.01, d2 = λ²/(2τ); h1 = (0.01 / max(d1, d2))^{1/5}.
  // h1 falls with λ, so the median path's (λ = 1) is the batch's: (0.02 τ)^{1/5}.
  const double tolerance = 1e-6;
  const Eigen::ArrayXd lambda = (Eigen::ArrayXd(3) << 0.5, 1.0, 4.0).finished();
  const Eigen::ArrayXXd y0 = Eigen::ArrayXXd::Ones(3, 1), f0 = decay(lambda, y0);
  const auto velocity = [&](double, const Eigen::ArrayXXd& y) { return decay(lambda, y); };
  const double expected = std::pow(0.02 * tolerance, 0.2);  // 0.0289
  EXPECT_NEAR(starting_step(y0, f0, 0.0, 10.0, tolerance, tolerance, velocity), expected, 1e-15);
  // Backwards: the same length, negative.
  EXPECT_NEAR(starting_step(y0, f0, 10.0, 0.0, tolerance, tolerance, velocity), -expected, 1e-15);
  // At a tolerance so loose that h1 = (0.01 / 0.005)^{1/5} = 1.15 exceeds it, the cap 100 h0 = 1/λ
  // of the median path (scale 200, d0 = 1/200, d1 = λ/200).
  EXPECT_NEAR(starting_step(y0, f0, 0.0, 10.0, 100.0, 100.0, velocity), 1.0, 1e-15);
  // Never past the interval.
  EXPECT_EQ(starting_step(y0, f0, 0.0, 0.01, tolerance, tolerance, velocity), 0.01);
}

TEST(StartingStep, ProbesTheSecondDerivativeWhenTheFirstVanishes) {
  // dy/dt = a t from t0 = 0: f0 = 0, so d1 < 1e-5 and h0 = 1e-6; f1 = a · 1e-6, d2 = a/(2τ)
  // (y0 = 1), h1 = (0.02 τ / a)^{1/5}, at most 100 h0 = 1e-4.
  const double tolerance = 1e-6;
  const Eigen::ArrayXXd y0 = Eigen::ArrayXXd::Ones(1, 1), f0 = Eigen::ArrayXXd::Zero(1, 1);
  for (const double a : {1.0, 1e14}) {
    const auto velocity = [a](double t, const Eigen::ArrayXXd& y) { return Eigen::ArrayXXd::Constant(y.rows(), 1, a * t); };
    const double expected = std::min(1e-4, std::pow(0.02 * tolerance / a, 0.2));  // 1e-4 (capped), 4.57e-5
    EXPECT_NEAR(starting_step(y0, f0, 0.0, 1.0, tolerance, tolerance, velocity), expected, 1e-12 * expected) << "a = " << a;
  }
}

TEST(StepFactor, IsTheStandardControllerWithinItsBounds) {
  EXPECT_DOUBLE_EQ(step_factor(1.0), 0.9);
  EXPECT_DOUBLE_EQ(step_factor(std::pow(0.9 / 2.0, 5.0)), 2.0);  // 0.9 e^{−1/5} = 2
  EXPECT_EQ(step_factor(0.0), 5.0);
  EXPECT_EQ(step_factor(1e-12), 5.0);
  EXPECT_EQ(step_factor(1e6), 0.2);
  EXPECT_EQ(step_factor(std::numeric_limits<double>::infinity()), 0.2);
}

}  // namespace
}  // namespace kolmo::ode::detail
