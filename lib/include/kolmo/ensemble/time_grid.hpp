#pragma once
// The fixed time grid of an ensemble solve: t_k = t0 + k (t1 − t0)/n, landing on t1 exactly.

#include <cstdint>

namespace kolmo::ensemble {

/// Number of steps of signed size dt from t0 to t1. Throws kolmo::Error when dt is zero or not
/// finite, has the wrong sign, is longer than the interval, or does not divide it into whole
/// steps (to 1e-9 relative).
[[nodiscard]] std::uint64_t step_count(double t0, double t1, double dt);

/// Time of grid point k of n steps from t0 to t1 (t1 exactly at k = n).
[[nodiscard]] double grid_time(std::uint64_t k, double t0, double t1, std::uint64_t n);

}  // namespace kolmo::ensemble
