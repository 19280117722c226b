#pragma once
// One entry of a Hutchinson probe (ode/log_density.hpp): a Rademacher ±1 from the uniform at the
// address (−1 below ½), or the standard normal at it. Every trace estimator in Kolmo draws its
// probes through this, so a probe is the same function of its address wherever it is used.

#include "kolmo/ode/log_density.hpp"
#include "kolmo/random/draw_address.hpp"

namespace kolmo::ode {

[[nodiscard]] double probe_entry(ProbeKind kind, const random::DrawAddress& address);

}  // namespace kolmo::ode
