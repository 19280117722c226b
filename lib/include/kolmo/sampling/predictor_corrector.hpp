#pragma once
// Predictor–corrector sampling (Song, Sohl-Dickstein, Kingma, Kumar, Ermon & Poole 2021,
// "Score-Based Generative Modeling through Stochastic Differential Equations", Alg. 1, and its
// VE/VP forms Alg. 2–3 in App. G) for any affine schedule. On the grid t_0 = t_max > ... > t_M:
//
// Predictor, s = t_j → t = t_{j+1}, one model evaluation ŝ = s(x, s):
//   reverse diffusion (App. E): with the forward step x_s = a x_t + G ε, a = α_s/α_t,
//     G² = σ_s² − a² σ_t², i.e. f(x) = (a − 1) x:   x ← x − f(x) + G² ŝ + G z = (2 − a) x + G² ŝ + G z
//     (VE: a = 1, G² = σ_s² − σ_t²; VP: a = √(1 − β), G² = β — their eq. for Alg. 2–3);
//   Euler–Maruyama on the reverse SDE dx = [f(t) x − g(t)² ∇log p_t] dt + g dW̄ (their eq. 6),
//     Δ = s − t:   x ← x − (f(s) x − g(s)² ŝ) Δ + g(s) √Δ z.
//
// Corrector, K Langevin steps at the new time t_i (Alg. 2–3, "corrector"), each one evaluation:
//   ŝ = s(x, t_i),  ε = 2 α_i (r ‖z‖ / ‖ŝ‖)²,  x ← x + ε ŝ + √(2ε) z,
// r the signal-to-noise ratio. α_i: 1 for VE and 1 − β_i = ᾱ_i/ᾱ_{i−1} for VP (Alg. 3), which for
// a general schedule on the sampling grid is α_i = α(t_i)²/α(t_{i+1})² (t_{M+1} := 0, α(0) = 1);
// equal to 1 for VE and to 1 − β_i on a DDPM grid (corrector_alpha).
//
// Norms. The reference implementation (yang-song/score_sde, sampling.py, LangevinCorrector) uses
// the batch means of ‖z_p‖ and ‖ŝ_p‖, one ε for all paths; that is the default
// (SnrNorms::batch_mean), over the driver's thread-independent batches, so results stay
// bit-identical for any thread count but a path's value depends on the batch it ran in. Per-path
// norms (SnrNorms::per_path) make every path a function of its own draws only, but they are not a
// Langevin step for p_t: ε_p depends on the state through ‖ŝ(x)‖ — a position-dependent step time-
// changes the chain, whose stationary law becomes ∝ p_t/ε(x) ∝ p_t ‖ŝ‖² — and on z through ‖z‖,
// which turns the noise ‖z‖ z non-Gaussian (in d dimensions the effective temperature is
// (d + 2)/d: 3 in 1-D). They are offered for comparison with implementations that use them.
//
// NFE = M (1 + K) (+1 with denoise_final). Predictor noise: (seed, Purpose::brownian, path, j);
// corrector noise: (seed, Purpose::langevin, path, i·K + k) with i the index of t_i (sampler.hpp).

#include <Eigen/Core>
#include <cstddef>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

enum class Predictor { reverse_diffusion, euler_maruyama };
enum class SnrNorms { batch_mean, per_path };

struct PredictorCorrector {
  std::size_t steps = 0;            ///< M >= 1 predictor steps
  Predictor predictor = Predictor::reverse_diffusion;
  std::size_t corrector_steps = 1;  ///< K >= 0 Langevin steps after each predictor step
  double snr = 0.16;                ///< r > 0 (Song et al. use 0.16 on CIFAR-10 VE)
  SnrNorms norms = SnrNorms::batch_mean;
  StepSpacing spacing = StepSpacing::uniform_time;
  bool denoise_final = false;       ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// Samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for steps = 0, snr ≤ 0 or
/// non-finite, or bad options (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const PredictorCorrector& method,
                                  const SamplerOptions& options);

/// α_i = α(t_i)²/α(t_next)² (t_next = 0 after the last time): the corrector's VP factor.
[[nodiscard]] double corrector_alpha(const process::NoiseSchedule& schedule, double t_i, double t_next);

/// The corrector's step sizes ε_p = 2 α_i (r ‖z‖/‖ŝ‖)² for a batch (paths × d score and noise),
/// per path or with the batch-mean norms (then all equal).
[[nodiscard]] Eigen::ArrayXd corrector_step_sizes(const Eigen::ArrayXXd& score, const Eigen::ArrayXXd& noise,
                                                  double snr, double alpha, SnrNorms norms);

/// One corrector step x ← x + ε ŝ + √(2ε) z, ε per path (rows).
void langevin_correct(Eigen::ArrayXXd& x, const Eigen::ArrayXXd& score, const Eigen::ArrayXXd& noise,
                      const Eigen::ArrayXd& step_sizes);

}  // namespace kolmo::sampling
