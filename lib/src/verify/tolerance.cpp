#include "kolmo/verify/tolerance.hpp"

#include <cmath>
#include <limits>
#include <sstream>

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

}  // namespace kolmo::verify
