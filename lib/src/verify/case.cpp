#include "kolmo/verify/case.hpp"

#include <cmath>
#include <cstdio>

namespace kolmo::verify {
namespace {

/// Three significant digits: enough to read a verdict, short enough for a table row.
std::string short_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

/// Orders to four decimals: an interval [2.9996, 3.0001] must not print as [3, 3].
std::string order_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", value);
  return text;
}

/// "≤" when `holds`, otherwise the strict opposite ">", and likewise for the other relations.
const char* relation(bool holds, const char* yes, const char* no) { return holds ? yes : no; }

bool at_most(double value, double bound) { return std::isfinite(value) && value <= bound; }

}  // namespace

std::string_view to_string(Tier tier) { return tier == Tier::fast ? "fast" : "full"; }

std::string_view to_string(CaseKind kind) {
  return kind == CaseKind::statistical ? "statistical" : "deterministic";
}

std::string_view to_string(Check check) {
  switch (check) {
    case Check::z_score: return "z_score";
    case Check::max_z_score: return "max_z_score";
    case Check::p_value: return "p_value";
    case Check::upper_bound: return "upper_bound";
    case Check::lower_bound: return "lower_bound";
    case Check::absolute: return "absolute";
    case Check::order: return "order";
    case Check::order_at_least: return "order_at_least";
  }
  return "?";
}

std::string_view area_of(std::string_view case_name) { return case_name.substr(0, case_name.find('/')); }

std::string statement(const Outcome& o) {
  const double bound = o.tolerance.bound;
  switch (o.check) {
    case Check::z_score: {
      const double z = std::abs(o.measured - o.expected) / o.uncertainty;
      return "|z| = " + short_number(z) + relation(at_most(z, bound), " ≤ ", " > ") + short_number(bound);
    }
    case Check::max_z_score: {
      const std::size_t k = o.details.contains("z_scores") ? o.details["z_scores"].size() : 0;
      return (k > 0 ? "max |z| of " + std::to_string(k) : std::string("max |z|")) + " = " + short_number(o.measured) +
             relation(at_most(o.measured, bound), " ≤ ", " > ") + short_number(bound);
    }
    case Check::p_value:
      return "p = " + short_number(o.measured) + relation(std::isfinite(o.measured) && o.measured >= bound, " ≥ ", " < ") +
             "α = " + short_number(bound);
    case Check::upper_bound:
      return short_number(o.measured) + relation(at_most(o.measured, bound), " ≤ ", " > ") + "bound " + short_number(bound);
    case Check::lower_bound:
      return short_number(o.measured) + relation(std::isfinite(o.measured) && o.measured >= bound, " ≥ ", " < ") +
             "bound " + short_number(bound);
    case Check::absolute: {
      const double distance = std::abs(o.measured - o.expected);
      return "|" + short_number(o.measured) + " − " + short_number(o.expected) + "|" +
             relation(at_most(distance, bound), " ≤ ", " > ") + short_number(bound);
    }
    case Check::order: {
      const bool inside = o.interval_lower <= o.expected && o.expected <= o.interval_upper;
      return "order " + order_number(o.measured) + " ∈ [" + order_number(o.interval_lower) + ", " +
             order_number(o.interval_upper) + "]" + relation(inside, " ∋ ", " ∌ ") + short_number(o.expected);
    }
    case Check::order_at_least: {
      const bool reaches = o.interval_upper >= o.expected;
      return "order " + order_number(o.measured) + " ∈ [" + order_number(o.interval_lower) + ", " +
             order_number(o.interval_upper) + "]" + relation(reaches, ", reaches ", ", below ") + short_number(o.expected);
    }
  }
  return "?";
}

}  // namespace kolmo::verify
