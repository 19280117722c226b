#pragma once
// The ODE methods, as small values: thin adapters over Boost.Odeint's steppers (Ahnert &
// Mulansky 2011, "Odeint — solving ordinary differential equations in C++"), which do the
// stepping; Kolmo adds problems as data, batching, log-density transport and statuses.
//
//   Euler               explicit Euler, fixed step (odeint::euler); order 1.
//   Heun                Heun's (1900) trapezoidal method, fixed step: the two-stage explicit
//                       Runge–Kutta method with Butcher tableau c = (0, 1), a21 = 1,
//                       b = (1/2, 1/2) (Butcher 2016, "Numerical Methods for Ordinary
//                       Differential Equations", 3rd ed., Sec. 23), run by
//                       odeint::explicit_generic_rk; order 2.
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
// A negative dt (Euler, Heun, Rk4) or t1 < t0 integrates backwards.

#include <cstdint>
#include <variant>

namespace kolmo::ode {

struct Euler {
  double dt = 0.0;  ///< signed step; must divide t1 − t0 into whole steps
};

struct Heun {
  double dt = 0.0;  ///< signed step; must divide t1 − t0 into whole steps
};

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

using Method = std::variant<Euler, Heun, Rk4, DormandPrince, DenseDormandPrince, Rosenbrock>;

}  // namespace kolmo::ode
