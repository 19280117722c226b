#include "kolmo/stats/mean_estimate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::stats {
namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

// Quantiles from SciPy 1.10.1:
//   python3 -c 'from scipy.stats import t, norm; print(t.ppf(0.975, 9), t.ppf(0.975, 28),
//               norm.ppf(0.975))'
// SciPy inverts the t CDF (cdflib) only to ~1e-10 here: scipy.special.stdtr(9, t.ppf(0.975, 9))
// misses 0.975 by 2.3e-12, i.e. the quantile is off by ~6e-11. Hence 1e-9 for those two, and
// closed forms checked tightly where they exist: dof 1, t_p = tan(pi (p - 1/2));
// dof 2, t_p = (2p - 1) / sqrt(2 p (1 - p)).
constexpr double t_975_dof9 = 2.2621571627409915;
constexpr double t_975_dof28 = 2.048407141795244;
constexpr double scipy_t_tolerance = 1e-9;
constexpr double z_975 = 1.959963984540054;
// Boost and SciPy's ndtri both invert the normal to ~1e-16 relative; allow 1e-13.
constexpr double quantile_tolerance = 1e-13;

TEST(MeanEstimate, FromSamplesAndFromMoments) {
  // {1, 2, 3, 4}: mean 2.5, variance 5/3, standard error sqrt(5/12).
  const std::vector<double> x{1, 2, 3, 4};
  const MeanEstimate e = estimate_mean(x);
  EXPECT_EQ(e.count, 4u);
  EXPECT_NEAR(e.mean, 2.5, 4 * eps);
  EXPECT_NEAR(e.standard_error, std::sqrt(5.0 / 12.0), 8 * eps);
  const MeanEstimate f = estimate_mean(moments_of(x));
  EXPECT_EQ(f.mean, e.mean);
  EXPECT_EQ(f.standard_error, e.standard_error);
}

TEST(MeanEstimate, CriticalValueSwitchesFromStudentToNormalAtThirty) {
  EXPECT_NEAR(critical_value(10, 0.95), t_975_dof9, scipy_t_tolerance);
  EXPECT_NEAR(critical_value(29, 0.95), t_975_dof28, scipy_t_tolerance);
  EXPECT_NEAR(critical_value(30, 0.95), z_975, quantile_tolerance);
  EXPECT_NEAR(critical_value(1'000'000, 0.95), z_975, quantile_tolerance);
  EXPECT_NEAR(critical_value(2, 0.90), std::tan(std::numbers::pi * 0.45), quantile_tolerance);
  EXPECT_NEAR(critical_value(3, 0.95), 0.95 / std::sqrt(2 * 0.975 * 0.025), quantile_tolerance);
}

TEST(MeanEstimate, ConfidenceIntervalIsMeanPlusMinusCriticalTimesError) {
  const MeanEstimate small{1.0, 0.5, 10};
  const ConfidenceInterval a = confidence_interval(small);
  EXPECT_NEAR(a.lower, 1.0 - 0.5 * t_975_dof9, 0.5 * scipy_t_tolerance);
  EXPECT_NEAR(a.upper, 1.0 + 0.5 * t_975_dof9, 0.5 * scipy_t_tolerance);
  EXPECT_NEAR(a.upper - 1.0, 1.0 - a.lower, 4 * eps);  // symmetric up to the rounding of +-
  EXPECT_EQ(a.level, 0.95);
  EXPECT_TRUE(a.contains(1.0));
  EXPECT_FALSE(a.contains(2.2));
  const MeanEstimate large{-3.0, 0.01, 400};
  const ConfidenceInterval b = confidence_interval(large, 0.95);
  EXPECT_NEAR(b.width(), 2 * 0.01 * z_975, 1e-14);
  // A zero standard error is allowed (a deterministic quantity): the interval is a point.
  const ConfidenceInterval c = confidence_interval(MeanEstimate{4.0, 0.0, 50});
  EXPECT_EQ(c.lower, 4.0);
  EXPECT_EQ(c.upper, 4.0);
}

TEST(MeanEstimate, ZScoresAndDifferences) {
  const MeanEstimate a{10.0, 3.0, 100}, b{4.0, 4.0, 100};
  EXPECT_DOUBLE_EQ(z_score(a, 4.0), 2.0);
  EXPECT_DOUBLE_EQ(z_score(b, 6.0), -0.5);
  EXPECT_DOUBLE_EQ(difference_standard_error(a, b), 5.0);  // 3-4-5
  EXPECT_DOUBLE_EQ(difference_z_score(a, b), 6.0 / 5.0);
  EXPECT_DOUBLE_EQ(difference_z_score(a, b, 1.0), 1.0);
}

TEST(MeanEstimate, RejectsMisuse) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  KOLMO_EXPECT_THROW_NAMING((void)estimate_mean(std::vector<double>{1.0}), "samples.size()");
  KOLMO_EXPECT_THROW_NAMING((void)estimate_mean(std::vector<double>{1.0, nan}), "x");
  KOLMO_EXPECT_THROW_NAMING((void)estimate_mean(RunningMoments{}), "moments.count()");
  const MeanEstimate good{1.0, 0.1, 10};
  KOLMO_EXPECT_THROW_NAMING((void)confidence_interval(good, 0.0), "level");
  KOLMO_EXPECT_THROW_NAMING((void)confidence_interval(good, 1.0), "level");
  KOLMO_EXPECT_THROW_NAMING((void)confidence_interval(good, nan), "level");
  KOLMO_EXPECT_THROW_NAMING((void)confidence_interval(MeanEstimate{1.0, -0.1, 10}),
                            "estimate.standard_error");
  KOLMO_EXPECT_THROW_NAMING((void)confidence_interval(MeanEstimate{nan, 0.1, 10}), "estimate.mean");
  KOLMO_EXPECT_THROW_NAMING((void)confidence_interval(MeanEstimate{1.0, 0.1, 1}), "estimate.count");
  KOLMO_EXPECT_THROW_NAMING((void)critical_value(1, 0.95), "count");
  KOLMO_EXPECT_THROW_NAMING((void)z_score(MeanEstimate{1.0, 0.0, 10}, 1.0),
                            "estimate.standard_error");
  KOLMO_EXPECT_THROW_NAMING((void)z_score(good, nan), "expected");
  KOLMO_EXPECT_THROW_NAMING((void)difference_standard_error(good, MeanEstimate{1.0, nan, 10}),
                            "b.standard_error");
  KOLMO_EXPECT_THROW_NAMING((void)difference_z_score(MeanEstimate{1, 0, 5}, MeanEstimate{1, 0, 5}),
                            "difference_standard_error(a, b)");
}

}  // namespace
}  // namespace kolmo::stats
