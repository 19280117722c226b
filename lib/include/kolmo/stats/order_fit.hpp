#pragma once
// Fit of a convergence order: error(h) ~ C h^p, estimated by (weighted) least squares of
// y = log(error) against x = log(h), with a confidence interval for the order p (the slope).
//
// Model and formulas
//   y_i = a + p x_i + noise_i,   a = log C.
//   Known standard errors se_i of the errors (Monte Carlo studies): the delta method gives
//   var(log e_i) ~ (se_i / e_i)^2, so the weights are w_i = (e_i / se_i)^2 and the weighted
//   least-squares straight line and its slope variance are (Bevington & Robinson, "Data
//   Reduction and Error Analysis", 3rd ed., ch. 6, written about the weighted means xbar, ybar):
//     p = sum w (x - xbar)(y - ybar) / S_xx,   S_xx = sum w (x - xbar)^2,   var(p) = 1 / S_xx,
//     chi2 = sum w (y - a - p x)^2,  reduced chi2 = chi2 / (n - 2).
//   The interval is p -+ z_{(1+L)/2} * se(p) with the normal quantile z, where
//     se(p) = sqrt(1 / S_xx) * max(1, sqrt(reduced chi2))
//   (the Birge ratio, Birge 1932, Phys. Rev. 40, 207; the Particle Data Group's "scale factor"):
//   scatter beyond the stated errors -- e.g. higher-order terms in the error expansion --
//   widens the interval, and a fit that is better than its errors never narrows it.
//   With n = 2 points there is no residual (dof 0): reduced_chi2 is NaN and no scaling is done.
//   Unknown variances (no standard errors given): ordinary least squares (w_i = 1), residual
//   variance s^2 = RSS / (n - 2), se(p) = s / sqrt(S_xx), and the interval uses Student-t with
//   n - 2 degrees of freedom (exact for Gaussian scatter in log error).
//
// Contract
//   * Misuse throws kolmo::Error: empty input, mismatched sizes, h <= 0 or non-finite, an error
//     that is not finite, a standard error <= 0 or non-finite, level outside (0, 1).
//   * Numerical refusals are reported in OrderFit::status (all numbers then NaN, points_used 0):
//       within_noise      -- some error <= 0, or (with standard errors) error < 2 se: the error is
//                            not resolved above its Monte Carlo noise, so log(error) is not a
//                            measurement; the message names the first offending step size h.
//                            Nothing is dropped silently: pass only the resolved range.
//       insufficient_data -- fewer than 2 points with standard errors (3 without), or fewer
//                            than 2 distinct step sizes.

#include <cstddef>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "kolmo/core/status.hpp"

namespace kolmo::stats {

/// Result of fit_order. The fitted numbers are NaN unless status.ok() (level and
/// variances_known are always set).
struct OrderFit {
  Status status;                       ///< ok, within_noise or insufficient_data
  double slope = 0.0;                  ///< the fitted order p
  double slope_standard_error = 0.0;   ///< se(p), Birge-scaled when variances are known
  double ci_lower = 0.0;               ///< lower end of the interval for p at `level`
  double ci_upper = 0.0;               ///< upper end of the interval for p at `level`
  double level = 0.0;                  ///< nominal coverage of [ci_lower, ci_upper]
  double intercept = 0.0;              ///< a = log C in log(error) = a + p log(h)
  std::size_t points_used = 0;         ///< number of (h, error) pairs fitted
  std::size_t degrees_of_freedom = 0;  ///< points_used - 2
  double chi2 = 0.0;                   ///< sum w (y - a - p x)^2 (w = 1 without standard errors)
  double reduced_chi2 = 0.0;           ///< chi2 / dof (NaN for dof 0); without standard errors it
                                       ///< is the residual variance s^2 of log(error)
  double birge_ratio = 1.0;            ///< factor applied to se(p): max(1, sqrt(reduced chi2)),
                                       ///< 1 without standard errors or with dof 0
  bool variances_known = false;        ///< true when error_standard_error was given
  /// Degrees of freedom of the Student-t quantile the interval uses; 0 for the normal quantile.
  std::size_t interval_dof = 0;
  /// Path groups of the jackknife standard error (fit_order_grouped); 0 for the other fits.
  std::size_t jackknife_groups = 0;
};

/// Order fit of a Monte Carlo study whose errors at all step sizes come from the SAME paths, so
/// that the errors are correlated across step sizes and the per-point standard errors of
/// fit_order understate or overstate the slope's uncertainty. `group_means[g][i]` is the mean of
/// the per-path error quantity at h[i] over the g-th of G disjoint groups of paths, which hold
/// `group_sizes[g]` paths each; the groups are independent. `error_of_mean` turns a mean of the
/// per-path quantity into the error that is fitted: the identity for E|X^h − X^ref|, |m| for a
/// signed weak error, √m for an RMS error from the mean of squares.
///   * The order is the weighted fit of fit_order to the overall means with weights (e/se)²
///     from `error_standard_error` (its refusals apply unchanged).
///   * Its standard error is the delete-one-group jackknife's (Quenouille 1956; Efron & Stein
///     1981): with p_(g) the same weighted fit to the means of all paths outside group g,
///       se² = (G − 1)/G · Σ_g (p_(g) − p̄)²,
///     which carries the covariance between step sizes because every replicate drops the same
///     paths at every h. The interval uses Student-t with G − 1 degrees of freedom.
/// Throws kolmo::Error on misuse: fewer than 2 groups, ragged groups, sizes that do not match.
[[nodiscard]] OrderFit fit_order_grouped(std::span<const double> h, std::span<const double> error,
                                         std::span<const double> error_standard_error,
                                         const std::vector<std::vector<double>>& group_means,
                                         std::span<const std::size_t> group_sizes,
                                         const std::function<double(double)>& error_of_mean, double level = 0.95);

/// The fit's two-sided interval for the order at another `level`, with the fit's own quantile
/// (order_interval(fit, fit.level) is [ci_lower, ci_upper]). NaN ends when the fit refused.
/// Throws kolmo::Error unless 0 < level < 1.
[[nodiscard]] std::pair<double, double> order_interval(const OrderFit& fit, double level);

/// Fits error ~ C h^p. `error_standard_error` is either empty (unknown variances) or one
/// standard error per point. See the header comment for the method and the refusal rules.
[[nodiscard]] OrderFit fit_order(std::span<const double> h, std::span<const double> error,
                                 std::span<const double> error_standard_error = {},
                                 double level = 0.95);

}  // namespace kolmo::stats
