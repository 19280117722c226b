#pragma once
// Platen's explicit weak order-2.0 scheme (Kloeden & Platen 1992, §15.1), written per
// component for diagonal commutative noise (g_i depends on x only through x_i, so the cross
// terms of the multi-dimensional form vanish):
//
//   Ῡ  = X + f h + g ΔW,        R± = X + f h ± g √|h|,
//   X_{n+1} = X + ½ [f(t+h, Ῡ) + f(t, X)] h
//               + ¼ [g(t+h, R⁺) + g(t+h, R⁻) + 2 g(t, X)] ΔW
//               + ¼ [g(t+h, R⁺) − g(t+h, R⁻)] (ΔW² − |h|) / √|h|,
//
// with Gaussian ΔW (any increments with the first five Gaussian moments would do). Evaluating the
// corrector terms at t + h is the autonomous scheme applied with time as an extra state
// component. For additive noise the last term vanishes and the noise is ½[g(t) + g(t+h)] ΔW.
// Weak order 2; strong order 1. Itô SDEs only; refuses general noise.

#include <memory>

#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

struct PlatenWeak2 {
  double dt = 0.0;  ///< signed step; must divide t1 − t0 into whole steps

  static constexpr SchemeTraits traits{"platen-weak2", 1.0, 2.0, false};
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde& sde) const { return sde.noise_dimension(); }
  [[nodiscard]] std::unique_ptr<Stepper> make_stepper(const process::Sde& sde) const;
};
static_assert(Scheme<PlatenWeak2>);

}  // namespace kolmo::sde
