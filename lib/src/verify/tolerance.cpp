#include "kolmo/verify/tolerance.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "kolmo/core/validate.hpp"

namespace kolmo::verify {
namespace {

constexpr double not_applicable = std::numeric_limits<double>::quiet_NaN();

bool all_finite(double a, double b, double c) { return std::isfinite(a) && std::isfinite(b) && std::isfinite(c); }

Outcome make_outcome(double measured, double uncertainty, double expected, std::string rule, double bound,
                     bool passed) {
  Outcome outcome;
  outcome.measured = measured;
  outcome.uncertainty = uncertainty;
  outcome.expected = expected;
  outcome.tolerance = {std::move(rule), bound};
  outcome.passed = passed;
  return outcome;
}

}  // namespace

Outcome within_sigma(double measured, double standard_error, double expected, double sigmas) {
  constexpr const char* where = "kolmo::verify::within_sigma";
  require(!(standard_error < 0), where, "standard_error", standard_error, "a non-negative standard error");
  require_positive(where, "sigmas", sigmas);
  const double bound = sigmas * standard_error;
  std::ostringstream rule;
  rule << "|measured - expected| <= " << sigmas << " standard errors";
  const bool passed = all_finite(measured, expected, bound) && std::abs(measured - expected) <= bound;
  return make_outcome(measured, standard_error, expected, rule.str(), bound, passed);
}

Outcome all_within_sigma(std::span<const double> z_scores, double sigmas) {
  constexpr const char* where = "kolmo::verify::all_within_sigma";
  require(!z_scores.empty(), where, "z_scores.size()", z_scores.size(), "at least one z-score");
  require(sigmas > 0, where, "sigmas", sigmas, "a positive width");
  const boost::math::normal standard;
  const double family_rate = 2 * boost::math::cdf(boost::math::complement(standard, sigmas));
  const double k = static_cast<double>(z_scores.size());
  const double bound = boost::math::quantile(boost::math::complement(standard, family_rate / (2 * k)));
  double worst = 0.0;
  bool finite = true;
  for (double z : z_scores) {
    finite = finite && std::isfinite(z);
    worst = std::max(worst, std::abs(z));
  }
  std::ostringstream rule;
  rule << "max |z| of " << z_scores.size() << " <= " << bound << " (Bonferroni, family rate of a " << sigmas
       << "-sigma rule)";
  Outcome outcome = make_outcome(finite ? worst : not_applicable, not_applicable, 0.0, rule.str(), bound,
                                 finite && worst <= bound);
  outcome.details = {{"z_scores", std::vector<double>(z_scores.begin(), z_scores.end())}};
  return outcome;
}

Outcome at_least(double measured, double threshold, const std::string& why) {
  const bool passed = all_finite(measured, threshold, 0.0) && measured >= threshold;
  return make_outcome(measured, not_applicable, threshold, why, threshold, passed);
}

Outcome at_most(double measured, double threshold, const std::string& why) {
  const bool passed = all_finite(measured, threshold, 0.0) && measured <= threshold;
  return make_outcome(measured, not_applicable, threshold, why, threshold, passed);
}

Outcome within_absolute(double measured, double expected, double bound, const std::string& why) {
  require(!(bound < 0), "kolmo::verify::within_absolute", "bound", bound, "a non-negative bound");
  const bool passed = all_finite(measured, expected, bound) && std::abs(measured - expected) <= bound;
  return make_outcome(measured, not_applicable, expected, why, bound, passed);
}

Outcome within_relative(double measured, double expected, double relative_bound, const std::string& why) {
  require(!(relative_bound < 0), "kolmo::verify::within_relative", "relative_bound", relative_bound,
          "a non-negative relative bound");
  return within_absolute(measured, expected, relative_bound * std::abs(expected), why);
}

Outcome order_within_interval(const stats::OrderFit& fit, double theoretical_order, double widen,
                              double max_half_width) {
  constexpr const char* where = "kolmo::verify::order_within_interval";
  require(!(widen < 0), where, "widen", widen, "a non-negative widening");
  require(max_half_width > 0, where, "max_half_width", max_half_width, "a positive half-width");
  const std::string why = "order in the " + describe_value(fit.level * 100) + "% CI widened by +-" +
                          describe_value(widen) + ", CI half-width < " + describe_value(max_half_width);
  if (!fit.status.ok()) {
    Outcome outcome = make_outcome(fit.slope, not_applicable, theoretical_order, why, widen, false);
    outcome.note = std::string("fit refused: ") + to_string(fit.status.code) + " at " + fit.status.where;
    return outcome;
  }
  const double half_width = 0.5 * (fit.ci_upper - fit.ci_lower);
  const bool inside = fit.ci_lower - widen <= theoretical_order && theoretical_order <= fit.ci_upper + widen;
  const bool narrow = half_width < max_half_width;
  Outcome outcome = make_outcome(fit.slope, fit.slope_standard_error, theoretical_order, why, widen,
                                 all_finite(fit.slope, fit.ci_lower, fit.ci_upper) && inside && narrow);
  outcome.details = {{"ci", {fit.ci_lower, fit.ci_upper}}, {"half_width", half_width}, {"points", fit.points_used}};
  if (!narrow) outcome.note = "CI half-width " + describe_value(half_width) + " too wide to test the order";
  return outcome;
}

}  // namespace kolmo::verify
