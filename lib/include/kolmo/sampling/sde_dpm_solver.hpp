#pragma once
// SDE-DPM-Solver++(2M) (Lu et al. 2022b, "DPM-Solver++", App. B, eq. 16–17; as implemented in
// k-diffusion's sample_dpmpp_2m_sde, whose η interpolates between the probability-flow ODE and the
// reverse SDE): the data-prediction multistep solver of the SDE family whose noise is a fraction
// η of the reverse SDE's. One step s → t with h = λ_t − λ_s, model values D_s = x̂_0(x_s, s) and
// D_prev from the previous step, r = h_prev/h, z ~ N(0, I):
//
//   x_t = (σ_t/σ_s) e^{−ηh} x_s + α_t (1 − e^{−(1+η)h}) D_s
//         + α_t c (D_s − D_prev)/r                                   (from the second step on)
//         + σ_t √(1 − e^{−2ηh}) S_noise z,
//   c = ½ (1 − e^{−(1+η)h})                         (midpoint, k-diffusion's default), or
//   c = (1 − e^{−(1+η)h})/(−(1+η)h) + 1             (heun).
//
// η = 0 is DPM-Solver++(2M); η = 1 draws the reverse SDE's noise (Lu et al.'s SDE-DPM-Solver++(2M)).
// Written here in the VP state x; k-diffusion's x̃ = x/α gives the same update divided by α_t.
// Noise of step j: the normals at (seed, Purpose::brownian, path, j, component). NFE = M.

#include <cstddef>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

enum class SecondOrderForm { midpoint, heun };

struct SdeDpmSolverPlusPlus2M {
  std::size_t steps = 0;  ///< M >= 1
  double eta = 1.0;       ///< η in [0, 1]: the fraction of the reverse SDE's noise
  double noise_inflation = 1.0;  ///< S_noise > 0
  SecondOrderForm form = SecondOrderForm::midpoint;
  StepSpacing spacing = StepSpacing::uniform_lambda;
  bool denoise_final = false;  ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// Samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for steps = 0, η outside
/// [0, 1] or noise_inflation <= 0 (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const SdeDpmSolverPlusPlus2M& method,
                                    const SamplerOptions& options);

}  // namespace kolmo::sampling
