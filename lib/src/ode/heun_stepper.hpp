#pragma once
// Internal to the ode module: Heun's method as Odeint's generic explicit Runge–Kutta stepper
// with the tableau c = (0, 1), a21 = 1, b = (1/2, 1/2) (Butcher 2016, Sec. 23; ode/methods.hpp),
// shared by ode::integrate (one path) and the batch engine (batch_integrate.hpp).

#include <boost/numeric/odeint/stepper/explicit_generic_rk.hpp>
#include <vector>

namespace kolmo::ode::detail {

template <class Resizer>
using HeunStepper = boost::numeric::odeint::explicit_generic_rk<2, 2, std::vector<double>, double, std::vector<double>, double,
                                                                boost::numeric::odeint::range_algebra,
                                                                boost::numeric::odeint::default_operations, Resizer>;

template <class Resizer = boost::numeric::odeint::initially_resizer>
HeunStepper<Resizer> heun_stepper() {
  const boost::array<double, 1> a21 = {{1.0}};
  const typename HeunStepper<Resizer>::coef_b_type b = {{0.5, 0.5}};
  const typename HeunStepper<Resizer>::coef_c_type c = {{0.0, 1.0}};
  return HeunStepper<Resizer>(boost::fusion::make_vector(a21), b, c);
}

}  // namespace kolmo::ode::detail
