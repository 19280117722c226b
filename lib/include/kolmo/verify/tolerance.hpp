#pragma once
// The rules a verification case may use. Each returns a complete Outcome whose `passed` is the
// rule applied to the numbers; any NaN among them fails the rule (a NaN can never pass by
// comparing false). Tolerances are derived, never tuned:
//   * statistical rules take the false-failure rate α the case may spend (RunContext::alpha, its
//     share of the tier's budget, error_budget.hpp) and turn it into a critical value;
//   * deterministic rules take a method's error bound, stated by the case with its derivation;
//   * order rules state an interval for the order — a (1 − α) confidence interval for Monte Carlo
//     studies, the local-order drift bound for deterministic ones — and pass when the advertised
//     order lies inside it. No rule widens an interval by a constant.

#include <span>
#include <string>
#include <vector>

#include "kolmo/stats/local_orders.hpp"
#include "kolmo/stats/order_fit.hpp"
#include "kolmo/verify/bound_comparison.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verify {

/// Φ⁻¹(1 − α/2): the |z| a two-sided normal test at false-alarm rate α tolerates.
/// Throws kolmo::Error unless 0 < α < 1 (a NaN α means a deterministic case used a statistical rule).
double normal_critical_value(double alpha);

/// Statistical: |measured − expected| ≤ Φ⁻¹(1 − α/2) · standard_error, for an estimator that is
/// normal to good approximation (a mean of many independent draws). p-value 2(1 − Φ(|z|)).
/// Throws kolmo::Error if standard_error is negative or α is not in (0, 1).
Outcome within_sigma(double measured, double standard_error, double expected, double alpha);

/// Several statistical estimates at once, given as z-scores (estimate − expected) / se: passes
/// when max |z| ≤ Φ⁻¹(1 − α/(2k)) for k scores (Bonferroni: family-wise rate ≤ α whatever their
/// correlation). measured = max |z|; p-value min(1, k · 2(1 − Φ(max |z|))).
Outcome all_within_sigma(std::span<const double> z_scores, double alpha);

/// Statistical: variational bounds against their references (bound_comparison.hpp). Over every
/// point of every comparison and each comparison's pooled mean (k tests in all), each spends α/k
/// (Bonferroni): where the claim is bound ≤ reference, z = (bound − reference)/se_gap ≤ Φ⁻¹(1 − α/k),
/// one-sided, so a gap never fails; where it is bound = reference, |z| ≤ Φ⁻¹(1 − α/(2k)).
/// measured = the z (|z| for a tight one) of the test with the smallest p-value and tolerance.bound
/// its critical value; a NaN z fails, z = −inf where bound ≤ reference is claimed holds;
/// p-value min(1, k · that p). The comparisons go to Outcome::bounds (table lines and JSON).
/// Throws kolmo::Error on no comparisons, mismatched vector lengths or a negative standard error.
Outcome bounds_hold(std::vector<BoundComparison> comparisons, double alpha);

/// Statistical: a test's p-value ≥ α. `test` names it ("KS against the exact CDF").
Outcome p_value_at_least(double p_value, double alpha, const std::string& test);

/// Statistical: k tests at once, held together by Bonferroni: passes when the smallest p-value,
/// times k (the Bonferroni-adjusted p-value, capped at 1), is ≥ α. measured = the adjusted p;
/// the k p-values go to details["p_values"]. `tests` names them.
Outcome smallest_p_value_at_least(std::span<const double> p_values, double alpha, const std::string& tests);

/// measured ≥ threshold (deterministic, e.g. a minimum against −round-off); `why` states the rule.
Outcome at_least(double measured, double threshold, const std::string& why);

/// measured ≤ threshold (deterministic, e.g. an error against a proven bound); `why` states the rule.
Outcome at_most(double measured, double threshold, const std::string& why);

/// |measured − expected| ≤ bound (deterministic, e.g. a method's error bound or rounding).
Outcome within_absolute(double measured, double expected, double bound, const std::string& why);

/// |measured − expected| ≤ relative_bound · |expected|.
Outcome within_relative(double measured, double expected, double relative_bound, const std::string& why);

/// Default power requirement of the order rules: an interval must be narrower than ±0.25, so it
/// cannot contain both the advertised order and an order ±0.5 away — the nearest order a wrong
/// scheme commonly has (strong orders move in halves, weak and grid orders in wholes). It can only
/// turn a pass into a fail.
inline constexpr double default_max_half_width = 0.25;

/// Monte Carlo order (an order fit whose errors carry standard errors): passes when the fit
/// succeeded, the advertised order lies in the fit's two-sided (1 − α) interval (fit quantile:
/// normal, or Student-t with the fit's interval_dof), and the interval's half-width is at most
/// `max_half_width`. p-value: the two-sided tail of (fitted − advertised) / se.
Outcome order_in_confidence_interval(const stats::OrderFit& fit, double advertised, double alpha,
                                     double max_half_width = default_max_half_width);

/// Monte Carlo order from local orders (stats::local_order_interval): passes when the interval at
/// level 1 − α — the last local order ± its drift bound, widened by jackknife margins — contains
/// the advertised order and is at most ±max_half_width wide.
Outcome order_in_local_interval(const stats::LocalOrderInterval& interval, double advertised, double alpha,
                                double max_half_width = default_max_half_width);

/// What a deterministic order check claims.
///   equals   — the order IS the advertised one: a scheme's order, checked two-sided, so a scheme
///              of higher order than advertised fails as well as one of lower order;
///   at_least — the error falls at least that fast: for the distance between two approximations
///              of one quantity, each of the advertised order, O(h^p) is an upper bound, and a
///              faster decay (cancelling leading terms) confirms the claim as well.
enum class OrderClaim { equals, at_least };

/// Deterministic order: passes when the local orders settled (stats/local_orders.hpp), the drift
/// bound is at most `max_half_width`, and the advertised order lies in [estimate − drift_bound,
/// estimate + drift_bound] (equals) or at most at its upper end (at_least). The local orders and
/// the ratio used go to `details`. `error_uncertainty` as in stats::local_orders: the case
/// states it with its derivation.
struct DriftBoundOptions {
  OrderClaim claim = OrderClaim::equals;
  double max_half_width = default_max_half_width;
  double error_uncertainty = 0.0;
};
Outcome order_in_drift_bound(std::span<const double> h, std::span<const double> error, double advertised,
                             const DriftBoundOptions& options = {});

}  // namespace kolmo::verify
