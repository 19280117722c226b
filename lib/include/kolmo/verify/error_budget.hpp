#pragma once
// The suite's false-failure budget. A statistical case fails by bad luck with a known small
// probability α; over a tier of N such cases those probabilities add up. Each tier declares a
// family-wise budget — the probability that a correct library fails at least one statistical case
// of the tier in one run — and splits it evenly over the tier's statistical cases (Bonferroni:
// P(any false failure) ≤ Σ α_i = budget whatever the dependence between cases; Holm's step-down
// would need every p-value before any verdict, so a case's verdict would depend on the others).
//
// The split counts every registered case of the tier, not only those a --filter selects, so a
// case's α, and with it its verdict at a given seed, is the same in a filtered run as in the whole
// tier: a failure seen in CI reproduces with `kolmo verify --filter '^name$' --seed S`.
//
// Deterministic cases spend no budget: their verdicts are reproducible to rounding and compare
// against method error bounds, not against noise.

#include <cstddef>
#include <vector>

#include "kolmo/verify/registry.hpp"

namespace kolmo::verify {

/// Family-wise false-failure budget of one run of a tier: a correct library fails CI falsely at
/// most once in a thousand runs of the fast tier.
inline constexpr double fast_tier_budget = 1e-3;
/// The full tier is run on demand before a release or a paper; the same budget.
inline constexpr double full_tier_budget = 1e-3;

double family_budget(Tier tier);

struct ErrorBudget {
  Tier tier = Tier::fast;
  double family_rate = 0.0;           ///< the tier's declared budget
  std::size_t statistical_cases = 0;  ///< registered statistical cases of the tier
  double per_case = 0.0;              ///< family_rate / statistical_cases (0 cases: the whole budget)
};

/// The budget of `tier` over the cases registered in `registry`.
ErrorBudget error_budget(const Registry& registry, Tier tier);

/// The budgets of the tiers a selection runs (fast, full or both), for the report.
std::vector<ErrorBudget> error_budgets(const Registry& registry, TierSelection tiers);

/// The α a case runs with: its tier's per-case share if statistical, NaN if deterministic.
double case_alpha(const Registry& registry, const CaseInfo& info);

}  // namespace kolmo::verify
