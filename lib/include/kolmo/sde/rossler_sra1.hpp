#pragma once
// SRA1, the two-stage stochastic Runge–Kutta method of strong order 1.5 for additive noise
// (Rößler 2010, "Runge–Kutta methods for the strong approximation of solutions of stochastic
// differential equations", SIAM J. Numer. Anal. 48(3), 922–952, scheme "SRA1"):
//
//   c0 = (0, 3/4),  c1 = (1, 0),  A0 = [[0, 0], [3/4, 0]],  B0 = [[0, 0], [3/2, 0]],
//   α = (1/3, 2/3),  β1 = (1, 0),  β2 = (−1, 1),
//
//   H_2 = X_n + (3/4) f(t_n, X_n) h + (3/2) g(t_n + h) I/|h|,
//   X_{n+1} = X_n + [⅓ f(t_n, X_n) + ⅔ f(t_n + ¾h, H_2)] h
//                 + g(t_n + h) (ΔW − I/|h|) + g(t_n) I/|h|,
//
// where I = ∫_{t_n}^{t_n+h} (W_s − W_{t_n}) ds = I_(1,0) (random/brownian_increments.hpp).
// Expanding reproduces the order-1.5 Itô–Taylor scheme f h + gΔW + ½ f f' h² + f' g I_(1,0)
// + g' I_(0,1) term by term. Strong order 1.5, weak order 2. Additive noise only.

#include <memory>

#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

struct RosslerSra1 {
  double dt = 0.0;  ///< signed step; must divide t1 − t0 into whole steps

  static constexpr SchemeTraits traits{"rossler-sra1", 1.5, 2.0, true};
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde& sde) const { return sde.noise_dimension(); }
  [[nodiscard]] std::unique_ptr<Stepper> make_stepper(const process::Sde& sde) const;
};
static_assert(Scheme<RosslerSra1>);

}  // namespace kolmo::sde
