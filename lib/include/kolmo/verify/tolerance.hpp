#pragma once
// The tolerance rules a verification case may use. Each returns a complete Outcome whose
// `passed` is the rule applied to the numbers; any NaN among them fails the rule (a NaN can
// never pass by comparing false). Tolerances are derived: a Monte Carlo standard error, a
// method's error bound, a test's false-alarm rate — never a tuned constant.

#include <span>
#include <string>

#include "kolmo/stats/order_fit.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verify {

/// Default width of the statistical rule: |measured − expected| <= 4 standard errors, a
/// two-sided false-alarm rate of 6.3e-5 per check for a normal estimator.
inline constexpr double default_sigmas = 4.0;

/// Statistical: |measured − expected| <= sigmas · standard_error.
/// Throws kolmo::Error if standard_error is negative or sigmas is not positive.
Outcome within_sigma(double measured, double standard_error, double expected, double sigmas = default_sigmas);

/// Several statistical estimates at once, given as z-scores (estimate − expected) / se: passes
/// when max |z| <= the Bonferroni bound Φ⁻¹(1 − α/(2k)) for k scores and the family-wise
/// false-alarm rate α = 2(1 − Φ(sigmas)) of a single `sigmas` rule. measured = max |z|.
Outcome all_within_sigma(std::span<const double> z_scores, double sigmas = default_sigmas);

/// measured >= threshold (e.g. a p-value against a false-alarm rate); `why` states the rule.
Outcome at_least(double measured, double threshold, const std::string& why);

/// measured <= threshold (e.g. an error against a proven bound); `why` states the rule.
Outcome at_most(double measured, double threshold, const std::string& why);

/// |measured − expected| <= bound (deterministic, e.g. a method's error bound or rounding).
Outcome within_absolute(double measured, double expected, double bound, const std::string& why);

/// |measured − expected| <= relative_bound · |expected|.
Outcome within_relative(double measured, double expected, double relative_bound, const std::string& why);

/// The order rule of convergence studies: the fit succeeded, its confidence interval is narrow
/// (half-width < max_half_width, so the check has the power to see a wrong order) and the
/// theoretical order lies in the interval widened by `widen` on each side (room for the
/// pre-asymptotic curvature of error(h) that a straight-line fit cannot absorb).
/// measured = fitted order, uncertainty = its standard error, expected = `theoretical_order`.
Outcome order_within_interval(const stats::OrderFit& fit, double theoretical_order, double widen = 0.1,
                              double max_half_width = 0.1);

}  // namespace kolmo::verify
