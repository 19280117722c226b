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

std::string precise_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
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
    case Check::bounds: return "bounds";
  }
  return "?";
}

std::string_view area_of(std::string_view case_name) { return case_name.substr(0, case_name.find('/')); }

std::string statement(const Outcome& o) {
  // Built by appending (GCC 12 warns falsely on chains of literal + temporary, PR 105651).
  const double bound = o.tolerance.bound;
  std::string text;
  const auto order_interval = [&](const char* holds, const char* fails, bool ok) {
    text += "order ";
    text += order_number(o.measured);
    text += " ∈ [";
    text += order_number(o.interval_lower);
    text += ", ";
    text += order_number(o.interval_upper);
    text += "]";
    text += relation(ok, holds, fails);
    text += short_number(o.expected);
  };
  switch (o.check) {
    case Check::z_score: {
      const double z = std::abs(o.measured - o.expected) / o.uncertainty;
      text += "|z| = ";
      text += short_number(z);
      text += relation(at_most(z, bound), " ≤ ", " > ");
      text += short_number(bound);
      break;
    }
    case Check::max_z_score: {
      const std::size_t k = o.details.contains("z_scores") ? o.details["z_scores"].size() : 0;
      text += "max |z|";
      if (k > 0) {
        text += " of ";
        text += std::to_string(k);
      }
      text += " = ";
      text += short_number(o.measured);
      text += relation(at_most(o.measured, bound), " ≤ ", " > ");
      text += short_number(bound);
      break;
    }
    case Check::p_value:
      text += "p = ";
      text += short_number(o.measured);
      text += relation(std::isfinite(o.measured) && o.measured >= bound, " ≥ ", " < ");
      text += "α = ";
      text += short_number(bound);
      break;
    case Check::upper_bound:
      text += short_number(o.measured);
      text += relation(at_most(o.measured, bound), " ≤ ", " > ");
      text += "bound ";
      text += short_number(bound);
      break;
    case Check::lower_bound:
      text += short_number(o.measured);
      text += relation(std::isfinite(o.measured) && o.measured >= bound, " ≥ ", " < ");
      text += "bound ";
      text += short_number(bound);
      break;
    case Check::absolute: {
      // The two values to 6 digits, so that "|2.00054 − 2|" does not read as "|2 − 2|".
      const double distance = std::abs(o.measured - o.expected);
      text += "|";
      text += precise_number(o.measured);
      text += " − ";
      text += precise_number(o.expected);
      text += "| = ";
      text += short_number(distance);
      text += relation(at_most(distance, bound), " ≤ ", " > ");
      text += short_number(bound);
      break;
    }
    case Check::order:
      order_interval(" ∋ ", " ∌ ", o.interval_lower <= o.expected && o.expected <= o.interval_upper);
      break;
    case Check::order_at_least:
      order_interval(", reaches ", ", below ", o.interval_upper >= o.expected);
      break;
    case Check::bounds: {
      const bool tight = o.details.contains("worst") && o.details["worst"].value("relation", "") == "tight";
      text += tight ? "worst |z|" : "worst z";
      if (o.details.contains("tests")) {
        text += " of ";
        text += std::to_string(o.details["tests"].get<std::size_t>());
      }
      text += " = ";
      text += short_number(o.measured);
      text += relation(at_most(o.measured, bound), " ≤ ", " > ");
      text += short_number(bound);
      text += tight ? " (bound = ref)" : " (bound ≤ ref)";
      break;
    }
  }
  return text;
}

}  // namespace kolmo::verify
