#include "kolmo/verify/registry.hpp"

#include <algorithm>
#include <regex>

#include "kolmo/core/validate.hpp"

namespace kolmo::verify {
namespace {

constexpr const char* add_where = "kolmo::verify::Registry::add";

// "area/what": lower-case words so names are stable identifiers in JSON, baselines and regexes.
bool is_valid_name(const std::string& name) {
  static const std::regex pattern("[a-z0-9][a-z0-9_.+-]*/[a-z0-9][a-z0-9_.+-]*");
  return std::regex_match(name, pattern);
}

}  // namespace

std::string_view to_string(TierSelection tiers) {
  switch (tiers) {
    case TierSelection::fast: return "fast";
    case TierSelection::full: return "full";
    case TierSelection::all: return "all";
  }
  return "?";
}

TierSelection parse_tier_selection(const std::string& text, const std::string& parameter) {
  if (text == "fast") return TierSelection::fast;
  if (text == "full") return TierSelection::full;
  if (text == "all") return TierSelection::all;
  throw_bad_argument("kolmo::verify::parse_tier_selection", parameter, text, "one of fast, full, all");
}

void Registry::add(Case verification_case) {
  const CaseInfo& info = verification_case.info;
  require(is_valid_name(info.name), add_where, "info.name", info.name,
          "\"area/what\" in lower case (letters, digits, '.', '-', '_', '+')");
  require(find(info.name) == nullptr, add_where, "info.name", info.name, "a name not registered before");
  require(!info.claim.empty(), add_where, "info.claim", info.name, "a one-sentence claim");
  require(!info.source.empty(), add_where, "info.source", info.name, "a source for the claim");
  require(static_cast<bool>(verification_case.run), add_where, "run", info.name, "a callable case function");
  require(info.baseline_relative_tolerance >= 0, add_where, "info.baseline_relative_tolerance",
          info.baseline_relative_tolerance, "a non-negative relative tolerance");
  cases_.push_back(std::move(verification_case));
}

const Case* Registry::find(const std::string& name) const {
  const auto it = std::find_if(cases_.begin(), cases_.end(), [&](const Case& c) { return c.info.name == name; });
  return it == cases_.end() ? nullptr : &*it;
}

std::vector<const Case*> Registry::select(TierSelection tiers, const std::string& filter) const {
  std::regex pattern;
  try {
    pattern = std::regex(filter, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    throw_bad_argument("kolmo::verify::Registry::select", "filter", filter,
                       std::string("a valid ECMAScript regular expression (") + error.what() + ")");
  }
  auto tier_selected = [tiers](Tier tier) {
    return tiers == TierSelection::all || (tiers == TierSelection::fast) == (tier == Tier::fast);
  };
  std::vector<const Case*> selected;
  for (const Case& c : cases_) {
    if (tier_selected(c.info.tier) && std::regex_search(c.info.name, pattern)) selected.push_back(&c);
  }
  return selected;
}

}  // namespace kolmo::verify
