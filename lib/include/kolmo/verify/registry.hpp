#pragma once
// The registry of verification cases. Registration is explicit (each area's
// register_<area>_cases function adds its cases), so the order is stable and nothing depends
// on static-initialisation order.

#include <string>
#include <vector>

#include "kolmo/verify/case.hpp"

namespace kolmo::verify {

/// Which tiers a run selects: `full` selects only the full-tier cases, `all` both tiers.
enum class TierSelection { fast, full, all };

std::string_view to_string(TierSelection tiers);

/// Parses "fast", "full" or "all"; throws kolmo::Error naming `parameter` otherwise.
TierSelection parse_tier_selection(const std::string& text, const std::string& parameter = "tier");

class Registry {
 public:
  /// Adds a case. Throws kolmo::Error if its name is not "area/what" (lower-case letters,
  /// digits and ".-_+" in each part), is already taken, or if the claim, source or function is empty.
  void add(Case verification_case);

  const std::vector<Case>& cases() const { return cases_; }
  std::size_t size() const { return cases_.size(); }
  const Case* find(const std::string& name) const;

  /// The cases of the selected tiers whose name matches `filter` (ECMAScript regex searched
  /// anywhere in the name; empty matches all), in registration order. Throws kolmo::Error if
  /// the filter is not a valid regex.
  std::vector<const Case*> select(TierSelection tiers, const std::string& filter = "") const;

 private:
  std::vector<Case> cases_;
};

}  // namespace kolmo::verify
