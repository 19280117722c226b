#pragma once
// The ODE methods, as small values: thin adapters over Boost.Odeint's steppers (Ahnert &
// Mulansky 2011, "Odeint — solving ordinary differential equations in C++"), which do the
// stepping; Kolmo adds problems as data, batching, log-density transport and statuses.
//
//   Rk4                 classical Runge–Kutta, fixed step (odeint::runge_kutta4); order 4.
//   DormandPrince       Dormand & Prince (1980) 5(4) pair with step-size control
//                       (odeint::runge_kutta_dopri5 in a controlled stepper); the global error
//                       is proportional to the tolerance (Hairer, Nørsett & Wanner I, §II.4).
//   DenseDormandPrince  the same pair with dense output (odeint dense_output_runge_kutta):
//                       steps are taken freely and observation times are interpolated at order 4.
//   Rosenbrock          the 4th-order L-stable Rosenbrock method of Hairer & Wanner (II, §IV.7;
//                       odeint::rosenbrock4) with step-size control, for stiff flows; needs the
//                       flow's Jacobian.
// Tolerances are Odeint's: a step is accepted when |err_i| <= abs + rel · |x_i| componentwise.
// A negative dt (Rk4) or t1 < t0 integrates backwards.

#include <cstdint>
#include <variant>

namespace kolmo::ode {

struct Rk4 {
  double dt = 0.0;  ///< signed step; must divide t1 − t0 into whole steps
};

struct DormandPrince {
  double absolute_tolerance = 1e-10;
  double relative_tolerance = 1e-10;
  std::uint64_t max_steps = 1'000'000;  ///< per interval between observation times (Odeint's
                                        ///< max_step_checker); status not_converged beyond it
};

struct DenseDormandPrince {
  double absolute_tolerance = 1e-10;
  double relative_tolerance = 1e-10;
  std::uint64_t max_steps = 1'000'000;
};

struct Rosenbrock {
  double absolute_tolerance = 1e-10;
  double relative_tolerance = 1e-10;
  std::uint64_t max_steps = 1'000'000;
};

using Method = std::variant<Rk4, DormandPrince, DenseDormandPrince, Rosenbrock>;

}  // namespace kolmo::ode
