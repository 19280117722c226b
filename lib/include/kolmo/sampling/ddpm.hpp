#pragma once
// DDPM ancestral sampling (Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models",
// Alg. 2) for any affine schedule: every step s → t < s draws x_t from the forward process's
// posterior given x_s and the model's x̂_0 = E[x_0 | x_s] (Kingma, Salimans, Poole & Ho 2021,
// "Variational Diffusion Models", Sec. 3, the posterior q(z_s | z_t, x) in their notation):
//
//   q(x_t | x_s, x_0) = N(μ̃, σ̃² I),   α_{s|t} = α_s/α_t,   σ²_{s|t} = σ_s² − α²_{s|t} σ_t²,
//   μ̃  = (α_{s|t} σ_t²/σ_s²) x_s + (α_t σ²_{s|t}/σ_s²) x̂_0,     σ̃² = σ²_{s|t} σ_t²/σ_s²,
//
// written with h = λ_t − λ_s (so α_{s|t} σ_t²/σ_s² = (α_t/α_s) e^{−2h}, σ²_{s|t}/σ_s² = 1 − e^{−2h}):
//
//   x_t = (α_t/α_s) e^{−2h} x_s + α_t (1 − e^{−2h}) x̂_0 + σ_t √(1 − e^{−2h}) z,
//
// with 1 − e^{−2h} = −expm1(−2h) (exact for small h, 1 at σ_t = 0). One model evaluation per
// step; z is the step's normal at (seed, Purpose::brownian, path, step, component).
//
// On a discrete schedule's own steps (process/discrete_schedule.hpp): with the problem's schedule
// discrete.as_continuous(), t_max = T, t_min = T/N and steps = N − 1 (StepSpacing::uniform_time,
// which then lands on the index grid t_i = i T/N), step i → i − 1 is exactly Ho et al.'s update
// x_{i−1} = (x_i − β_i/√(1 − ᾱ_i) ε̂)/√(1 − β_i) + σ_i z with the posterior variance
// σ_i² = β̃_i = β_i (1 − ᾱ_{i−1})/(1 − ᾱ_i), and denoise_final is their last step 1 → 0 (the
// mean, no noise). steps = (N − 1)/k visits every k-th level.

#include <cstddef>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct Ddpm {
  std::size_t steps = 0;  ///< M >= 1; NFE = M (+1 with denoise_final)
  StepSpacing spacing = StepSpacing::uniform_time;
  bool denoise_final = false;  ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// Ancestral samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for steps = 0 or
/// bad options (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const Ddpm& method, const SamplerOptions& options);

}  // namespace kolmo::sampling
