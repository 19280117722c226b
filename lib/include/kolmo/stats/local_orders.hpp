#pragma once
// Local (observed) orders of a deterministic convergence study and a bound on how far the last
// of them can still be from the asymptotic order.
//
// Model and formulas
//   With the points sorted so that h_0 > h_1 > ... > h_{n-1}, errors e_i, the local orders are
//     p_i = log(e_i / e_{i+1}) / log(h_i / h_{i+1}),   i = 0 .. n-2.
//   For an error expansion e(h) = C h^p (1 + c h^q + o(h^q)) they approach p as
//     p_i = p + c' h_i^q + ...,
//   a geometric sequence with ratio ρ = (h_{i+1} / h_i)^q per refinement. Summing the tail of
//   that sequence bounds the distance of the last local order from p by the last change
//   Δ = p_{n-2} − p_{n-3}:
//     |p_{n-2} − p| ≤ |Δ| ρ / (1 − ρ).
//   ρ is taken as the largest of
//     * the last refinement ratio r = h_{n-1} / h_{n-2} — the value of ρ for a correction term of
//       order q = 1, an upper bound for any q ≥ 1 (no free constant: the step sizes fix it), and
//     * the observed ratio of the last two changes, |Δ_{n-2} / Δ_{n-3}| (the three finest local
//       orders: n ≥ 4 points), which exceeds r when the correction decays more slowly than h —
//       then the data say so.
//   An observed ratio ≥ 1 means the local orders do not settle: the study is not in its
//   asymptotic range and no bound exists (status not_converged).
//   This is Richardson's argument applied to the order estimate itself (Roache 1998,
//   "Verification and Validation in Computational Science and Engineering", ch. 5: observed
//   order from three grids; Oberkampf & Roy 2010, §8.6).
//
//   Errors that do not vanish with h: a case states `error_uncertainty`, the absolute
//   uncertainty of every error value that no refinement removes — round-off, the truncation of
//   an infinite domain, a reference solution's own error — derived in the case. With
//   u = error_uncertainty + 4 ε e (ε = 2^-52), a local order is uncertain by
//     δ_i = (u_i / e_i + u_{i+1} / e_{i+1}) / log(h_i / h_{i+1});
//   the last δ is added to the bound, and changes of the local orders no larger than the two δ
//   they compare are noise, not drift: they enter no observed ratio.
//
// Contract
//   * Misuse throws kolmo::Error: fewer than 3 points, mismatched sizes, h not positive or two
//     equal step sizes, an error that is not finite, a negative error_uncertainty. The points
//     may come in any order.
//   * Refusals are a status: within_noise when an error is ≤ 0 (no logarithm); not_converged
//     as above. The numbers are then NaN.

#include <cstddef>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "kolmo/core/status.hpp"

namespace kolmo::stats {

struct LocalOrders {
  Status status;
  std::vector<double> orders;      ///< p_0 .. p_{n-2}, from the coarsest pair to the finest
  double estimate = 0.0;           ///< p_{n-2}, the local order of the two finest steps
  double drift_bound = 0.0;        ///< |Δ| ρ / (1 − ρ) + uncertainty_term: the bound on |estimate − p|
  double uncertainty_term = 0.0;   ///< δ of the last local order, from error_uncertainty and round-off
  double ratio = 0.0;              ///< ρ used in the bound
  double observed_ratio = 0.0;     ///< the observed ratio of the last two changes; NaN when not resolved
  double refinement_ratio = 0.0;   ///< r = h_{n-1} / h_{n-2}
  double lower() const { return estimate - drift_bound; }
  double upper() const { return estimate + drift_bound; }
};

/// Local orders of (h, error); see the header comment. `error_uncertainty` ≥ 0 is the absolute
/// uncertainty of each error value that refinement does not remove.
[[nodiscard]] LocalOrders local_orders(std::span<const double> h, std::span<const double> error,
                                       double error_uncertainty = 0.0);

/// The Monte Carlo version, for studies whose errors at all step sizes come from the SAME paths
/// (sde::study_convergence). The point values are those of local_orders on the overall errors,
/// except that ρ = r^q with q from the theory of the error expansion (`correction_order`: the
/// order step to its next term — ½ for strong errors, whose Itô–Taylor terms come in half-integer
/// orders; 1 for weak errors, Talay & Tubaro 1990); the observed ratio of changes is not used —
/// in a Monte Carlo study it is mostly noise. The interval's ends
///   L = estimate − |Δ| ρ/(1 − ρ),   U = estimate + |Δ| ρ/(1 − ρ)
/// are recomputed with each of the G path groups left out (the jackknife of order_fit.hpp, which
/// carries the correlation between step sizes), and widened by their jackknife standard errors
/// times the Student-t(G − 1) quantile at `level`: [L − t se(L), U + t se(U)]. Noise inflates |Δ|
/// (E|Δ| ≥ |E Δ|), which errs on the wide side.
/// Throws kolmo::Error on the misuse of local_orders and fit_order_grouped, or a correction_order
/// that is not positive. Refuses (status within_noise) when an error or a leave-one-out error
/// is not positive.
struct LocalOrderInterval {
  Status status;
  LocalOrders local;                  ///< point values, with ratio = r^q
  double lower_end = 0.0;             ///< L
  double upper_end = 0.0;             ///< U
  double lower_standard_error = 0.0;  ///< jackknife se of L
  double upper_standard_error = 0.0;  ///< jackknife se of U
  std::size_t groups = 0;
  double correction_order = 0.0;      ///< q
  /// [L − t se(L), U + t se(U)] with the Student-t(G − 1) quantile at `level`; NaN ends on a refusal.
  [[nodiscard]] std::pair<double, double> interval(double level) const;
};

[[nodiscard]] LocalOrderInterval local_order_interval(std::span<const double> h, std::span<const double> error,
                                                      const std::vector<std::vector<double>>& group_means,
                                                      std::span<const std::size_t> group_sizes,
                                                      const std::function<double(double)>& error_of_mean,
                                                      double correction_order);

}  // namespace kolmo::stats
