#include "kolmo/ensemble/time_grid.hpp"

#include <cmath>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::ensemble {

std::uint64_t step_count(double t0, double t1, double dt) {
  constexpr const char* where = "kolmo::ensemble::step_count";
  require_finite(where, "t0", t0);
  require_finite(where, "t1", t1);
  require(t1 != t0, where, "t1", t1, "t1 != t0 = " + describe_value(t0));
  require(std::isfinite(dt) && dt != 0.0, where, "dt", dt, "a finite non-zero step");
  require((dt > 0) == (t1 > t0), where, "dt", dt,
          std::string("a ") + (t1 > t0 ? "positive" : "negative") + " step, since t1 = " + describe_value(t1) +
              (t1 > t0 ? " > " : " < ") + "t0 = " + describe_value(t0));
  const double ratio = (t1 - t0) / dt;
  require(ratio >= 1.0 - 1e-9, where, "dt", dt,
          "at most |t1 - t0| = " + describe_value(std::abs(t1 - t0)) + " (zero steps otherwise)");
  const double steps = std::round(ratio);
  require(std::abs(ratio - steps) <= 1e-9 * std::max(1.0, steps) && steps <= 4294967296.0, where, "dt", dt,
          "a step that divides t1 - t0 = " + describe_value(t1 - t0) + " into whole steps (at most 2^32)");
  return static_cast<std::uint64_t>(steps);
}

double grid_time(std::uint64_t k, double t0, double t1, std::uint64_t n) {
  if (k == n) return t1;
  return t0 + (t1 - t0) * (static_cast<double>(k) / static_cast<double>(n));
}

}  // namespace kolmo::ensemble
