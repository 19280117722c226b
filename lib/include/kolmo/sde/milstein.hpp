#pragma once
// The Milstein scheme for diagonal (commutative) noise (Milstein 1974; Kloeden & Platen 1992,
// §10.3, with the simplification that commutative noise allows):
//
//   X_{n+1,i} = X_{n,i} + f_i h + g_i ΔW_i + ½ g_i ∂g_i/∂x_i (ΔW_i² − |h|)     (Itô),
//
// with ΔW_i² in place of ΔW_i² − |h| for a Stratonovich SDE. Strong order 1, weak order 1.
// Needs g_i ∂g_i/∂x_i (Sde::with_diffusion_derivative_product, or with_diffusion_derivative) and
// g_i depending on x only through x_i; for
// additive noise it is Euler–Maruyama. Refuses general noise, which needs Lévy areas.

#include <memory>

#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

struct Milstein {
  double dt = 0.0;  ///< signed step; must divide t1 − t0 into whole steps

  static constexpr SchemeTraits traits{"milstein", 1.0, 1.0, false};
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde& sde) const { return sde.noise_dimension(); }
  [[nodiscard]] std::unique_ptr<Stepper> make_stepper(const process::Sde& sde) const;
};
static_assert(Scheme<Milstein>);

}  // namespace kolmo::sde
