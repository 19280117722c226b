#pragma once
// Convergence studies: a scheme on one problem over a list of step sizes, all driven by the SAME
// Brownian paths, with Monte Carlo standard errors and fitted orders.
//
// Method (Higham 2001, §4–5; Kloeden & Platen 1992, §9.6–9.7):
//   * The Brownian path of every Monte Carlo path is drawn once on a fine grid of M steps,
//     M = lcm of the step counts (any list of step sizes, not only halvings), and each
//     resolution sums the fine increments it spans (random/brownian_increments.hpp), so every
//     resolution — and the reference — integrates the same path.
//   * Reference X_T^ref: the exact solution on that path, X(T; X_0, W_T − W_0), when the problem
//     has one; otherwise the same scheme at reference_dt (which must be finer than every step
//     studied: its own error then enters every resolution's error equally, and is reported).
//   * Strong error at step h: e_h = E|X_T^h − X_T^ref| (Euclidean norm) with its standard error;
//     the RMS error sqrt(E|X_T^h − X_T^ref|²) with the delta-method standard error
//     se(mean of e²) / (2 rms).
//   * Weak error for a functional φ: E φ(X_T^h) − E φ(X_T^ref) estimated by the mean of the
//     per-path differences φ(X_T^h) − φ(X_T^ref). This is a coupled estimator: both terms see
//     the same noise, so its variance is of the order of the strong error squared rather than
//     Var φ(X_T); with an exact reference its expectation is exactly the weak error.
//   * Orders: error ~ C h^p fitted by weighted least squares on log error vs log |h|
//     (stats/order_fit.hpp). Every resolution sees the same paths, so the errors at different h
//     are correlated: the order's standard error and interval come from a delete-one-group
//     jackknife over `groups` disjoint blocks of paths (stats::fit_order_grouped), which carries
//     that correlation, with Student-t quantiles on groups − 1 degrees of freedom.
//   * Local orders: the last local order (two finest steps) with the drift bound of its
//     pre-asymptotic term and jackknife margins (stats::local_order_interval), with the order
//     step q of the error expansion from theory: q = ½ for strong errors (Itô–Taylor terms come in
//     half-integer orders), q = 1 for weak errors (Talay & Tubaro 1990). A straight line through
//     C h^p (1 + c h^q) over a range of h is biased by the curvature; the local-order interval is
//     what the verification cases test the advertised order against. Needs 3 step sizes. A fit refuses — status within_noise, naming the
//     step size — when an error is less than twice its standard error: the error is then not
//     resolved above Monte Carlo noise, and its logarithm is not a measurement. It refuses as
//     well when an error is at the rounding level, 16 n u E|X^ref| after n steps (u = 2^-53).
//   * Work–precision: each resolution records its wall time and drift evaluations.
//   * Sums. Every mean of the study (errors, their group means, the reference's magnitude) is
//     accumulated in fixed segments of paths — maximal runs within one jackknife group and one
//     wave of the ensemble engine (ensemble/distributed.hpp) — in path order, and the segments
//     merged in path order (Welford / Chan). The result is therefore the same, bit for bit, when
//     the paths are split over MPI ranks (`communicator`): each rank measures the segments of its
//     own waves, keeps its terminal states, and exchanges only the segments' sums.
//   * Memory. The paths run in chunks of whole waves (`paths_in_memory` per rank): a chunk's
//     reference and, one after the other, its resolutions are solved, their errors summed into the
//     chunk's segments, and the terminal states dropped. No segment spans two chunks, so the chunk
//     size changes no sum; a study of 10⁹ or 10¹⁰ paths needs the memory of one chunk.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>


#include "kolmo/core/status.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/stats/mean_estimate.hpp"
#include "kolmo/stats/local_orders.hpp"
#include "kolmo/stats/order_fit.hpp"

namespace kolmo::sde {

/// X_{t1} on a path from its start X_{t0} and Brownian increment W_{t1} − W_{t0}:
/// (t0, t1, x0, w) -> paths × d, with x0 paths × d and w paths × m. t1 < t0 means the reversed
/// clock of sde/stepper.hpp. (The catalogue's solution() methods have this form.)
using PathSolution = std::function<Eigen::ArrayXXd(double t0, double t1, const process::StateView& x0,
                                                   const process::StateView& w)>;

/// A functional φ of the terminal state for weak errors: paths × d -> one value per path.
struct WeakFunctional {
  std::string name;
  std::function<Eigen::ArrayXd(const Eigen::ArrayXXd& x)> phi;
};

struct ConvergenceOptions {
  std::vector<double> dts;                   ///< signed step sizes, at least 2 distinct
  std::uint64_t paths = 0;                   ///< Monte Carlo paths, at least 2
  int threads = 1;
  std::vector<WeakFunctional> functionals;   ///< weak errors to report and fit (may be empty)
  PathSolution exact;                        ///< exact solution on the path, if known
  double reference_dt = 0.0;                 ///< used when `exact` is empty
  double level = 0.95;                       ///< confidence level of the fitted orders
  /// Disjoint path groups (contiguous path ranges) of the jackknife, between 2 and paths.
  std::size_t groups = 100;
  double strong_correction_order = 0.5;  ///< q of the strong-error expansion (> 0)
  double weak_correction_order = 1.0;    ///< q of the weak-error expansion (> 0)
  /// Split the paths over MPI ranks (ensemble/distributed.hpp): every rank returns the same study,
  /// bit-identical to the one-process study; the terminal states never leave their ranks.
  const ensemble::Communicator* communicator = nullptr;
  /// The most paths whose terminal states a process holds at a time (rounded up to whole waves of
  /// the ensemble engine): the study runs its paths in chunks of this many per rank, so its memory,
  /// about 5 · 8 d bytes per path held, does not grow with `paths`. Never changes a result.
  std::uint64_t paths_in_memory = std::uint64_t{1} << 22;
};

/// The errors at one step size.
struct Resolution {
  double dt = 0.0;
  std::uint64_t steps = 0;
  stats::MeanEstimate strong;               ///< E|X^h − X^ref| with its standard error
  double strong_rms = 0.0;                  ///< sqrt(E|X^h − X^ref|²)
  double strong_rms_standard_error = 0.0;   ///< delta method
  std::vector<stats::MeanEstimate> weak;    ///< per functional: E[φ(X^h) − φ(X^ref)], signed
  /// Per path group (ConvergenceOptions::groups): means of |X^h − X^ref|, of its square, and of
  /// each functional's difference — what the jackknife of the order fits is computed from.
  std::vector<double> strong_group_means, square_group_means;
  std::vector<std::vector<double>> weak_group_means;
  double wall_seconds = 0.0;
  std::uint64_t drift_evaluations = 0;
};

struct ConvergenceStudy {
  Status status;                    ///< first failure: a non-finite solve, or ok
  std::string scheme;
  SchemeTraits traits;
  std::string problem;              ///< the SDE's name
  std::string reference;            ///< "exact" or "scheme at dt = ..."
  std::uint64_t paths = 0;
  std::uint64_t fine_steps = 0;     ///< M, the Brownian grid shared by all resolutions
  std::vector<std::size_t> group_sizes;  ///< paths in each jackknife group
  double level = 0.95;                   ///< confidence level of the fits and intervals
  std::vector<Resolution> resolutions;
  stats::OrderFit strong_order;     ///< fit of E|X^h − X^ref| against |h|
  stats::OrderFit strong_rms_order; ///< fit of the RMS error
  std::vector<std::string> functional_names;
  std::vector<stats::OrderFit> weak_orders;  ///< fits of |E[φ(X^h) − φ(X^ref)]|
  /// Last local order of E|X^h − X^ref| with its drift bound and jackknife margins (3+ step sizes).
  std::optional<stats::LocalOrderInterval> strong_local;
  std::vector<stats::LocalOrderInterval> weak_local;  ///< the same per functional (3+ step sizes)
};

namespace detail {
/// The type-erased study; `scheme_at(dt)` gives the scheme with step dt.
[[nodiscard]] ConvergenceStudy run_convergence(const SdeProblem& problem, const SchemeTraits& traits,
                                               const std::function<SchemeRun(double dt)>& scheme_at,
                                               const ConvergenceOptions& options);
}  // namespace detail

/// Runs `scheme` (its dt is replaced by each of options.dts) on `problem`. Misuse throws
/// kolmo::Error (fewer than 2 step sizes, a step that does not divide the interval, a Brownian
/// grid over 2^32 steps, no reference, a reference_dt not finer than every step, or a scheme
/// with no pathwise meaning such as ExactLinear).
template <Scheme S>
[[nodiscard]] ConvergenceStudy study_convergence(const SdeProblem& problem, const S& scheme,
                                                 const ConvergenceOptions& options) {
  (void)scheme.make_stepper(problem.sde);
  return detail::run_convergence(
      problem, S::traits,
      [&scheme, &problem](double dt) {
        S at = scheme;
        at.dt = dt;
        return detail::SchemeRun{S::traits, dt, at.wiener_dimension(problem.sde),
                         [at, &problem] { return at.make_stepper(problem.sde); }};
      },
      options);
}

}  // namespace kolmo::sde
