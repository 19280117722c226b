#pragma once
// Internal to the ode module: one batch of trajectories of a flow advanced together, the engine
// behind ode::solve (ode/ensemble.hpp). The batch is one Odeint state — the n × (d + K) matrix
// of the n paths' states and their K log-density components, column-major in a std::vector —
// so every stage of a step is one velocity call on n rows, and Odeint's steppers (euler,
// explicit_generic_rk for Heun, runge_kutta4, runge_kutta_dopri5) do the stepping.
//
// Per-path error control (DormandPrince, DenseDormandPrince). A batch shares its step h; after
// each Dormand–Prince step every path p gets its own error norm
//   e_p = max_c |err_pc| / (abs + rel (|y_pc| + |h| |y'_pc|)),
// Odeint's default error test taken path by path (the max over the path's components, its
// log-density ones included). A path is an outlier when e_p exceeds 32 times the batch's typical
// error (the lower median of the e_p): it would need steps more than 32^{1/5} = 2 times shorter
// than the typical path. Then
//   - a typical path fails (e_p > 1): the step is rejected for all and retried shorter;
//   - else, outliers that fail leave the batch: from the same t they are integrated on to the
//     end of the interval (the next observation time, or t1) as a sub-batch of their own, by the
//     same rules with steps of their own, and rejoin the batch there; the others take the step.
// Step sizes follow the standard controller h · min(5, max(0.2, 0.9 e^{−1/5})) (Hairer, Nørsett &
// Wanner I, §II.4, eq. 4.13, with the pair's lower order 4) with e the largest error among the
// typical paths; the first step is Hairer, Nørsett & Wanner's starting step of the typical path
// (ibid., p. 169; step_control.hpp), which costs one velocity call. So every path meets the tolerance on every step it takes, as it would alone; a
// path sets its neighbours' steps only while it needs at most about twice as many as they do,
// and a harder one costs its own extra evaluations, not theirs. (With e the largest error of all,
// one hard path would set every path's steps; with e a median, half the batch would fail each
// step and the batch would shatter into sub-batches too small to evaluate efficiently.) A path's
// step sequence — and so its result within the tolerance — depends on its batch, which is fixed
// (ensemble::batch_size), never on the thread count. Observation times are step boundaries
// (DenseDormandPrince too: its per-path interpolation would need per-path steps).
//
// Failures. A path whose state becomes non-finite (fixed steps) or whose step size underflows
// leaves the batch with a status and the last time it was finite; a (sub-)batch that takes more
// than max_steps steps in one interval fails (not_converged). The others go on.

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/ode/flow.hpp"
#include "kolmo/ode/log_density.hpp"
#include "kolmo/ode/methods.hpp"

namespace kolmo::ode::detail {

struct BatchFailure {
  Eigen::Index row = 0;
  double time = 0.0;  ///< the last time the path was finite
  StatusCode code = StatusCode::non_finite;
  std::string message;
  Eigen::VectorXd last_state;  ///< d: the state where it stopped (its first non-finite component, if any)
};

struct BatchTrajectories {
  Eigen::ArrayXXd terminal;                ///< n × d at t1 (NaN rows for failed paths)
  std::vector<Eigen::ArrayXXd> observed;   ///< n × d at each observation time (NaN after a failure)
  Eigen::ArrayXd log_density_change;       ///< n: mean over the K components (empty without)
  Eigen::ArrayXd log_density_standard_error;  ///< n: sd over Hutchinson's probes / √K
  std::vector<BatchFailure> failures;      ///< sorted by row
  std::uint64_t steps = 0;                 ///< the most accepted steps any path took
  std::uint64_t evaluations = 0;           ///< velocity evaluations, in rows
};

/// Integrates the rows of x0 (n × d, finite) from t0 to t1 with a batch method (not Rosenbrock),
/// stopping at `observe_times` (sorted in the integration direction, within [t0, t1]).
/// Hutchinson probes of row i are drawn at (seed, probe, first_path + i, k, j), as ode::integrate
/// draws them for that path.
[[nodiscard]] BatchTrajectories integrate_batch(const Flow& flow, const Eigen::ArrayXXd& x0, double t0, double t1,
                                                const Method& method, const std::optional<DivergenceMethod>& log_density,
                                                const std::vector<double>& observe_times, std::uint64_t seed,
                                                std::uint64_t first_path);

}  // namespace kolmo::ode::detail
