#include "kolmo/verify/error_budget.hpp"

#include <algorithm>
#include <limits>

namespace kolmo::verify {

double family_budget(Tier tier) { return tier == Tier::fast ? fast_tier_budget : full_tier_budget; }

ErrorBudget error_budget(const Registry& registry, Tier tier) {
  ErrorBudget budget;
  budget.tier = tier;
  budget.family_rate = family_budget(tier);
  budget.statistical_cases = static_cast<std::size_t>(std::count_if(
      registry.cases().begin(), registry.cases().end(),
      [tier](const Case& c) { return c.info.tier == tier && c.info.kind == CaseKind::statistical; }));
  budget.per_case = budget.family_rate / static_cast<double>(std::max<std::size_t>(budget.statistical_cases, 1));
  return budget;
}

std::vector<ErrorBudget> error_budgets(const Registry& registry, TierSelection tiers) {
  std::vector<ErrorBudget> budgets;
  if (tiers != TierSelection::full) budgets.push_back(error_budget(registry, Tier::fast));
  if (tiers != TierSelection::fast) budgets.push_back(error_budget(registry, Tier::full));
  return budgets;
}

double case_alpha(const Registry& registry, const CaseInfo& info) {
  if (info.kind == CaseKind::deterministic) return std::numeric_limits<double>::quiet_NaN();
  return error_budget(registry, info.tier).per_case;
}

}  // namespace kolmo::verify
