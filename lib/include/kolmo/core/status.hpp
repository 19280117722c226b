#pragma once
// kolmo::Status — how a numerical failure is reported: as a value inside a result, never as
// an exception and never as a silent NaN. `where` says where it happened in terms of the
// computation (path index and time for an SDE, the fitted range for an order fit, ...).

#include <string>
#include <utility>

namespace kolmo {

enum class StatusCode {
  ok,
  non_finite,         ///< a state, estimate or density became NaN or infinite
  diverged,           ///< a quantity exceeded the bound the method guarantees
  not_converged,      ///< an iteration stopped before its tolerance was met
  within_noise,       ///< the signal asked for is not resolved above Monte Carlo noise
  insufficient_data,  ///< too few usable points for the requested estimate
  left_state_space,   ///< a state left the state space its equation declares (x < 0 for CIR)
};

/// Stable lower-case name of a code, used in reports and JSON ("ok", "non_finite", ...).
constexpr const char* to_string(StatusCode code) {
  switch (code) {
    case StatusCode::ok: return "ok";
    case StatusCode::non_finite: return "non_finite";
    case StatusCode::diverged: return "diverged";
    case StatusCode::not_converged: return "not_converged";
    case StatusCode::within_noise: return "within_noise";
    case StatusCode::insufficient_data: return "insufficient_data";
    case StatusCode::left_state_space: return "left_state_space";
  }
  return "unknown";
}

struct Status {
  StatusCode code = StatusCode::ok;
  std::string where;    ///< where it happened, e.g. "path 17 at t = 0.4375"
  std::string message;  ///< what happened, one sentence

  [[nodiscard]] bool ok() const { return code == StatusCode::ok; }
  [[nodiscard]] static Status success() { return {}; }
  [[nodiscard]] static Status failure(StatusCode code, std::string where, std::string message) {
    return {code, std::move(where), std::move(message)};
  }
};

}  // namespace kolmo
