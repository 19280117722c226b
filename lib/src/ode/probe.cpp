#include "kolmo/ode/probe.hpp"

#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"

namespace kolmo::ode {

double probe_entry(ProbeKind kind, const random::DrawAddress& address) {
  return kind == ProbeKind::gaussian ? random::standard_normal(address) : (random::uniform01(address) < 0.5 ? -1.0 : 1.0);
}

}  // namespace kolmo::ode
