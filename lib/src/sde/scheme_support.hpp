#pragma once
// Internal: the refusals shared by the schemes' make_stepper (a scheme used on a noise structure
// or calculus it does not approximate is misuse, reported as kolmo::Error).

#include <string>
#include <string_view>

#include "kolmo/core/validate.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::sde::detail {

/// Throws unless the SDE's noise kind is one of `accepted` (a string listing them for the message).
inline void require_noise(const process::Sde& sde, std::string_view scheme, bool accepted,
                          std::string_view expected) {
  require(accepted, std::string("kolmo::sde::") + std::string(scheme), "sde.noise()",
          std::string_view(process::to_string(sde.noise())), expected);
}

/// Throws unless the scheme's calculus matches the SDE's; additive noise is exempt (Itô and
/// Stratonovich solutions coincide).
inline void require_calculus(const process::Sde& sde, std::string_view scheme, process::Calculus calculus) {
  if (sde.noise() == process::NoiseKind::additive || sde.calculus() == calculus) return;
  const bool ito = calculus == process::Calculus::ito;
  require(false, std::string("kolmo::sde::") + std::string(scheme), "sde.calculus()",
          std::string_view(ito ? "stratonovich" : "ito"),
          ito ? "an Ito SDE (this scheme converges to the Ito solution; use StochasticHeun)"
              : "a Stratonovich SDE (this scheme converges to the Stratonovich solution; use an Ito scheme)");
}

}  // namespace kolmo::sde::detail
