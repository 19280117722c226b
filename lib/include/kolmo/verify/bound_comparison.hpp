#pragma once
// A variational bound set beside the quantity it bounds, point by point, as a verification case
// reports it (issue #20, §5): the bound's value and standard error, the reference (an exact or
// grid log-likelihood, or an independent estimate with its own SE), and the gap with its SE.
//
// The claim is either an inequality, bound ≤ reference (every ELBO), or an equality, bound =
// reference (a bound that is tight because the variational family holds the truth). The rule
// verify::bounds_hold (tolerance.hpp) tests each point's
//
//   z = (bound − reference) / se_gap,   se_gap = √(se_bound² + se_reference²) unless given,
//
// one-sided where the claim is ≤ (only a bound ABOVE its reference counts against it, so a large
// negative z is a gap, not a failure) and two-sided where it is =, and the pooled z of the
// comparison's mean over points (independent points: a bias shared by every point shows in it
// long before any single point's z reaches the Bonferroni quantile).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kolmo::verify {

/// What a comparison claims: bound ≤ reference (below) or bound = reference (tight).
enum class BoundRelation { below, tight };

std::string_view to_string(BoundRelation relation);

/// One bound against its reference at n points. Vectors have one entry per point;
/// `reference_standard_error` may be empty (an exact reference) and `gap_standard_error` empty
/// (then √(se² + se_ref²): the two estimates are independent) or given (they share draws).
struct BoundComparison {
  std::string label;  ///< what is bounded by what, e.g. "ELBO ≤ log p_SDE (grid), perturbed score"
  BoundRelation relation = BoundRelation::below;
  std::vector<double> bound;
  std::vector<double> standard_error;
  std::vector<double> reference;
  std::vector<double> reference_standard_error;
  std::vector<double> gap_standard_error;

  [[nodiscard]] std::size_t points() const { return bound.size(); }
  /// reference − bound at point p, ≥ 0 where the inequality holds.
  [[nodiscard]] double gap(std::size_t p) const;
  [[nodiscard]] double gap_se(std::size_t p) const;
  /// (bound − reference) / gap SE at point p (0 when both the gap and its SE are 0).
  [[nodiscard]] double z(std::size_t p) const;
};

/// The comparison's mean over its points: bound, reference and gap with their SEs (independent
/// points: SE of a mean = √(Σ se²)/n), and the pooled z = −gap / se_gap.
struct PooledBound {
  double bound, standard_error, reference, reference_standard_error, gap, gap_standard_error, z;
};
[[nodiscard]] PooledBound pooled(const BoundComparison& comparison);

/// Throws kolmo::Error naming `where` and the field when the vectors' lengths disagree, no point is
/// given, or a standard error is negative.
void validate(const BoundComparison& comparison, const char* where);

/// {"label", "relation", "points", "mean": {...PooledBound}, "per_point": {"bound", "standard_error",
/// "reference", "reference_standard_error", "gap", "gap_standard_error", "z"}} (NaN as null).
[[nodiscard]] nlohmann::json to_json(const BoundComparison& comparison);

/// One line for a report: "ELBO ≤ log p (10 points, means): bound −1.2345 ± 0.0012, reference −1.2
/// (no MC error), gap 0.0345 ± 0.0012 (claim: gap ≥ 0)".
[[nodiscard]] std::string summary_line(const BoundComparison& comparison);

}  // namespace kolmo::verify
