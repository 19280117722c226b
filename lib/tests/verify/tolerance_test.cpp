#include "kolmo/verify/tolerance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::verify {
namespace {

const double nan = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();
// 2(1 − Φ(4)): at this α the critical value is exactly 4.
const double alpha_4 = 6.334248366623996e-05;

TEST(CriticalValue, IsTheTwoSidedNormalQuantile) {
  EXPECT_NEAR(normal_critical_value(0.05), 1.959963984540054, 1e-12);
  EXPECT_NEAR(normal_critical_value(alpha_4), 4.0, 1e-9);
  KOLMO_EXPECT_THROW_NAMING(normal_critical_value(nan), "alpha");  // a deterministic case's α
  KOLMO_EXPECT_THROW_NAMING(normal_critical_value(0.0), "alpha");
  KOLMO_EXPECT_THROW_NAMING(normal_critical_value(1.0), "alpha");
}

TEST(WithinSigma, PassesInsideAndFailsOutsideTheCriticalValue) {
  EXPECT_TRUE(within_sigma(1.0 + 3.9e-2, 1e-2, 1.0, alpha_4).passed);
  EXPECT_TRUE(within_sigma(1.0 - 3.9e-2, 1e-2, 1.0, alpha_4).passed);
  EXPECT_FALSE(within_sigma(1.0 + 4.1e-2, 1e-2, 1.0, alpha_4).passed);
  EXPECT_FALSE(within_sigma(1.0 - 4.1e-2, 1e-2, 1.0, alpha_4).passed);
  EXPECT_TRUE(within_sigma(1.0 + 4.1e-2, 1e-2, 1.0, 1e-5).passed);  // a smaller α tolerates more
}

TEST(WithinSigma, RecordsNumbersRuleAlphaAndPValue) {
  const Outcome o = within_sigma(2.5, 0.1, 2.4, 0.05);
  EXPECT_EQ(o.check, Check::z_score);
  EXPECT_EQ(o.measured, 2.5);
  EXPECT_EQ(o.uncertainty, 0.1);
  EXPECT_EQ(o.expected, 2.4);
  EXPECT_NEAR(o.tolerance.bound, 1.959963984540054, 1e-12);
  EXPECT_EQ(o.alpha, 0.05);
  EXPECT_NEAR(o.p_value, 0.3173105078629141, 1e-12);  // 2(1 − Φ(1))
  EXPECT_EQ(statement(o), "|z| = 1 ≤ 1.96");
  EXPECT_EQ(statement(within_sigma(3.0, 0.1, 2.4, 0.05)), "|z| = 6 > 1.96");
}

TEST(WithinSigma, ZeroStandardErrorDemandsEquality) {
  EXPECT_TRUE(within_sigma(1.0, 0.0, 1.0, alpha_4).passed);
  EXPECT_FALSE(within_sigma(1.0 + 1e-15, 0.0, 1.0, alpha_4).passed);
}

TEST(WithinSigma, NanOrInfinityNeverPasses) {
  EXPECT_FALSE(within_sigma(nan, 1.0, 0.0, alpha_4).passed);
  EXPECT_FALSE(within_sigma(0.0, nan, 0.0, alpha_4).passed);
  EXPECT_FALSE(within_sigma(0.0, 1.0, nan, alpha_4).passed);
  EXPECT_FALSE(within_sigma(inf, 1.0, inf, alpha_4).passed);
  EXPECT_FALSE(within_sigma(0.0, inf, 0.0, alpha_4).passed);  // an infinite error bar proves nothing
}

TEST(WithinSigma, RejectsNegativeStandardErrorAndABadAlpha) {
  KOLMO_EXPECT_THROW_NAMING(within_sigma(0.0, -1.0, 0.0, alpha_4), "standard_error");
  KOLMO_EXPECT_THROW_NAMING(within_sigma(0.0, 1.0, 0.0, nan), "alpha");
  KOLMO_EXPECT_THROW_NAMING(within_sigma(0.0, 1.0, 0.0, 1.5), "alpha");
}

TEST(AllWithinSigma, UsesTheBonferroniCriticalValue) {
  const std::vector<double> z{0.5, -3.9, 1.0};
  const Outcome o = all_within_sigma(z, 3 * alpha_4);  // per-score rate alpha_4: critical value 4
  EXPECT_EQ(o.check, Check::max_z_score);
  EXPECT_NEAR(o.tolerance.bound, 4.0, 1e-9);
  EXPECT_EQ(o.measured, 3.9);
  EXPECT_TRUE(o.passed);
  EXPECT_FALSE(all_within_sigma(std::vector<double>{0.5, 4.1}, 2 * alpha_4).passed);
  EXPECT_FALSE(all_within_sigma(std::vector<double>{0.5, nan}, 0.5).passed);
  EXPECT_EQ(statement(o), "max |z| of 3 = 3.9 ≤ 4");
  KOLMO_EXPECT_THROW_NAMING(all_within_sigma(std::vector<double>{}, 0.01), "z_scores.size()");
}

TEST(PValues, AtLeastAlphaAndTheBonferroniMinimum) {
  const Outcome o = p_value_at_least(0.41, 1.3e-5, "KS");
  EXPECT_TRUE(o.passed);
  EXPECT_EQ(o.check, Check::p_value);
  EXPECT_EQ(o.p_value, 0.41);
  EXPECT_EQ(statement(o), "p = 0.41 ≥ α = 1.3e-05");
  EXPECT_FALSE(p_value_at_least(1e-6, 1.3e-5, "KS").passed);
  EXPECT_EQ(statement(p_value_at_least(1e-6, 1.3e-5, "KS")), "p = 1e-06 < α = 1.3e-05");
  EXPECT_FALSE(p_value_at_least(nan, 1.3e-5, "KS").passed);
  KOLMO_EXPECT_THROW_NAMING(p_value_at_least(0.5, nan, "KS"), "alpha");

  const std::vector<double> p{0.3, 4e-4, 0.9};  // adjusted: 3 · 4e-4 = 1.2e-3
  EXPECT_NEAR(smallest_p_value_at_least(p, 1e-3, "three tests").measured, 1.2e-3, 1e-15);
  EXPECT_TRUE(smallest_p_value_at_least(p, 1e-3, "three tests").passed);
  EXPECT_FALSE(smallest_p_value_at_least(p, 2e-3, "three tests").passed);
  EXPECT_EQ(smallest_p_value_at_least(std::vector<double>{0.9, 0.8}, 0.5, "t").measured, 1.0);  // capped
}

TEST(Thresholds, AtLeastAndAtMost) {
  EXPECT_TRUE(at_least(0.5, 0.01, "p").passed);
  EXPECT_TRUE(at_least(0.01, 0.01, "p").passed);
  EXPECT_FALSE(at_least(0.009, 0.01, "p").passed);
  EXPECT_FALSE(at_least(nan, 0.01, "p").passed);
  EXPECT_TRUE(at_most(1e-7, 1e-6, "e").passed);
  EXPECT_FALSE(at_most(2e-6, 1e-6, "e").passed);
  EXPECT_FALSE(at_most(nan, 1e-6, "e").passed);
  EXPECT_FALSE(at_most(-inf, 1e-6, "e").passed);
  const Outcome o = at_most(3e-13, 1e-12, "error below the bound");
  EXPECT_EQ(o.check, Check::upper_bound);
  EXPECT_EQ(o.tolerance.rule, "error below the bound");
  EXPECT_TRUE(std::isnan(o.uncertainty));
  EXPECT_TRUE(std::isnan(o.alpha));
  EXPECT_EQ(statement(o), "3e-13 ≤ bound 1e-12");
}

TEST(Deterministic, WithinAbsoluteAndRelative) {
  EXPECT_TRUE(within_absolute(1.0 + 1e-9, 1.0, 1e-8, "r").passed);
  EXPECT_FALSE(within_absolute(1.0 + 1e-7, 1.0, 1e-8, "r").passed);
  EXPECT_TRUE(within_absolute(0.0, 0.0, 0.0, "exact").passed);
  EXPECT_FALSE(within_absolute(nan, 0.0, 1.0, "r").passed);
  KOLMO_EXPECT_THROW_NAMING(within_absolute(0.0, 0.0, -1.0, "r"), "bound");
  EXPECT_TRUE(within_relative(100.5, 100.0, 1e-2, "r").passed);
  EXPECT_FALSE(within_relative(102.0, 100.0, 1e-2, "r").passed);
  EXPECT_FALSE(within_relative(1e-300, 0.0, 1e-2, "r").passed);  // relative to 0 means exactly 0
  KOLMO_EXPECT_THROW_NAMING(within_relative(0.0, 1.0, -1.0, "r"), "relative_bound");
  EXPECT_EQ(statement(within_absolute(3e-13, 0.0, 1e-12, "r")), "|3e-13 − 0| = 3e-13 ≤ 1e-12");
  EXPECT_EQ(statement(within_absolute(2.00054, 2.0, 8.08e-4, "r")), "|2.00054 − 2| = 0.00054 ≤ 0.000808");
}

/// A fit with known slope, standard error and quantile, for the interval rule.
stats::OrderFit fit_with(double slope, double standard_error, std::size_t interval_dof = 0) {
  stats::OrderFit fit;
  fit.status = Status::success();
  fit.slope = slope;
  fit.slope_standard_error = standard_error;
  fit.interval_dof = interval_dof;
  fit.level = 0.95;
  return fit;
}

TEST(OrderInConfidenceInterval, IsTwoSidedAtTheCasesAlpha) {
  // Normal quantile 4 at alpha_4: interval 1.0 ± 0.04.
  const Outcome o = order_in_confidence_interval(fit_with(1.0, 0.01), 1.03, alpha_4);
  EXPECT_TRUE(o.passed);
  EXPECT_EQ(o.check, Check::order);
  EXPECT_NEAR(o.interval_lower, 0.96, 1e-9);
  EXPECT_NEAR(o.interval_upper, 1.04, 1e-9);
  EXPECT_EQ(statement(o), "order 1.0000 ∈ [0.9600, 1.0400] ∋ 1.03");
  EXPECT_FALSE(order_in_confidence_interval(fit_with(1.0, 0.01), 1.05, alpha_4).passed);
  // A scheme of HIGHER order than advertised fails as well.
  const Outcome higher = order_in_confidence_interval(fit_with(2.0, 0.01), 1.0, alpha_4);
  EXPECT_FALSE(higher.passed);
  EXPECT_EQ(statement(higher), "order 2.0000 ∈ [1.9600, 2.0400] ∌ 1");
  // Student-t quantile with few jackknife groups is wider than the normal one.
  const Outcome t = order_in_confidence_interval(fit_with(1.0, 0.01, 9), 1.0, 0.05);
  EXPECT_NEAR(t.interval_upper - 1.0, 2.262157162740992 * 0.01, 1e-9);
}

TEST(OrderInConfidenceInterval, RequiresPowerAndASuccessfulFit) {
  const Outcome wide = order_in_confidence_interval(fit_with(1.0, 0.1), 1.0, alpha_4);  // ±0.4
  EXPECT_FALSE(wide.passed);
  EXPECT_NE(wide.note.find("too wide"), std::string::npos);
  stats::OrderFit refused = fit_with(nan, nan);
  refused.status = Status::failure(StatusCode::within_noise, "h = 0.5", "not resolved");
  const Outcome o = order_in_confidence_interval(refused, 1.0, alpha_4);
  EXPECT_FALSE(o.passed);
  EXPECT_NE(o.note.find("within_noise"), std::string::npos);
  KOLMO_EXPECT_THROW_NAMING(order_in_confidence_interval(fit_with(1.0, 0.01), 1.0, nan), "alpha");
}

TEST(OrderInLocalInterval, WidensTheDriftEndsByTheJackknifeAtTheCasesAlpha) {
  stats::LocalOrderInterval interval;
  interval.status = Status::success();
  interval.local.estimate = 1.02;
  interval.lower_end = 0.99;
  interval.upper_end = 1.05;
  interval.lower_standard_error = interval.upper_standard_error = 0.01;
  interval.groups = 100;
  interval.correction_order = 0.5;
  const Outcome o = order_in_local_interval(interval, 1.0, alpha_4);
  EXPECT_TRUE(o.passed);
  EXPECT_EQ(o.alpha, alpha_4);
  const auto [lower, upper] = interval.interval(1 - alpha_4);
  EXPECT_EQ(o.interval_lower, lower);
  EXPECT_GT(0.99 - lower, 0.04);  // Student-t(99) at 6.3e-5 is above the normal 4
  EXPECT_FALSE(order_in_local_interval(interval, 1.5, alpha_4).passed);
  EXPECT_FALSE(order_in_local_interval(interval, 0.5, alpha_4).passed);
  interval.upper_standard_error = 0.1;  // ±0.4 and more: no power
  EXPECT_FALSE(order_in_local_interval(interval, 1.0, alpha_4).passed);
  KOLMO_EXPECT_THROW_NAMING(order_in_local_interval(interval, 1.0, nan), "alpha");
}

TEST(OrderInDriftBound, AcceptsASettledStudyAndRejectsAWrongOrder) {
  // e = h² (1 + h): local orders 2 + O(h) approach 2 from above.
  std::vector<double> h, e;
  for (double step : {0.1, 0.05, 0.025, 0.0125, 0.00625}) {
    h.push_back(step);
    e.push_back(step * step * (1 + step));
  }
  const Outcome two = order_in_drift_bound(h, e, 2.0);
  EXPECT_TRUE(two.passed) << statement(two);
  EXPECT_GT(two.measured, 2.0);
  EXPECT_FALSE(order_in_drift_bound(h, e, 1.0).passed);
  EXPECT_FALSE(order_in_drift_bound(h, e, 3.0).passed);  // higher than measured fails too
}

TEST(OrderInDriftBound, RefusesLocalOrdersThatDoNotSettle) {
  const std::vector<double> h{0.1, 0.05, 0.025, 0.0125};
  const std::vector<double> e{1e-2, 2e-3, 8e-4, 1e-4};  // local orders 2.32, 1.32, 3.0
  const Outcome o = order_in_drift_bound(h, e, 2.0);
  EXPECT_FALSE(o.passed);
  EXPECT_NE(o.note.find("not_converged"), std::string::npos) << o.note;
}

}  // namespace
}  // namespace kolmo::verify

namespace kolmo::verify {
namespace {

BoundComparison comparison(BoundRelation relation, std::vector<double> bound, std::vector<double> reference) {
  return {"test", relation, bound, std::vector<double>(bound.size(), 1.0), std::move(reference), {}, {}};
}

TEST(BoundsHold, OneSidedWhereTheClaimIsAnInequalityTwoSidedWhereItIsTight) {
  const double alpha = 1e-3;
  // Far below its reference: a gap, not a failure.
  EXPECT_TRUE(bounds_hold({comparison(BoundRelation::below, {-50.0}, {0.0})}, alpha).passed);
  // The same distance claimed tight fails.
  EXPECT_FALSE(bounds_hold({comparison(BoundRelation::tight, {-50.0}, {0.0})}, alpha).passed);
  // Above its reference by more than the one-sided quantile Φ⁻¹(1 − α) = 3.09 fails; by 3 it passes.
  EXPECT_FALSE(bounds_hold({comparison(BoundRelation::below, {3.2}, {0.0})}, alpha).passed);
  const Outcome at_three = bounds_hold({comparison(BoundRelation::below, {3.0}, {0.0})}, alpha);
  EXPECT_TRUE(at_three.passed);
  EXPECT_NEAR(at_three.tolerance.bound, 3.0902, 1e-4);
  EXPECT_EQ(at_three.check, Check::bounds);
  EXPECT_NE(statement(at_three).find("(bound ≤ ref)"), std::string::npos);
}

TEST(BoundsHold, ThePooledMeanCatchesABiasSharedByEveryPoint) {
  // 25 points each 1.5 SE above: no single z reaches the quantile, their mean (z = 7.5) does.
  const Outcome outcome = bounds_hold({comparison(BoundRelation::below, std::vector<double>(25, 1.5), std::vector<double>(25, 0.0))}, 1e-3);
  EXPECT_FALSE(outcome.passed);
  EXPECT_EQ(outcome.details["tests"].get<std::size_t>(), 26u);
  EXPECT_NE(outcome.details["worst"]["at"].get<std::string>().find("mean over points"), std::string::npos);
  const PooledBound mean = pooled(outcome.bounds.front());
  EXPECT_NEAR(mean.gap, -1.5, 1e-12);
  EXPECT_NEAR(mean.gap_standard_error, 0.2, 1e-12);
}

TEST(BoundsHold, ANanFailsAndMismatchedVectorsAreMisuse) {
  EXPECT_FALSE(bounds_hold({comparison(BoundRelation::below, {std::nan("")}, {0.0})}, 1e-3).passed);
  BoundComparison bad = comparison(BoundRelation::below, {1.0, 2.0}, {0.0});
  EXPECT_THROW((void)bounds_hold({bad}, 1e-3), kolmo::Error);
  EXPECT_THROW((void)bounds_hold({}, 1e-3), kolmo::Error);
  BoundComparison negative = comparison(BoundRelation::below, {1.0}, {0.0});
  negative.gap_standard_error = {-1.0};  // would flip z's sign and pass a bound above its reference
  EXPECT_THROW((void)bounds_hold({negative}, 1e-3), kolmo::Error);
}

TEST(BoundsHold, ExactComparisonsWithoutErrorBars) {
  // SE 0: an exact gap holds (z = −inf), an exact agreement is tight (0/0 read as z = 0), an exact excess fails.
  BoundComparison gap = comparison(BoundRelation::below, {-1.0}, {0.0});
  gap.standard_error = {0.0};
  EXPECT_TRUE(bounds_hold({gap}, 1e-3).passed);
  BoundComparison equal = comparison(BoundRelation::tight, {2.0}, {2.0});
  equal.standard_error = {0.0};
  EXPECT_TRUE(bounds_hold({equal}, 1e-3).passed);
  BoundComparison excess = comparison(BoundRelation::below, {1.0}, {0.0});
  excess.standard_error = {0.0};
  EXPECT_FALSE(bounds_hold({excess}, 1e-3).passed);
}

TEST(BoundsHold, JsonAndSummaryCarryTheBoundTheReferenceAndTheGap) {
  BoundComparison c = comparison(BoundRelation::below, {-1.0, -2.0}, {-0.5, -1.5});
  c.reference_standard_error = {0.5, 0.5};
  const nlohmann::json j = to_json(c);
  EXPECT_EQ(j["relation"], "below");
  EXPECT_EQ(j["points"], 2);
  EXPECT_NEAR(j["mean"]["gap"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(j["per_point"]["gap_standard_error"][0].get<double>(), std::hypot(1.0, 0.5), 1e-12);
  EXPECT_NE(summary_line(c).find("gap 0.5"), std::string::npos);
}

}  // namespace
}  // namespace kolmo::verify
