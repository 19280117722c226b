#pragma once
// DDIM (Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models", eq. 12): from s to t < s,
//
//   x_t = α_t x̂_0 + √(σ_t² − c_t²) ε̂ + c_t z,    ε̂ = E[ε | x_s],  x̂_0 = (x_s − σ_s ε̂)/α_s,
//
// with the noise level of their eq. 16, σ_τ(η) = η √((1 − ᾱ_{i−1})/(1 − ᾱ_i)) √(1 − ᾱ_i/ᾱ_{i−1}),
// written for any affine schedule as η times the DDPM posterior's standard deviation (ddpm.hpp):
//
//   c_t = η σ_t √(1 − e^{−2h}),   h = λ_t − λ_s,   so √(σ_t² − c_t²) = σ_t √(1 − η² (1 − e^{−2h})).
//
// η = 0 is deterministic: the first-order exponential integrator of the probability-flow ODE,
// i.e. DPM-Solver-1 (Lu et al. 2022, "DPM-Solver", Sec. 4.1), step for step. η = 1 is DDPM
// ancestral sampling with the same draws. One model evaluation per step; z is the step's normal at
// (seed, Purpose::brownian, path, step, component).

#include <cstddef>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct Ddim {
  std::size_t steps = 0;  ///< M >= 1; NFE = M (+1 with denoise_final)
  double eta = 0.0;       ///< η in [0, 1]
  StepSpacing spacing = StepSpacing::uniform_time;
  bool denoise_final = false;  ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// DDIM samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for steps = 0 or η
/// outside [0, 1] (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const Ddim& method, const SamplerOptions& options);

}  // namespace kolmo::sampling
