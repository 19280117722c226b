#pragma once
// Euler–Maruyama (Maruyama 1955; Kloeden & Platen 1992, §10.2):
//
//   X_{n+1} = X_n + f(t_n, X_n) h + g(t_n, X_n) ΔW_n.
//
// Strong order 1/2 and weak order 1 for Itô SDEs with any noise structure; strong order 1 when
// the noise is additive (the Milstein correction vanishes). Refuses a Stratonovich SDE with
// non-additive noise, whose solution it would not approximate.

#include <memory>

#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

struct EulerMaruyama {
  double dt = 0.0;  ///< signed step; must divide t1 − t0 into whole steps

  static constexpr SchemeTraits traits{"euler-maruyama", 0.5, 1.0, false};
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde& sde) const { return sde.noise_dimension(); }
  [[nodiscard]] std::unique_ptr<Stepper> make_stepper(const process::Sde& sde) const;
};
static_assert(Scheme<EulerMaruyama>);

}  // namespace kolmo::sde
