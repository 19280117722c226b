#pragma once
// The stochastic Heun scheme for Stratonovich SDEs (Rümelin 1982, "Numerical treatment of
// stochastic differential equations", SIAM J. Numer. Anal. 19(3); Kloeden & Platen 1992, §11.1):
//
//   Ῡ = X + f(t, X) h + g(t, X) ΔW,
//   X_{n+1} = X + ½ [f(t, X) + f(t+h, Ῡ)] h + ½ [g(t, X) + g(t+h, Ῡ)] ΔW.
//
// Converges to the Stratonovich solution: strong order 1 for commutative noise (scalar, diagonal
// with g_i(x_i), additive), 1/2 for general noise; weak order 1. Accepts any noise structure;
// refuses an Itô SDE with non-additive noise (for additive noise the two calculi agree).

#include <memory>

#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

struct StochasticHeun {
  double dt = 0.0;  ///< signed step; must divide t1 − t0 into whole steps

  /// Strong order 1 is for commutative noise; for general (non-commutative) noise it is 1/2.
  static constexpr SchemeTraits traits{"stochastic-heun", 1.0, 1.0, false};
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde& sde) const { return sde.noise_dimension(); }
  [[nodiscard]] std::unique_ptr<Stepper> make_stepper(const process::Sde& sde) const;
};
static_assert(Scheme<StochasticHeun>);

}  // namespace kolmo::sde
