#include "kolmo/verify/bound_comparison.hpp"

#include <cmath>
#include <cstdio>

#include "kolmo/core/validate.hpp"

namespace kolmo::verify {
namespace {

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

template <class F>
nlohmann::json per_point(const BoundComparison& c, F value_at) {
  nlohmann::json array = nlohmann::json::array();
  for (std::size_t p = 0; p < c.points(); ++p) array.push_back(number(value_at(p)));
  return array;
}

std::string formatted(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace

std::string_view to_string(BoundRelation relation) { return relation == BoundRelation::below ? "below" : "tight"; }

double BoundComparison::gap(std::size_t p) const { return reference[p] - bound[p]; }

double BoundComparison::gap_se(std::size_t p) const {
  if (!gap_standard_error.empty()) return gap_standard_error[p];
  const double reference_se = reference_standard_error.empty() ? 0.0 : reference_standard_error[p];
  return std::hypot(standard_error[p], reference_se);
}

double BoundComparison::z(std::size_t p) const {
  // An exact comparison (SE 0) that agrees exactly has z = 0, as within_sigma has it; otherwise ±inf.
  return gap(p) == 0.0 && gap_se(p) == 0.0 ? 0.0 : -gap(p) / gap_se(p);
}

void validate(const BoundComparison& c, const char* where) {
  const std::size_t n = c.bound.size();
  require(n > 0, where, "comparison '" + c.label + "' bound.size()", n, "at least one point");
  require(c.standard_error.size() == n, where, "comparison '" + c.label + "' standard_error.size()",
          c.standard_error.size(), "one per point (" + std::to_string(n) + ")");
  require(c.reference.size() == n, where, "comparison '" + c.label + "' reference.size()", c.reference.size(),
          "one per point (" + std::to_string(n) + ")");
  require(c.reference_standard_error.empty() || c.reference_standard_error.size() == n, where,
          "comparison '" + c.label + "' reference_standard_error.size()", c.reference_standard_error.size(),
          "0 (an exact reference) or one per point (" + std::to_string(n) + ")");
  require(c.gap_standard_error.empty() || c.gap_standard_error.size() == n, where,
          "comparison '" + c.label + "' gap_standard_error.size()", c.gap_standard_error.size(),
          "0 (independent estimates) or one per point (" + std::to_string(n) + ")");
  // A negative SE would flip z's sign and let a bound above its reference pass.
  for (const auto& [name, values] : {std::pair{"standard_error", &c.standard_error},
                                     std::pair{"reference_standard_error", &c.reference_standard_error},
                                     std::pair{"gap_standard_error", &c.gap_standard_error}}) {
    for (std::size_t p = 0; p < values->size(); ++p) {
      require(!((*values)[p] < 0.0), where, "comparison '" + c.label + "' " + name + "[" + std::to_string(p) + "]",
              (*values)[p], "a standard error >= 0");
    }
  }
}

PooledBound pooled(const BoundComparison& c) {
  const double n = static_cast<double>(c.points());
  double bound = 0, reference = 0, bound_var = 0, reference_var = 0, gap_var = 0;
  for (std::size_t p = 0; p < c.points(); ++p) {
    bound += c.bound[p];
    reference += c.reference[p];
    bound_var += c.standard_error[p] * c.standard_error[p];
    if (!c.reference_standard_error.empty()) reference_var += c.reference_standard_error[p] * c.reference_standard_error[p];
    gap_var += c.gap_se(p) * c.gap_se(p);
  }
  PooledBound m{bound / n, std::sqrt(bound_var) / n, reference / n, std::sqrt(reference_var) / n, 0, std::sqrt(gap_var) / n, 0};
  m.gap = m.reference - m.bound;
  m.z = -m.gap / m.gap_standard_error;
  return m;
}

nlohmann::json to_json(const BoundComparison& c) {
  const PooledBound m = pooled(c);
  return {{"label", c.label},
          {"relation", to_string(c.relation)},
          {"points", c.points()},
          {"mean",
           {{"bound", number(m.bound)},
            {"standard_error", number(m.standard_error)},
            {"reference", number(m.reference)},
            {"reference_standard_error", number(m.reference_standard_error)},
            {"gap", number(m.gap)},
            {"gap_standard_error", number(m.gap_standard_error)},
            {"z", number(m.z)}}},
          {"per_point",
           {{"bound", per_point(c, [&](std::size_t p) { return c.bound[p]; })},
            {"standard_error", per_point(c, [&](std::size_t p) { return c.standard_error[p]; })},
            {"reference", per_point(c, [&](std::size_t p) { return c.reference[p]; })},
            {"reference_standard_error",
             per_point(c, [&](std::size_t p) { return c.reference_standard_error.empty() ? 0.0 : c.reference_standard_error[p]; })},
            {"gap", per_point(c, [&](std::size_t p) { return c.gap(p); })},
            {"gap_standard_error", per_point(c, [&](std::size_t p) { return c.gap_se(p); })},
            {"z", per_point(c, [&](std::size_t p) { return c.z(p); })}}}};
}

std::string summary_line(const BoundComparison& c) {
  const PooledBound m = pooled(c);
  std::string line = c.label;
  line += " (";
  line += std::to_string(c.points());
  line += c.points() == 1 ? " point" : " points";
  line += c.points() == 1 ? "): bound " : ", means): bound ";
  line += formatted("%.6g", m.bound);
  line += " ± ";
  line += formatted("%.2g", m.standard_error);
  line += ", reference ";
  line += formatted("%.6g", m.reference);
  line += c.reference_standard_error.empty() ? " (no MC error)" : " ± " + formatted("%.2g", m.reference_standard_error);
  line += ", gap ";
  line += formatted("%.3g", m.gap);
  line += " ± ";
  line += formatted("%.2g", m.gap_standard_error);
  line += c.relation == BoundRelation::below ? " (claim: gap ≥ 0)" : " (claim: gap = 0)";
  return line;
}

}  // namespace kolmo::verify
