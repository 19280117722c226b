#pragma once
// The tolerance rules a verification case may use. Each returns a complete Outcome whose
// `passed` is the rule applied to the numbers; any NaN among them fails the rule (a NaN can
// never pass by comparing false). Tolerances are derived: a Monte Carlo standard error, a
// method's error bound, a test's false-alarm rate — never a tuned constant.

#include <string>

#include "kolmo/verify/case.hpp"

namespace kolmo::verify {

/// Default width of the statistical rule: |measured − expected| <= 4 standard errors, a
/// two-sided false-alarm rate of 6.3e-5 per check for a normal estimator.
inline constexpr double default_sigmas = 4.0;

/// Statistical: |measured − expected| <= sigmas · standard_error.
/// Throws kolmo::Error if standard_error is negative or sigmas is not positive.
Outcome within_sigma(double measured, double standard_error, double expected, double sigmas = default_sigmas);

/// measured >= threshold (e.g. a p-value against a false-alarm rate); `why` states the rule.
Outcome at_least(double measured, double threshold, const std::string& why);

/// measured <= threshold (e.g. an error against a proven bound); `why` states the rule.
Outcome at_most(double measured, double threshold, const std::string& why);

/// |measured − expected| <= bound (deterministic, e.g. a method's error bound or rounding).
Outcome within_absolute(double measured, double expected, double bound, const std::string& why);

/// |measured − expected| <= relative_bound · |expected|.
Outcome within_relative(double measured, double expected, double relative_bound, const std::string& why);

}  // namespace kolmo::verify
