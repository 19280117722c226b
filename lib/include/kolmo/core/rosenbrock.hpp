#pragma once
// Boost.Odeint's rosenbrock4 (a stiff, dense-output, error-controlled integrator) behind an
// interface of std types, shared by ode::integrate (the Rosenbrock method) and pde::MethodOfLines.
// It lives in core because both modules use it and pde sits below ode in the module graph.
// Boost 1.74's uBLAS, which rosenbrock4 requires for its state and Jacobian, uses
// std::allocator::construct, removed in C++20: the one translation unit that includes Odeint for
// it is compiled as C++17 (see lib/CMakeLists.txt) and sees only this header.

#include <cstdint>
#include <functional>
#include <vector>

namespace kolmo {

/// dy/dt = rhs(y, t) into dydt.
using RosenbrockRhs = std::function<void(const std::vector<double>& y, std::vector<double>& dydt, double t)>;
/// J = ∂rhs/∂y (row-major, n × n) and ∂rhs/∂t at (y, t).
using RosenbrockJacobian =
    std::function<void(const std::vector<double>& y, std::vector<double>& jacobian_row_major,
                       std::vector<double>& dfdt, double t)>;
/// Called at every stop time with the state there.
using RosenbrockObserver = std::function<void(const std::vector<double>& y, double t)>;

/// Dense-output controlled rosenbrock4 through `times` (t0 first); returns the steps taken.
/// Throws Odeint's errors (std::runtime_error) when it gives up.
std::uint64_t rosenbrock_integrate(const RosenbrockRhs& rhs, const RosenbrockJacobian& jacobian,
                                   std::vector<double>& y, const std::vector<double>& times, double absolute_tolerance,
                                   double relative_tolerance, int max_steps, const RosenbrockObserver& observer);

}  // namespace kolmo
