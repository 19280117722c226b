#pragma once
// Argument checks shared by every public entry point. Each throws kolmo::Error with the
// standard message (core/error.hpp) naming `where` (the entry point, e.g.
// "kolmo::stats::fit_order"), the parameter, the offending value and the expectation.
//
//   kolmo::require_positive("kolmo::random::BrownianIncrements", "dt", dt);
//   kolmo::require(n > 1, where, "samples.size()", n, "at least 2 samples");

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kolmo/core/error.hpp"

namespace kolmo {

/// Text for a value in an error message: doubles with round-trip precision, "nan"/"inf" spelled out.
std::string describe_value(double value);
template <std::integral Integer>
std::string describe_value(Integer value) {
  return std::to_string(value);
}
inline std::string describe_value(std::string_view value) { return std::string(value); }

/// Throws unless `condition`; the general form the named checks below are built on.
template <class Value>
void require(bool condition, std::string_view where, std::string_view parameter, const Value& value,
             std::string_view expected) {
  if (!condition) throw_bad_argument(where, parameter, describe_value(value), expected);
}

/// value is finite (not NaN, not ±inf).
void require_finite(std::string_view where, std::string_view parameter, double value);
/// value is finite and > 0.
void require_positive(std::string_view where, std::string_view parameter, double value);
/// value is finite and >= 0.
void require_non_negative(std::string_view where, std::string_view parameter, double value);
/// lower < value < upper (open interval), value finite.
void require_open_interval(std::string_view where, std::string_view parameter, double value,
                           double lower, double upper);
/// lower <= value <= upper (closed interval), value finite.
void require_closed_interval(std::string_view where, std::string_view parameter, double value,
                             double lower, double upper);
/// count >= minimum, for sizes and counts ("zero paths" is the common misuse).
void require_at_least(std::string_view where, std::string_view parameter, std::uint64_t count,
                      std::uint64_t minimum);

}  // namespace kolmo
