#pragma once
// Internal: Odeint's rosenbrock4 behind a C++17 interface. Boost 1.74's uBLAS (which rosenbrock4
// requires for its state and Jacobian) uses std::allocator::construct, removed in C++20, so this
// one translation unit is compiled as C++17 (see lib/CMakeLists.txt) and sees only this header.

#include <cstdint>
#include <functional>
#include <vector>

namespace kolmo::ode::detail {

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

}  // namespace kolmo::ode::detail
