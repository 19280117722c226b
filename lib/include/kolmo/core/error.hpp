#pragma once
// kolmo::Error — the one exception type Kolmo throws, for misuse of its API.
//
// Contract: every public entry point validates its arguments and, on bad input, throws
// kolmo::Error whose message names the entry point, the parameter, the value received and
// what was expected, e.g.
//   kolmo::random::BrownianIncrements: parameter 'fine_steps' = 0; expected at least 1
// Numerical failures (a path that blows up, a fit inside noise) are NOT exceptions: they are
// reported as a kolmo::Status inside the result value (see core/status.hpp).

#include <stdexcept>
#include <string>
#include <string_view>

namespace kolmo {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Throws kolmo::Error with the standard message
///   "<where>: parameter '<parameter>' = <value>; expected <expected>".
[[noreturn]] void throw_bad_argument(std::string_view where, std::string_view parameter,
                                     std::string_view value, std::string_view expected);

}  // namespace kolmo
