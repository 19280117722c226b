#pragma once
// The EDM samplers (Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of
// Diffusion-Based Generative Models", NeurIPS): Heun's method on the probability-flow ODE in the
// variables of their eq. 4 — the scaled state x̃ = x/α and its noise level σ̃ = σ/α = e^{−λ} —
// where it reads dx̃/dσ̃ = (x̃ − D(x̃; σ̃))/σ̃ with the denoiser D = x̂_0 = E[x_0 | x]. Any noise
// schedule maps to these variables (for NoiseSchedule::edm, α = 1 and σ̃ = t).
//
// Time steps (their eq. 5): N noise levels
//   σ̃_i = (σ̃_max^{1/ρ} + i/(N − 1) (σ̃_min^{1/ρ} − σ̃_max^{1/ρ}))^ρ,   i = 0..N − 1,
// from σ̃_max = σ̃(t_max) to σ̃_min = σ̃(t_min), then σ̃_N = 0 (karras_times gives the t_i).
//
// One step i (Alg. 2; Alg. 1 is churn = 0):
//   γ_i = min(S_churn/N, √2 − 1) if S_tmin ≤ σ̃_i ≤ S_tmax, else 0;   σ̂ = σ̃_i (1 + γ_i)
//   x̂ = x̃_i + √(σ̂² − σ̃_i²) S_noise z                                   (only when γ_i > 0)
//   d = (x̂ − D(x̂; σ̂))/σ̂,   x̃_{i+1} = x̂ + (σ̃_{i+1} − σ̂) d                (Euler)
//   if σ̃_{i+1} > 0:  d' = (x̃_{i+1} − D(x̃_{i+1}; σ̃_{i+1}))/σ̃_{i+1},
//                    x̃_{i+1} = x̂ + (σ̃_{i+1} − σ̂)(d + d')/2                 (Heun's correction)
// The last step, to σ̃_N = 0, is Euler's: x̃_N = D(x̂; σ̂). NFE = 2N − 1. The samples are at
// σ = 0 (the result's times end at 0), the law of the final denoising, as in EDM.
//
// Euler-ancestral (as in k-diffusion's sample_euler_ancestral, used widely since) is DDIM with
// η (ddim.hpp); it is not repeated here.
//
// Randomness: z of step i is the normal at (seed, Purpose::brownian, path, i, component),
// drawn only when churn > 0. σ̂ must stay within the schedule (σ̂ ≤ σ̃(T)): churn at the first
// level of a schedule that starts at its horizon is refused (set churn_max below σ̃(t_max)).

#include <cstddef>
#include <limits>
#include <vector>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct EdmHeun {
  std::size_t levels = 0;  ///< N >= 2 noise levels before σ = 0 (EDM's num_steps); NFE = 2N − 1
  double rho = 7.0;        ///< ρ > 0 of the level spacing
  double churn = 0.0;      ///< S_churn >= 0 (0: Alg. 1, deterministic)
  double churn_min = 0.0;  ///< S_tmin: churn only at levels σ̃_i in [churn_min, churn_max]
  double churn_max = std::numeric_limits<double>::infinity();  ///< S_tmax
  double noise_inflation = 1.0;  ///< S_noise > 0
};

/// t_0 = t_max > … > t_{N−1} = t_min at the ρ-spaced levels σ̃_i (eq. 5). Throws kolmo::Error
/// for levels < 2 or ρ <= 0 (naming them), or an invalid truncation.
[[nodiscard]] std::vector<double> karras_times(const process::NoiseSchedule& schedule, double t_max, double t_min,
                                               std::size_t levels, double rho);

/// EDM samples at σ = 0. Throws kolmo::Error for levels < 2, ρ <= 0, churn < 0, churn_min >
/// churn_max, noise_inflation <= 0, or a churned level beyond the schedule's horizon.
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const EdmHeun& method, const SamplerOptions& options);

}  // namespace kolmo::sampling
