#pragma once
// The continuous-time evidence lower bound of a diffusion model's generative reverse SDE
// (Huang, Lim & Courville 2021, Thm. 3; Song, Durkan, Murray & Ermon 2021, Thm. 3 / eq. 17):
// for the forward process dx = f(t) x dt + g(t) dW of a noise schedule, a score model s and a
// prior π at T, the density p_SDE at t_min of the SDE dx = [f x − g² s] dt + g dW̄ run from π
// satisfies, at every point x,
//
//   log p_SDE(x) ≥ ELBO(x) = E[log π(X_T)] − ∫_{t_min}^{T} E[ ½ g² |s(X_t, t)|² + g² ∇·s(X_t, t) − d f(t) ] dt,
//
// expectations over the forward process started at X_{t_min} = x (the "plug-in" form: the
// variational process is the forward SDE itself). The gap is the KL divergence between the
// forward path law from x and the generative path law conditioned to end at x, so with the
// exact score and π = p_T the bound is tight: ELBO(x) = log p_{t_min}(x). Averaged over data,
// E_x[log p_SDE − ELBO] = KL(Q ‖ P) − KL(p_{t_min} ‖ p_SDE), Q and P the forward and generative
// path laws, and KL(Q ‖ P) = KL(p_T ‖ π) + ½ ∫ E_{p_t} g² |s − ∇log p_t|² dt (Girsanov).
//
// Estimator. Per point, M independent draws m of a time t ~ ρ (score/time_sampling.hpp; the
// default ρ ∝ g²/σ², Song et al. 2021's importance sampling, under which the integrand's
// 1/σ² growth near t_min is flat), X_t and X_T from the forward transitions of the schedule,
//
//   X_t = (α_t/α_{t_min}) x + √(σ_t² − (α_t/α_{t_min})² σ_{t_min}²) ε,
//
// give e_m = log π(X_T) − h(t, X_t)/ρ(t), each an unbiased estimate of ELBO(x); the result is
// their mean with SE sd/√M. Every draw is a function of (seed, Purpose::bound_estimate, point,
// draw, component), so results are bit-identical for any thread count. ∇·s is the score's own
// divergence (ode::ExactDivergence) or Hutchinson's (1/K) Σ_k z_kᵀ ∇s z_k with K Rademacher or
// Gaussian probes through the score's Jacobian–vector product (ode::Hutchinson; entries at
// (seed, Purpose::probe, point, draw, k d + j), ode/probe.hpp), whose noise the SE then includes.
//
// The general form (Huang, Lim & Courville 2021, Thm. 1, with μ = g² s − f x the generative drift
// and σ = g): for ANY variational drift a(t, x) and the inference paths
//
//   dX_t = [f X_t − g² s(X_t, t) + g a(X_t, t)] dt + g dW_t  from X_{t_min} = x,
//
//   log p_SDE(x) ≥ E[log π(X_T)] − ∫_{t_min}^{T} E[ ½ |a|² + g² ∇·s − d f(t) ] dt,
//
// with gap KL(Q_a ‖ P(· | x)), the KL from the inference path law to the generative one
// conditioned on x. The plug-in form above is a = g s (its inference drift is the forward one,
// whose transitions the plug-in estimator draws exactly). With `variational` set — even to
// a = g s — the paths are Euler–Maruyama chains on a uniform grid of `steps` steps and the
// integral the left-point rule along them: an estimate that tends to the bound at weak order 1
// but at finite N is not itself a bound of any discrete model (the ∇·s and d f terms have no
// discrete counterpart), so a case compares two step counts on the same Brownian paths
// (`brownian_fine_steps`) and extrapolates; increments at
// random::BrownianIncrements(seed, t_min, T, fine steps, d, Purpose::bound_estimate), path
// index point · M + draw. The integrand grows like 1/σ² near t_min, so a small t_min needs many
// steps here; the plug-in form's importance sampling does not.
//
// Failures. A point with a non-finite draw (a score that returns inf) gets NaN and is named in
// the status; the mean is over the other points — never a NaN in the mean.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/ode/log_density.hpp"
#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/process/sde.hpp"
#include "kolmo/score/score_model.hpp"
#include "kolmo/score/time_sampling.hpp"
#include "kolmo/stats/mean_estimate.hpp"

namespace kolmo::likelihood {

/// The variational drift a(t, x) of the general form and the grid its paths are simulated on.
struct VariationalDrift {
  process::BatchCoefficient drift;        ///< a(t, x): paths × d
  std::size_t steps = 256;                ///< N ≥ 1 Euler–Maruyama steps from t_min to t_max
  std::uint64_t brownian_fine_steps = 0;  ///< 0, or a multiple of N: the same Brownian paths at every N dividing it
};

struct ContinuousElboOptions {
  double t_min = 1e-3;                    ///< where the bounded density is evaluated (> 0)
  std::optional<double> t_max;            ///< T, where π stands in for p_T (default: the schedule's horizon)
  std::size_t draws = 256;                ///< M ≥ 2 draws of (t, X_t, X_T) per point
  score::TimeSampling time_sampling = score::TimeSampling::likelihood_importance();
  ode::DivergenceMethod divergence = ode::ExactDivergence{};  ///< exact or Hutchinson (not FiniteDifference)
  std::uint64_t seed = 0;
  int threads = 1;
  /// Empty: the plug-in form (a = g s, exact forward transitions, `time_sampling`). Set: the
  /// general form along simulated inference paths (ExactDivergence only; `time_sampling` unused).
  std::optional<VariationalDrift> variational;
};

struct ContinuousElbo {
  Status status;                          ///< ok, or non_finite naming the first failed point
  Eigen::ArrayXd elbo;                    ///< per point, nats (NaN where a draw was not finite)
  Eigen::ArrayXd standard_error;          ///< per point: sd over the M draws / √M
  Eigen::ArrayXd prior_term;              ///< per point: the mean of log π(X_T)
  Eigen::ArrayXd diffusion_term;          ///< per point: the integral's estimate (plug-in: the mean of h(t, X_t)/ρ(t); general form: of the path integrals)
  std::vector<std::size_t> failed_points; ///< ascending
  stats::MeanEstimate mean;               ///< over the finished points (independent draws: SE over points)
};

/// The score model and the variational drift are called from `threads` threads at once.
/// ELBO(x) of each row of `points` (n × d) for the reverse SDE of `schedule` in d dimensions
/// with `score` and prior π. Throws kolmo::Error on misuse: no points, non-finite points, a score
/// or prior of another dimension, t_min ≤ 0 or t_max ≤ t_min or t_max beyond the horizon,
/// draws < 2, ExactDivergence without the score's divergence, Hutchinson with 0 probes or
/// without the score's Jacobian–vector product, FiniteDifference, threads < 1; with `variational`:
/// an empty drift or one of the wrong shape, steps = 0, fine steps not a multiple of the steps,
/// or a divergence other than ExactDivergence.
[[nodiscard]] ContinuousElbo continuous_elbo(const process::NoiseSchedule& schedule, const score::ScoreModel& score,
                                             const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
                                             const ContinuousElboOptions& options = {});

}  // namespace kolmo::likelihood
