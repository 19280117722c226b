#pragma once
// One trajectory of a flow, optionally carrying its log-density:
//
//   auto result = kolmo::ode::integrate(flow, x0, t0, t1, DormandPrince{1e-10, 1e-10},
//                                       {.log_density = ExactDivergence{}});
//   result.state;                 // x(t1)
//   result.log_density_change;    // log p(x(t1), t1) − log p(x0, t0) = −∫ ∇·v dt
//
// The state is augmented with one log-density component per divergence estimate (one for the
// exact or finite-difference divergence, K for Hutchinson's probes) and the whole system is
// integrated by the Odeint stepper the method names, so the log-density is as accurate as the
// trajectory. Failures (a non-finite state, Odeint giving up on the step size, max_steps) are a
// status with the time where they happened; misuse throws kolmo::Error.

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/ode/flow.hpp"
#include "kolmo/ode/log_density.hpp"
#include "kolmo/ode/methods.hpp"

namespace kolmo::ode {

struct IntegrateOptions {
  std::optional<DivergenceMethod> log_density;  ///< carry log p along the trajectory
  std::vector<double> observe_times;            ///< states at these times (in [t0, t1])
  std::uint64_t seed = 0;                       ///< Hutchinson probes' seed
  std::uint64_t path = 0;                       ///< Hutchinson probes' path index
};

struct TrajectorySolution {
  Status status;
  double failure_time = 0.0;                 ///< on failure: the last time the state was finite
  Eigen::VectorXd state;                     ///< x(t1) (last finite state on failure)
  double log_density_change = 0.0;           ///< −∫ ∇·v dt (mean over probes for Hutchinson)
  double log_density_standard_error = 0.0;   ///< Hutchinson: sd over probes / √K; else 0
  std::vector<Eigen::VectorXd> observed;     ///< states at options.observe_times, in order
  std::uint64_t steps = 0;                   ///< accepted steps
  std::uint64_t velocity_evaluations = 0;    ///< per state (a batch of n rows counts n)
};

/// Integrates `flow` from x0 at t0 to t1 with `method`.
[[nodiscard]] TrajectorySolution integrate(const Flow& flow, const Eigen::VectorXd& x0, double t0, double t1,
                                   const Method& method, const IntegrateOptions& options = {});

}  // namespace kolmo::ode
