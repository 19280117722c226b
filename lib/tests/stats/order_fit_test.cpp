#include "kolmo/stats/order_fit.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "support/expect_error.hpp"
#include "kolmo/random/normal.hpp"

namespace kolmo::stats {
namespace {

// Recorded seed of every statistical test in this file.
constexpr std::uint64_t seed = 20240611;

const std::vector<double> steps{0.1, 0.05, 0.025, 0.0125, 0.00625};

std::vector<double> power_law(double c, double p, const std::vector<double>& h) {
  std::vector<double> e;
  for (double value : h) e.push_back(c * std::pow(value, p));
  return e;
}

double z_quantile(double level) {
  return boost::math::quantile(boost::math::normal(), 0.5 * (1.0 + level));
}

// Coverage of R replicate 95% intervals: binomial standard deviation sqrt(0.95 * 0.05 / R);
// a correct interval lands within 4 of them of 0.95 except with probability ~6e-5.
constexpr int replicates = 2000;
const double coverage_tolerance = 4.0 * std::sqrt(0.95 * 0.05 / replicates);

TEST(OrderFit, RecoversAnExactPowerLawWithoutStandardErrors) {
  const OrderFit fit = fit_order(steps, power_law(3.0, 2.0, steps));
  ASSERT_TRUE(fit.status.ok()) << fit.status.message;
  // log and pow each cost ~1 ulp on values of size ~10: 1e-12 is ~500 ulps of slack.
  EXPECT_NEAR(fit.slope, 2.0, 1e-12);
  EXPECT_NEAR(fit.intercept, std::log(3.0), 1e-12);
  EXPECT_LT(fit.ci_upper - fit.ci_lower, 1e-10);  // residuals are rounding only
  EXPECT_LE(fit.ci_lower, fit.slope);
  EXPECT_GE(fit.ci_upper, fit.slope);
  EXPECT_EQ(fit.points_used, steps.size());
  EXPECT_EQ(fit.degrees_of_freedom, steps.size() - 2);
  EXPECT_FALSE(fit.variances_known);
  EXPECT_EQ(fit.birge_ratio, 1.0);
}

TEST(OrderFit, KnownVariancesGiveTheWeightedSlopeError) {
  // Exact data with 1% relative standard errors: weights w = 1/0.01^2 = 1e4 for every point,
  // so var(p) = 1 / (1e4 sum (x - xbar)^2) and chi2 ~ 0 (the Birge ratio stays 1).
  const std::vector<double> e = power_law(0.5, 1.0, steps);
  std::vector<double> se;
  for (double value : e) se.push_back(0.01 * value);
  const OrderFit fit = fit_order(steps, e, se, 0.9);
  ASSERT_TRUE(fit.status.ok()) << fit.status.message;
  EXPECT_NEAR(fit.slope, 1.0, 1e-12);
  double x_bar = 0, s_xx = 0;
  for (double h : steps) x_bar += std::log(h) / static_cast<double>(steps.size());
  for (double h : steps) s_xx += (std::log(h) - x_bar) * (std::log(h) - x_bar);
  const double expected_se = std::sqrt(1.0 / (1e4 * s_xx));
  EXPECT_NEAR(fit.slope_standard_error, expected_se, 1e-12 * expected_se);
  EXPECT_NEAR(fit.ci_upper - fit.slope, z_quantile(0.9) * expected_se, 1e-12);
  EXPECT_EQ(fit.birge_ratio, 1.0);
  EXPECT_LT(fit.reduced_chi2, 1e-20);
  EXPECT_TRUE(fit.variances_known);
}

TEST(OrderFit, LackOfFitWidensTheIntervalByTheBirgeRatio) {
  // Errors alternate 10% around an h^2 law while claiming 0.1% standard errors: the residual
  // scatter is ~100 standard errors, so reduced chi2 >> 1 and se(p) must grow by its sqrt.
  std::vector<double> e = power_law(1.0, 2.0, steps), se;
  for (std::size_t i = 0; i < e.size(); ++i) {
    e[i] *= (i % 2 == 0) ? 1.1 : 0.9;
    se.push_back(1e-3 * e[i]);
  }
  const OrderFit fit = fit_order(steps, e, se);
  ASSERT_TRUE(fit.status.ok());
  ASSERT_GT(fit.reduced_chi2, 1.0);
  EXPECT_NEAR(fit.birge_ratio, std::sqrt(fit.reduced_chi2), 1e-15 * fit.birge_ratio);
  double x_bar = 0, s_xx = 0;
  for (double h : steps) x_bar += std::log(h) / static_cast<double>(steps.size());
  for (double h : steps) s_xx += 1e6 * (std::log(h) - x_bar) * (std::log(h) - x_bar);
  const double unscaled = std::sqrt(1.0 / s_xx);
  EXPECT_NEAR(fit.slope_standard_error, unscaled * fit.birge_ratio,
              1e-12 * fit.slope_standard_error);
  // The alternating scatter biases nothing much: the widened interval still covers 2.
  EXPECT_LE(fit.ci_lower, 2.0);
  EXPECT_GE(fit.ci_upper, 2.0);
}

// One replicate of noisy synthetic data: log e = log C + p log h + sigma_i * N(0, 1).
std::vector<double> noisy(const std::vector<double>& h, double p, const std::vector<double>& sigma,
                          std::uint64_t replicate) {
  std::vector<double> e(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    const double z =
        random::standard_normal({seed, random::Purpose::verification, replicate, i, 0});
    e[i] = 2.0 * std::pow(h[i], p) * std::exp(sigma[i] * z);
  }
  return e;
}

TEST(OrderFit, StudentIntervalCoversAtItsLevelWithUnknownVariances) {
  // Gaussian scatter in log(error) is exactly the OLS model: coverage is exactly 95%.
  const std::vector<double> sigma(steps.size(), 0.05);
  int covered = 0;
  for (int r = 0; r < replicates; ++r) {
    const OrderFit fit = fit_order(steps, noisy(steps, 1.5, sigma, static_cast<std::uint64_t>(r)));
    ASSERT_TRUE(fit.status.ok());
    covered += (fit.ci_lower <= 1.5 && 1.5 <= fit.ci_upper) ? 1 : 0;
  }
  EXPECT_NEAR(covered / double(replicates), 0.95, coverage_tolerance);
}

TEST(OrderFit, KnownVarianceIntervalCoversAndBirgeNeverUndercovers) {
  // se_i = sigma_i e_i makes the delta-method weights exactly 1/sigma_i^2. With two points
  // there is no residual and the normal interval covers exactly 95%; with five, the Birge
  // factor can only widen it, so coverage is at least 95%.
  const std::vector<double> two_steps{0.1, 0.02};
  const std::vector<double> sigma2{0.02, 0.08}, sigma5{0.01, 0.02, 0.04, 0.08, 0.16};
  int covered2 = 0, covered5 = 0;
  for (int r = 0; r < replicates; ++r) {
    const auto rr = static_cast<std::uint64_t>(r);
    const std::vector<double> e2 = noisy(two_steps, 1.0, sigma2, rr);
    const std::vector<double> se2{sigma2[0] * e2[0], sigma2[1] * e2[1]};
    const OrderFit fit2 = fit_order(two_steps, e2, se2);
    ASSERT_TRUE(fit2.status.ok());
    EXPECT_TRUE(std::isnan(fit2.reduced_chi2));
    covered2 += (fit2.ci_lower <= 1.0 && 1.0 <= fit2.ci_upper) ? 1 : 0;

    const std::vector<double> e5 = noisy(steps, 1.0, sigma5, rr + replicates);
    std::vector<double> se5;
    for (std::size_t i = 0; i < e5.size(); ++i) se5.push_back(sigma5[i] * e5[i]);
    const OrderFit fit5 = fit_order(steps, e5, se5);
    ASSERT_TRUE(fit5.status.ok());
    covered5 += (fit5.ci_lower <= 1.0 && 1.0 <= fit5.ci_upper) ? 1 : 0;
  }
  EXPECT_NEAR(covered2 / double(replicates), 0.95, coverage_tolerance);
  EXPECT_GE(covered5 / double(replicates), 0.95 - coverage_tolerance);
}

TEST(OrderFit, IntervalExcludesAWrongOrder) {
  // Euler–Maruyama-like weak error ~ h^1 with 2% Monte Carlo noise: se(p) is about
  // 0.02 / sqrt(sum (x - xbar)^2) ~ 0.01, so the interval is ~ +-0.02 wide and must exclude the
  // orders 0.5 and 2 that a wrong method would show (both are > 25 standard errors away).
  const std::vector<double> sigma(steps.size(), 0.02);
  const std::vector<double> e = noisy(steps, 1.0, sigma, 999'999);
  std::vector<double> se;
  for (double value : e) se.push_back(0.02 * value);
  const OrderFit fit = fit_order(steps, e, se);
  ASSERT_TRUE(fit.status.ok());
  EXPECT_FALSE(fit.ci_lower <= 2.0 && 2.0 <= fit.ci_upper);
  EXPECT_FALSE(fit.ci_lower <= 0.5 && 0.5 <= fit.ci_upper);
  EXPECT_LT(fit.ci_upper - fit.ci_lower, 0.2);
}

TEST(OrderFit, RefusesErrorsWithinMonteCarloNoise) {
  // At h = 0.025 the error 1e-4 is below 2 se = 2e-4: not resolved, the fit is refused.
  const std::vector<double> h{0.1, 0.05, 0.025};
  const std::vector<double> e{1e-2, 2.5e-3, 1e-4}, se{1e-4, 1e-4, 1e-4};
  const OrderFit fit = fit_order(h, e, se);
  EXPECT_EQ(fit.status.code, StatusCode::within_noise);
  EXPECT_NE(fit.status.where.find("0.025"), std::string::npos) << fit.status.where;
  EXPECT_NE(fit.status.message.find("h = 0.025"), std::string::npos) << fit.status.message;
  EXPECT_TRUE(std::isnan(fit.slope));
  EXPECT_EQ(fit.points_used, 0u);

  // A non-positive error is refused with or without standard errors.
  const OrderFit zero = fit_order(h, std::vector<double>{1e-2, 0.0, 1e-4});
  EXPECT_EQ(zero.status.code, StatusCode::within_noise);
  EXPECT_NE(zero.status.message.find("h = 0.05"), std::string::npos) << zero.status.message;
  const OrderFit negative = fit_order(h, std::vector<double>{1e-2, 1e-3, -1e-4}, se);
  EXPECT_EQ(negative.status.code, StatusCode::within_noise);
}

TEST(OrderFit, RefusesTooFewPoints) {
  const std::vector<double> h2{0.1, 0.05}, e2{1e-2, 2.5e-3};
  EXPECT_EQ(fit_order(h2, e2).status.code, StatusCode::insufficient_data);      // 3 needed
  EXPECT_TRUE(fit_order(h2, e2, std::vector<double>{1e-4, 1e-4}).status.ok());  // 2 suffice
  const std::vector<double> h1{0.1}, e1{1e-2}, se1{1e-4};
  EXPECT_EQ(fit_order(h1, e1, se1).status.code, StatusCode::insufficient_data);
  const std::vector<double> same{0.1, 0.1, 0.1}, e3{1e-2, 1.1e-2, 0.9e-2};
  EXPECT_EQ(fit_order(same, e3).status.code, StatusCode::insufficient_data);
}

TEST(OrderFit, RejectsMisuse) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> h{0.1, 0.05, 0.025}, e{1e-2, 2.5e-3, 6e-4}, se{1e-5, 1e-5, 1e-5};
  const std::vector<double> empty;
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(empty, empty), "h.size()");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(h, std::vector<double>{1e-2, 1e-3}), "error.size()");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(h, e, std::vector<double>{1e-5}),
                            "error_standard_error.size()");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(std::vector<double>{0.1, 0.0, 0.025}, e), "h");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(std::vector<double>{0.1, nan, 0.025}, e), "h");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(h, std::vector<double>{1e-2, nan, 1e-4}), "error");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(h, e, std::vector<double>{1e-5, 0.0, 1e-5}),
                            "error_standard_error");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(h, e, std::vector<double>{1e-5, -1.0, 1e-5}),
                            "error_standard_error");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(h, e, se, 1.0), "level");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order(h, e, se, 0.0), "level");
}

// Paths shared by all step sizes: per-path error C h_i^p (1 + a ξ_j + b η_ij) with a common ξ_j
// (the path) and a small independent η_ij. The common part cancels in the slope, so per-point
// standard errors overstate the slope's uncertainty; the group jackknife measures it.
struct SharedPathStudy {
  std::vector<double> error, se;
  std::vector<std::vector<double>> group_means;
  std::vector<std::size_t> sizes;
};

SharedPathStudy shared_path_study(const std::vector<double>& h, double p, std::uint64_t replicate) {
  constexpr std::size_t groups = 20, per_group = 50;
  constexpr double a = 0.5, b = 0.05;
  SharedPathStudy study;
  study.sizes.assign(groups, per_group);
  study.group_means.assign(groups, std::vector<double>(h.size(), 0.0));
  std::vector<double> sum(h.size(), 0.0), sum_sq(h.size(), 0.0);
  for (std::size_t j = 0; j < groups * per_group; ++j) {
    const double xi = random::standard_normal({seed, random::Purpose::verification, 1000 + replicate, j, 0});
    for (std::size_t i = 0; i < h.size(); ++i) {
      const double eta = random::standard_normal({seed, random::Purpose::verification, 1000 + replicate, j, 1 + i});
      const double e = 2.0 * std::pow(h[i], p) * (1 + a * xi + b * eta);
      study.group_means[j / per_group][i] += e / per_group;
      sum[i] += e;
      sum_sq[i] += e * e;
    }
  }
  const double n = groups * per_group;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const double mean = sum[i] / n;
    study.error.push_back(mean);
    study.se.push_back(std::sqrt((sum_sq[i] / n - mean * mean) / (n - 1)));
  }
  return study;
}

TEST(OrderFitGrouped, JackknifeIntervalCoversWhenErrorsShareTheirPaths) {
  constexpr int studies = 1000;
  const double tolerance = 4.0 * std::sqrt(0.95 * 0.05 / studies);
  int covered = 0;
  double jackknife_width = 0, naive_width = 0;
  for (int r = 0; r < studies; ++r) {
    const SharedPathStudy s = shared_path_study(steps, 1.5, static_cast<std::uint64_t>(r));
    const OrderFit fit = fit_order_grouped(steps, s.error, s.se, s.group_means, s.sizes, [](double m) { return m; });
    ASSERT_TRUE(fit.status.ok());
    EXPECT_EQ(fit.interval_dof, 19u);
    EXPECT_EQ(fit.jackknife_groups, 20u);
    covered += (fit.ci_lower <= 1.5 && 1.5 <= fit.ci_upper) ? 1 : 0;
    jackknife_width += fit.ci_upper - fit.ci_lower;
    const OrderFit naive = fit_order(steps, s.error, s.se);
    naive_width += naive.ci_upper - naive.ci_lower;
  }
  EXPECT_NEAR(covered / double(studies), 0.95, tolerance);
  // The per-point interval treats the shared ξ as independent noise at every h: far too wide.
  EXPECT_GT(naive_width, 3 * jackknife_width);
}

TEST(OrderFitGrouped, RejectsRaggedGroupsAndKeepsTheFitsRefusals) {
  const std::vector<double> h{0.1, 0.05}, e{1e-2, 2.5e-3}, se{1e-4, 1e-4};
  const std::vector<std::size_t> sizes{10, 10};
  const auto identity = [](double m) { return m; };
  KOLMO_EXPECT_THROW_NAMING((void)fit_order_grouped(h, e, se, {{1e-2, 2.5e-3}}, std::vector<std::size_t>{10}, identity),
                            "group_means.size()");
  KOLMO_EXPECT_THROW_NAMING((void)fit_order_grouped(h, e, se, {{1e-2, 2.5e-3}, {1e-2}}, sizes, identity),
                            "group_means[1].size()");
  // An error below 2 standard errors is refused by the underlying fit.
  const std::vector<double> unresolved{1e-2, 1e-4};
  EXPECT_EQ(fit_order_grouped(h, unresolved, se, {{1e-2, 1e-4}, {1e-2, 1e-4}}, sizes, identity).status.code,
            StatusCode::within_noise);
  // Identical groups: no spread, a zero-width interval at the exact slope 2.
  const OrderFit exact = fit_order_grouped(h, e, se, {{1e-2, 2.5e-3}, {1e-2, 2.5e-3}}, sizes, identity);
  EXPECT_NEAR(exact.slope, 2.0, 1e-12);
  EXPECT_EQ(exact.slope_standard_error, 0.0);
}

}  // namespace
}  // namespace kolmo::stats
