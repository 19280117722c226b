#include "kolmo/verify/tolerance.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "kolmo/core/validate.hpp"

namespace kolmo::verify {
namespace {

constexpr double not_applicable = std::numeric_limits<double>::quiet_NaN();

bool all_finite(double a, double b, double c) { return std::isfinite(a) && std::isfinite(b) && std::isfinite(c); }

Outcome make_outcome(Check check, double measured, double uncertainty, double expected, std::string rule, double bound,
                     bool passed) {
  Outcome outcome;
  outcome.check = check;
  outcome.measured = measured;
  outcome.uncertainty = uncertainty;
  outcome.expected = expected;
  outcome.tolerance = {std::move(rule), bound};
  outcome.passed = passed;
  return outcome;
}

void require_alpha(const char* where, double alpha) {
  require(alpha > 0 && alpha < 1, where, "alpha", alpha,
          "a false-failure rate in (0, 1) (a statistical case takes RunContext::alpha; NaN means the case is "
          "registered as deterministic)");
}

/// 2(1 − Φ(|z|)), accurate far into the tail.
double two_sided_normal_tail(double z) {
  return 2 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::abs(z)));
}

}  // namespace

double normal_critical_value(double alpha) {
  require_alpha("kolmo::verify::normal_critical_value", alpha);
  return boost::math::quantile(boost::math::complement(boost::math::normal(), alpha / 2));
}

Outcome within_sigma(double measured, double standard_error, double expected, double alpha) {
  constexpr const char* where = "kolmo::verify::within_sigma";
  require(!(standard_error < 0), where, "standard_error", standard_error, "a non-negative standard error");
  require_alpha(where, alpha);
  const double critical = normal_critical_value(alpha);
  const double z = std::abs(measured - expected) / standard_error;  // 0/0 = NaN fails below
  const bool passed = all_finite(measured, expected, standard_error) &&
                      std::abs(measured - expected) <= critical * standard_error;
  Outcome outcome = make_outcome(Check::z_score, measured, standard_error, expected,
                                 "|measured − expected| / se ≤ Φ⁻¹(1 − α/2)", critical, passed);
  outcome.alpha = alpha;
  outcome.p_value = std::isfinite(z) ? two_sided_normal_tail(z) : (passed ? 1.0 : 0.0);
  return outcome;
}

Outcome all_within_sigma(std::span<const double> z_scores, double alpha) {
  constexpr const char* where = "kolmo::verify::all_within_sigma";
  require(!z_scores.empty(), where, "z_scores.size()", z_scores.size(), "at least one z-score");
  require_alpha(where, alpha);
  const double k = static_cast<double>(z_scores.size());
  const double critical = normal_critical_value(alpha / k);
  double worst = 0.0;
  bool finite = true;
  for (double z : z_scores) {
    finite = finite && std::isfinite(z);
    worst = std::max(worst, std::abs(z));
  }
  Outcome outcome = make_outcome(Check::max_z_score, finite ? worst : not_applicable, not_applicable, 0.0,
                                 "max |z| of k ≤ Φ⁻¹(1 − α/(2k)) (Bonferroni)", critical, finite && worst <= critical);
  outcome.alpha = alpha;
  outcome.p_value = finite ? std::min(1.0, k * two_sided_normal_tail(worst)) : 0.0;
  outcome.details = {{"z_scores", std::vector<double>(z_scores.begin(), z_scores.end())}};
  return outcome;
}

Outcome bounds_hold(std::vector<BoundComparison> comparisons, double alpha) {
  constexpr const char* where = "kolmo::verify::bounds_hold";
  require(!comparisons.empty(), where, "comparisons.size()", comparisons.size(), "at least one bound comparison");
  require_alpha(where, alpha);
  struct Test {
    double z;
    BoundRelation relation;
    std::string at;
  };
  std::vector<Test> tests;
  for (const BoundComparison& c : comparisons) {
    validate(c, where);
    for (std::size_t p = 0; p < c.points(); ++p) tests.push_back({c.z(p), c.relation, c.label + ", point " + std::to_string(p)});
    if (c.points() > 1) tests.push_back({pooled(c).z, c.relation, c.label + ", mean over points"});
  }
  const double k = static_cast<double>(tests.size());
  const boost::math::normal standard;
  // p of each test under its claim. A NaN z fails (p = 0); z = −inf below its reference (an exact gap) holds (p = 1); +inf fails.
  const auto p_of = [&](const Test& t) {
    if (std::isnan(t.z)) return 0.0;
    if (std::isinf(t.z)) return t.relation == BoundRelation::below && t.z < 0 ? 1.0 : 0.0;
    return t.relation == BoundRelation::tight ? two_sided_normal_tail(t.z)
                                              : boost::math::cdf(boost::math::complement(standard, t.z));
  };
  const Test* worst = &tests.front();
  for (const Test& t : tests) {
    if (p_of(t) < p_of(*worst)) worst = &t;
  }
  const bool tight = worst->relation == BoundRelation::tight;
  const double critical = boost::math::quantile(boost::math::complement(standard, tight ? alpha / (2 * k) : alpha / k));
  const double measured = tight ? std::abs(worst->z) : worst->z;
  const bool passed = !std::isnan(measured) && measured <= critical;  // −inf: every test is an exact gap
  Outcome outcome = make_outcome(Check::bounds, measured, not_applicable, 0.0,
                                 "each (bound − reference)/se ≤ Φ⁻¹(1 − α/k) where bound ≤ reference is claimed, "
                                 "|·| ≤ Φ⁻¹(1 − α/(2k)) where bound = reference; k tests: every point and each "
                                 "comparison's mean (Bonferroni)",
                                 critical, passed);
  outcome.alpha = alpha;
  outcome.p_value = std::min(1.0, k * p_of(*worst));
  outcome.details = {{"tests", tests.size()}, {"worst", {{"at", worst->at}, {"relation", to_string(worst->relation)}}}};
  outcome.bounds = std::move(comparisons);
  return outcome;
}

Outcome p_value_at_least(double p_value, double alpha, const std::string& test) {
  require_alpha("kolmo::verify::p_value_at_least", alpha);
  const bool passed = std::isfinite(p_value) && p_value >= alpha;
  Outcome outcome = make_outcome(Check::p_value, p_value, not_applicable, alpha, test + ": p-value ≥ α", alpha, passed);
  outcome.alpha = alpha;
  outcome.p_value = p_value;
  return outcome;
}

Outcome smallest_p_value_at_least(std::span<const double> p_values, double alpha, const std::string& tests) {
  require(!p_values.empty(), "kolmo::verify::smallest_p_value_at_least", "p_values.size()", p_values.size(),
          "at least one p-value");
  double smallest = 1.0;
  bool finite = true;
  for (double p : p_values) {
    finite = finite && std::isfinite(p);
    smallest = std::min(smallest, p);
  }
  const double adjusted = finite ? std::min(1.0, static_cast<double>(p_values.size()) * smallest) : not_applicable;
  Outcome outcome = p_value_at_least(adjusted, alpha, tests + " (Bonferroni over " + std::to_string(p_values.size()) + ")");
  outcome.details["p_values"] = std::vector<double>(p_values.begin(), p_values.end());
  return outcome;
}

Outcome at_least(double measured, double threshold, const std::string& why) {
  const bool passed = all_finite(measured, threshold, 0.0) && measured >= threshold;
  return make_outcome(Check::lower_bound, measured, not_applicable, threshold, why, threshold, passed);
}

Outcome at_most(double measured, double threshold, const std::string& why) {
  const bool passed = all_finite(measured, threshold, 0.0) && measured <= threshold;
  return make_outcome(Check::upper_bound, measured, not_applicable, threshold, why, threshold, passed);
}

Outcome within_absolute(double measured, double expected, double bound, const std::string& why) {
  require(!(bound < 0), "kolmo::verify::within_absolute", "bound", bound, "a non-negative bound");
  const bool passed = all_finite(measured, expected, bound) && std::abs(measured - expected) <= bound;
  return make_outcome(Check::absolute, measured, not_applicable, expected, why, bound, passed);
}

Outcome within_relative(double measured, double expected, double relative_bound, const std::string& why) {
  require(!(relative_bound < 0), "kolmo::verify::within_relative", "relative_bound", relative_bound,
          "a non-negative relative bound");
  return within_absolute(measured, expected, relative_bound * std::abs(expected), why);
}

namespace {

/// The order outcome shared by both order rules: interval, power requirement, verdict.
Outcome order_outcome(double estimate, double uncertainty, double lower, double upper, double advertised,
                      double max_half_width, std::string rule) {
  const double half_width = 0.5 * (upper - lower);
  const bool inside = lower <= advertised && advertised <= upper;
  const bool narrow = half_width <= max_half_width;
  Outcome outcome = make_outcome(Check::order, estimate, uncertainty, advertised, std::move(rule), half_width,
                                 all_finite(estimate, lower, upper) && inside && narrow);
  outcome.interval_lower = lower;
  outcome.interval_upper = upper;
  outcome.details = {{"interval", {lower, upper}}, {"half_width", half_width}, {"max_half_width", max_half_width}};
  if (!narrow && std::isfinite(half_width)) {
    outcome.note = "interval half-width " + describe_value(half_width) + " exceeds " + describe_value(max_half_width) +
                   ": too wide to tell the advertised order from its neighbours";
  }
  return outcome;
}

}  // namespace

Outcome order_in_local_interval(const stats::LocalOrderInterval& interval, double advertised, double alpha,
                                double max_half_width) {
  constexpr const char* where = "kolmo::verify::order_in_local_interval";
  require_alpha(where, alpha);
  require_positive(where, "max_half_width", max_half_width);
  const auto [lower, upper] = interval.interval(1 - alpha);
  Outcome outcome = order_outcome(interval.local.estimate, not_applicable, lower, upper, advertised, max_half_width,
                                  "advertised order within the last local order ± its drift bound (q = " +
                                      describe_value(interval.correction_order) + ") ± jackknife margins at 1 − α");
  outcome.alpha = alpha;
  outcome.details["local_orders"] = interval.local.orders;
  outcome.details["drift_ends"] = {interval.lower_end, interval.upper_end};
  outcome.details["jackknife_standard_errors"] = {interval.lower_standard_error, interval.upper_standard_error};
  outcome.details["groups"] = interval.groups;
  if (!interval.status.ok()) {
    outcome.note = std::string("local orders refused: ") + to_string(interval.status.code) + " at " +
                   interval.status.where + ": " + interval.status.message;
  }
  return outcome;
}

Outcome order_in_confidence_interval(const stats::OrderFit& fit, double advertised, double alpha,
                                     double max_half_width) {
  constexpr const char* where = "kolmo::verify::order_in_confidence_interval";
  require_alpha(where, alpha);
  require_positive(where, "max_half_width", max_half_width);
  const std::string rule = "advertised order in the fit's (1 − α) interval, half-width ≤ " + describe_value(max_half_width);
  if (!fit.status.ok()) {
    Outcome outcome = order_outcome(fit.slope, not_applicable, not_applicable, not_applicable, advertised,
                                    max_half_width, rule);
    outcome.alpha = alpha;
    outcome.p_value = 0.0;
    outcome.note = std::string("fit refused: ") + to_string(fit.status.code) + " at " + fit.status.where + ": " +
                   fit.status.message;
    return outcome;
  }
  const auto [lower, upper] = stats::order_interval(fit, 1 - alpha);
  Outcome outcome = order_outcome(fit.slope, fit.slope_standard_error, lower, upper, advertised, max_half_width, rule);
  outcome.alpha = alpha;
  const double t = (fit.slope - advertised) / fit.slope_standard_error;
  outcome.p_value =
      fit.interval_dof > 0
          ? 2 * boost::math::cdf(boost::math::complement(
                    boost::math::students_t(static_cast<double>(fit.interval_dof)), std::abs(t)))
          : two_sided_normal_tail(t);
  outcome.details["fit"] = {{"standard_error", fit.slope_standard_error}, {"points", fit.points_used},
                            {"reduced_chi2", fit.reduced_chi2}, {"birge_ratio", fit.birge_ratio},
                            {"interval_dof", fit.interval_dof}};
  return outcome;
}

Outcome order_in_drift_bound(std::span<const double> h, std::span<const double> error, double advertised,
                             const DriftBoundOptions& options) {
  require_positive("kolmo::verify::order_in_drift_bound", "max_half_width", options.max_half_width);
  const stats::LocalOrders local = stats::local_orders(h, error, options.error_uncertainty);
  const bool at_least = options.claim == OrderClaim::at_least;
  const std::string rule =
      std::string(at_least ? "advertised order at most the upper end of" : "advertised order within") +
      " the last local order ± its drift bound, bound ≤ " + describe_value(options.max_half_width);
  Outcome outcome = order_outcome(local.estimate, not_applicable, local.lower(), local.upper(), advertised,
                                  options.max_half_width, rule);
  if (at_least) {
    outcome.check = Check::order_at_least;
    outcome.passed = std::isfinite(local.estimate) && local.drift_bound <= options.max_half_width &&
                     local.upper() >= advertised;
  }
  outcome.details["local_orders"] = local.orders;
  outcome.details["ratio"] = local.ratio;
  outcome.details["observed_ratio"] = std::isfinite(local.observed_ratio) ? nlohmann::json(local.observed_ratio)
                                                                          : nlohmann::json();
  outcome.details["uncertainty_term"] = local.uncertainty_term;
  outcome.details["error_uncertainty"] = options.error_uncertainty;
  if (!local.status.ok()) {
    outcome.note = std::string("local orders refused: ") + to_string(local.status.code) + " at " + local.status.where +
                   ": " + local.status.message;
  }
  return outcome;
}

}  // namespace kolmo::verify
