#pragma once
// A verification case: one claim of the theory, checked by two independent computations that
// must agree within a derived tolerance. Cases are plain values (CaseInfo + a function); the
// registry (registry.hpp) collects them and the runner (runner.hpp) executes them.
//
//   registry.add({{"ou/stationary-ks", "The OU law reaches N(mu, sigma^2/(2 theta)) ...",
//                  "Gardiner 3.8.4", Tier::fast, CaseKind::statistical, 105},
//                 [](const RunContext& context) { return at_least(p_value, threshold, "..."); }});

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kolmo/verify/bound_comparison.hpp"

namespace kolmo::verify {

/// fast: seconds, runs in CI on every change; full: minutes, run on demand.
enum class Tier { fast, full };

/// statistical: the verdict depends on the seed (Monte Carlo) and fails at a known small rate;
/// deterministic: the verdict is reproducible to rounding and its value is kept as a baseline.
enum class CaseKind { statistical, deterministic };

std::string_view to_string(Tier tier);
std::string_view to_string(CaseKind kind);

/// What a case declares about itself.
struct CaseInfo {
  std::string name;    ///< stable identifier "area/what", e.g. "ou/stationary-ks"
  std::string claim;   ///< the claim in one sentence
  std::string source;  ///< where the claim comes from: paper, book section or theorem
  Tier tier = Tier::fast;
  CaseKind kind = CaseKind::statistical;
  std::uint64_t seed = 0;  ///< default seed; every random draw of the case derives from it
  /// Drift allowed between a deterministic case's measured value and its recorded baseline,
  /// relative to the baseline: rounding-level changes pass, a changed algorithm does not.
  double baseline_relative_tolerance = 1e-8;
};

/// The part of a name before the first '/', which also names the baseline file.
std::string_view area_of(std::string_view case_name);

/// What the runner hands a case.
struct RunContext {
  std::uint64_t seed = 0;  ///< the seed to use (the declared one unless overridden)
  int threads = 1;         ///< OpenMP threads the case may use; results must not depend on it
  /// The false-failure rate this case may spend: its Bonferroni share of its tier's family-wise
  /// budget (error_budget.hpp). NaN for deterministic cases, which have no false failures: a
  /// statistical rule given NaN throws, so a case cannot use one without declaring itself statistical.
  double alpha = std::numeric_limits<double>::quiet_NaN();
};

/// The tolerance rule in words and its number, e.g. {"|measured - expected| <= 4 sigma", 3.1e-4}.
struct Tolerance {
  std::string rule;
  double bound = 0.0;
};

/// The kind of comparison an Outcome makes. It decides how the report states the rule, e.g.
/// `|z| = 1.2 ≤ 4.4`, `p = 0.41 ≥ α = 1.3e-05`, `order 1.98 ∈ [1.95, 2.02] ∋ 2`.
enum class Check {
  z_score,      ///< |measured - expected| / uncertainty <= tolerance.bound (critical value at alpha)
  max_z_score,  ///< measured = max |z| over several estimates <= tolerance.bound (Bonferroni at alpha)
  p_value,      ///< measured = a test's p-value >= tolerance.bound = alpha
  upper_bound,  ///< measured <= tolerance.bound (e.g. an error against a proven bound)
  lower_bound,  ///< measured >= tolerance.bound
  absolute,     ///< |measured - expected| <= tolerance.bound
  order,        ///< expected (the advertised order) in [interval_lower, interval_upper]; measured = fitted order
  order_at_least,  ///< interval_upper ≥ expected: the error falls at least at the advertised order
  bounds,          ///< variational bounds against references (Outcome::bounds); measured = the worst test's z <= its critical value
};

std::string_view to_string(Check check);

/// What a case returns. Build it with the rules in tolerance.hpp, which set `passed`
/// consistently (a NaN anywhere fails); add `details` for the report.
struct Outcome {
  Check check = Check::absolute;
  double measured = 0.0;
  double uncertainty = 0.0;  ///< one standard error; NaN when not applicable (p-values, exact checks)
  double expected = 0.0;
  Tolerance tolerance;
  /// Order checks: the interval the advertised order must lie in (NaN otherwise).
  double interval_lower = std::numeric_limits<double>::quiet_NaN();
  double interval_upper = std::numeric_limits<double>::quiet_NaN();
  /// Statistical checks: the false-failure rate the rule was set to, and the p-value of the
  /// result under the claim (uniform on [0, 1] for a continuous statistic, which seed sweeps
  /// test). NaN for deterministic checks.
  double alpha = std::numeric_limits<double>::quiet_NaN();
  double p_value = std::numeric_limits<double>::quiet_NaN();
  bool passed = false;
  std::string note;
  nlohmann::json details = nlohmann::json::object();
  /// Check::bounds: each bound with its reference and gap, shown under the case's table row and in the JSON.
  std::vector<BoundComparison> bounds;
};

/// The rule applied to the numbers, in one line that fits a table row, with the relation that
/// holds (so a failed rule reads as such):
///   z_score      "|z| = 1.23 ≤ 4.42"            p_value      "p = 0.41 ≥ α = 1.3e-05"
///   max_z_score  "max |z| of 5 = 2.1 ≤ 4.8"     order        "order 1.9812 ∈ [1.9500, 2.0200] ∋ 2"
///   upper_bound  "3e-13 ≤ bound 1e-12"          lower_bound  "-1e-15 ≥ bound -1e-14"
///   absolute     "|2.00054 − 2| = 0.00054 ≤ 0.000808"  failed order "order 1.8000 ∈ [1.7500, 1.8500] ∌ 2"
///   order_at_least "order 2.1100 ∈ [2.0500, 2.1700], reaches 2"  (failed: "..., below 2")
///   bounds       "worst z of 31 = 1.2 ≤ 4.42 (bound ≤ ref)"  or "... (bound = ref)" for a tight one
/// (numbers to 3 significant digits, orders to 4 decimals).
/// Non-finite numbers print as "nan"/"inf" and never satisfy a relation.
std::string statement(const Outcome& outcome);

using CaseFunction = std::function<Outcome(const RunContext&)>;

struct Case {
  CaseInfo info;
  CaseFunction run;
};

}  // namespace kolmo::verify
