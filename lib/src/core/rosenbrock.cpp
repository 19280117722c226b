// Compiled as C++17: see kolmo/core/rosenbrock.hpp.
#include "kolmo/core/rosenbrock.hpp"

#include <boost/numeric/odeint/integrate/integrate_times.hpp>
#include <boost/numeric/odeint/integrate/max_step_checker.hpp>
#include <boost/numeric/odeint/stepper/generation.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_controller.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_dense_output.hpp>
#include <utility>

namespace kolmo {

std::uint64_t rosenbrock_integrate(const RosenbrockRhs& rhs, const RosenbrockJacobian& jacobian,
                                   std::vector<double>& y, const std::vector<double>& times, double absolute_tolerance,
                                   double relative_tolerance, int max_steps, const RosenbrockObserver& observer) {
  namespace odeint = boost::numeric::odeint;
  namespace ublas = boost::numeric::ublas;
  const std::size_t n = y.size();
  ublas::vector<double> state(n);
  std::copy(y.begin(), y.end(), state.begin());
  std::vector<double> in(n), out(n), jac(n * n), dfdt(n);

  const auto system = [&](const ublas::vector<double>& x, ublas::vector<double>& dxdt, double t) {
    std::copy(x.begin(), x.end(), in.begin());
    rhs(in, out, t);
    std::copy(out.begin(), out.end(), dxdt.begin());
  };
  const auto system_jacobian = [&](const ublas::vector<double>& x, ublas::matrix<double>& j, double t,
                                   ublas::vector<double>& dt) {
    std::copy(x.begin(), x.end(), in.begin());
    jacobian(in, jac, dfdt, t);
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t c = 0; c < n; ++c) j(r, c) = jac[r * n + c];
      dt(r) = dfdt[r];
    }
  };
  const auto record = [&](const ublas::vector<double>& x, double t) {
    std::vector<double> copy(x.begin(), x.end());
    observer(copy, t);
  };
  const double first_step = (times.back() - times.front()) * 1e-3;
  const std::size_t steps = odeint::integrate_times(
      odeint::make_dense_output<odeint::rosenbrock4<double>>(absolute_tolerance, relative_tolerance),
      std::make_pair(system, system_jacobian), state, times.begin(), times.end(), first_step, record,
      odeint::max_step_checker(max_steps));
  std::copy(state.begin(), state.end(), y.begin());
  return steps;
}

}  // namespace kolmo
