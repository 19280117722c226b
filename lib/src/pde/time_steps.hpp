#pragma once
// Internal: the checks and bookkeeping every pde::solve shares — the number of steps of size dt
// from t0 to t1 (dt must divide t1 − t0), which step each requested snapshot falls on, whether
// a state is finite, and whether the coefficients are re-evaluated in time.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kolmo/core/all_finite.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/pde/grid.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde::detail {

inline constexpr const char* solve_name = "kolmo::pde::solve";

/// Whether a solver re-evaluates the coefficients at every step: what the equation declares. A
/// method option that says otherwise is refused — a time-dependent SDE silently frozen at t0, or
/// an autonomous one re-assembled for nothing, is a bug in the caller's understanding.
inline bool time_dependent(process::TimeDependence declared, std::optional<bool> requested, const std::string& equation) {
  const bool dependent = declared == process::TimeDependence::time_dependent;
  if (requested.has_value() && *requested != dependent) {
    throw_bad_argument(solve_name, "time_dependent", *requested ? "true" : "false",
                       "unset or " + std::string(dependent ? "true" : "false") + ": " + equation +
                           (dependent ? " declares coefficients that depend on t (declare it autonomous with "
                                        "with_time_dependence(TimeDependence::autonomous))"
                                      : " is declared autonomous"));
  }
  return dependent;
}

/// How far (relative) t1 − t0 may miss a whole number of steps, and a snapshot time its step.
inline constexpr double step_tolerance = 1e-9;

/// Whether every value is finite, in one vectorised pass (core/all_finite.hpp).
[[nodiscard]] inline bool all_finite(const Eigen::VectorXd& values) {
  return kolmo::all_finite({values.data(), static_cast<std::size_t>(values.size())});
}

/// (t1 − t0) / dt, which must be a whole number ≥ 1 (to 1e-9 relative).
[[nodiscard]] inline std::uint64_t step_count(double t0, double t1, double dt) {
  require(std::isfinite(t1) && t1 > t0, solve_name, "t1", t1, "finite and after the initial time " + describe_value(t0));
  require(std::isfinite(dt) && dt > 0.0, solve_name, "method.dt", dt, "positive and finite");
  const double steps = (t1 - t0) / dt;
  const double rounded = std::round(steps);
  require(rounded >= 1.0 && std::abs(steps - rounded) <= step_tolerance * rounded, solve_name, "method.dt", dt,
          "a divisor of t1 − t0 = " + describe_value(t1 - t0));
  return static_cast<std::uint64_t>(rounded);
}

/// due[n]: the indices of the snapshot times equal to t0 + n h, n = 0 … steps. Throws on a time
/// outside [t0, t1] or off the step grid.
[[nodiscard]] inline std::vector<std::vector<std::size_t>> snapshot_schedule(const std::vector<double>& times, double t0,
                                                                             double t1, double h, std::uint64_t steps) {
  std::vector<std::vector<std::size_t>> due(steps + 1);
  for (std::size_t s = 0; s < times.size(); ++s) {
    const double position = (times[s] - t0) / h;
    const double k = std::round(position);
    require(std::isfinite(position) && k >= 0 && k <= static_cast<double>(steps) &&
                std::abs(position - k) <= step_tolerance * std::max(1.0, k),
            solve_name, "snapshot_times[" + std::to_string(s) + "]", times[s],
            "a time t0 + k dt in [" + describe_value(t0) + ", " + describe_value(t1) + "]");
    due[static_cast<std::size_t>(k)].push_back(s);
  }
  return due;
}

}  // namespace kolmo::pde::detail
