#include "kolmo/core/validate.hpp"

#include <cmath>
#include <cstdio>

namespace kolmo {

std::string describe_value(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

void require_finite(std::string_view where, std::string_view parameter, double value) {
  require(std::isfinite(value), where, parameter, value, "a finite number");
}

void require_positive(std::string_view where, std::string_view parameter, double value) {
  require(std::isfinite(value) && value > 0.0, where, parameter, value, "a finite number > 0");
}

void require_non_negative(std::string_view where, std::string_view parameter, double value) {
  require(std::isfinite(value) && value >= 0.0, where, parameter, value, "a finite number >= 0");
}

// The interval helpers test before they format: they sit on per-point paths (a time checked
// for every row), where building the message every time costs more than the arithmetic.
void require_open_interval(std::string_view where, std::string_view parameter, double value,
                           double lower, double upper) {
  if (std::isfinite(value) && lower < value && value < upper) return;
  require(false, where, parameter, value,
          "a number in (" + describe_value(lower) + ", " + describe_value(upper) + ")");
}

void require_closed_interval(std::string_view where, std::string_view parameter, double value,
                             double lower, double upper) {
  if (std::isfinite(value) && lower <= value && value <= upper) return;
  require(false, where, parameter, value,
          "a number in [" + describe_value(lower) + ", " + describe_value(upper) + "]");
}

void require_at_least(std::string_view where, std::string_view parameter, std::uint64_t count,
                      std::uint64_t minimum) {
  if (count >= minimum) return;
  require(false, where, parameter, count, "at least " + describe_value(minimum));
}

}  // namespace kolmo
