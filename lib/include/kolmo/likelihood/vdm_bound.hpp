#pragma once
// The variational bound of a variational diffusion model (Kingma, Salimans, Poole & Ho 2021,
// eq. 11–17) on a noise schedule's window [t_min, t_max]: with z_t = α_t x + σ_t ε,
// SNR(t) = α_t²/σ_t² and the denoiser x̂(z, t) = (z + σ_t² s(z, t))/α_t of a score model (Tweedie),
//
//   −log p(x) ≤ L(x) = L_prior + L_reconstruction + L_diffusion,
//   L_prior          = KL(q(z_{t_max} | x) ‖ π),                       closed form (π one Gaussian),
//   L_reconstruction = −E log N(x; z_{t_min}/α_{t_min}, (σ_{t_min}/α_{t_min})² I) = (d/2)(1 + log(2π/SNR(t_min))),
//   L_T              = (T/2) E_{i ~ U{1..T}} E_ε [(SNR(s_i) − SNR(t_i)) |x − x̂(z_{t_i}, t_i)|²]     (eq. 13)
//                      on the uniform grid t_i = t_min + i (t_max − t_min)/T, s_i = t_{i−1}, or
//   L_∞              = −½ ∫_{t_min}^{t_max} SNR'(t) E_ε |x − x̂(z_t, t)|² dt                         (eq. 17).
//
// The decoder N(x; z/α, (σ/α)² I) is the continuous-data one (Kingma et al. use a discretised
// decoder for 8-bit data). For a denoiser that depends on (z/α, SNR) only — the exact one, or a
// network conditioned on log SNR — L_∞ depends on the schedule only through the endpoints
// SNR(t_min) and SNR(t_max) (eq. 18: with v = SNR, L_∞ = ½ ∫ E |x − x̃(z_v)|² dv); a fixed s(z, t)
// run under another schedule in general gives another L_∞. L_T → L_∞ as T grows.
//
// Estimator. Per point, M draws of (u, ε): u uniform gives the time t with log SNR(t) uniform
// between the endpoints (the proposal under which SNR(t)·|x − x̂|², the integrand per unit of
// log SNR, stays bounded as t → t_min); the continuous loss takes
//   ½ (log SNR(t_min) − log SNR(t_max)) SNR(t) |x − x̂(z_t, t)|²,
// the T-step loss the grid interval (s_i, t_i] that holds t — drawn with probability P_i, its
// share of log SNR — and ½ (SNR(s_i) − SNR(t_i)) |x − x̂(z_{t_i}, t_i)|² / P_i, with z from the same ε.
// Both are unbiased; with one seed the two share their draws, so L_T − L_∞ is estimated with
// common random numbers. The bound reported is −L(x) (a lower bound on log p(x), nats) with
// SE sd/√M; draws at (seed, Purpose::bound_estimate, point, draw, component: 0 for u, 1.. for ε).

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/score_model.hpp"
#include "kolmo/stats/mean_estimate.hpp"

namespace kolmo::likelihood {

struct VdmBoundOptions {
  double t_min = 1e-3;          ///< the decoder's time: SNR_max = SNR(t_min), t_min > 0
  std::optional<double> t_max;  ///< the prior's time: SNR_min = SNR(t_max) (default: the schedule's horizon)
  std::size_t steps = 0;        ///< T: 0 for the continuous loss L_∞, else the T-step loss L_T
  std::size_t draws = 256;      ///< M ≥ 2 per point
  std::uint64_t seed = 0;
  int threads = 1;
};

struct VdmBound {
  Status status;                          ///< ok, or non_finite naming the first failed point
  Eigen::ArrayXd bound;                   ///< per point: −L(x), nats (NaN where a draw was not finite)
  Eigen::ArrayXd standard_error;          ///< per point: sd over the M draws / √M
  Eigen::ArrayXd prior_term;              ///< per point: KL(q(z_{t_max} | x) ‖ π)
  Eigen::ArrayXd reconstruction_term;     ///< per point: (d/2)(1 + log(2π/SNR(t_min)))
  Eigen::ArrayXd diffusion_loss;          ///< per point: the estimate of L_T or L_∞
  std::vector<std::size_t> failed_points; ///< ascending
  stats::MeanEstimate mean;               ///< of the bound over the finished points
};

/// The bound at each row of `points` (n × d); the score model is called from `threads` threads at once. Throws kolmo::Error on misuse: no points,
/// non-finite points, a score or prior of another dimension, a prior of more than one component,
/// t_min ≤ 0, t_max ≤ t_min or beyond the horizon, an SNR that does not fall on the window,
/// draws < 2, threads < 1.
[[nodiscard]] VdmBound vdm_bound(const process::NoiseSchedule& schedule, const score::ScoreModel& score,
                                 const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
                                 const VdmBoundOptions& options = {});

}  // namespace kolmo::likelihood
