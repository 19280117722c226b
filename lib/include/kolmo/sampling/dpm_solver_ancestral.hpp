#pragma once
// Ancestral DPM-Solver++(2S) (as in k-diffusion's sample_dpmpp_2s_ancestral, the ancestral form of
// Lu et al. 2022b's singlestep second-order data-prediction solver): each step s → t splits the
// noise level of t, in the scaled variables x̃ = x/α and σ̃ = σ/α = e^{−λ} (edm.hpp), into a
// deterministic part σ_down and fresh noise σ_up (k-diffusion's get_ancestral_step, DDIM's σ_η):
//
//   σ_up = min(σ̃_t, η √(σ̃_t² (σ̃_s² − σ̃_t²)/σ̃_s²)),   σ_down = √(σ̃_t² − σ_up²)
//   h = λ_down − λ_s (λ_down = −log σ_down),   u = λ_s + h/2 (r = ½)
//   x̃_u = (σ̃_u/σ̃_s) x̃_s − (e^{−h/2} − 1) D(x̃_s; σ̃_s)
//   x̃_t = (σ_down/σ̃_s) x̃_s − (e^{−h} − 1) D(x̃_u; σ̃_u) + σ_up S_noise z
//
// (with σ_down = 0, x̃_t = D(x̃_s; σ̃_s) + σ_up S_noise z). η = 0 gives DPM-Solver++(2S) with
// r = ½ and the "dpmsolver" update, which uses D at the midpoint only. Noise of step j: the
// normals at (seed, Purpose::brownian, path, j, component). NFE = 2 per step.

#include <cstddef>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct DpmSolverPlusPlus2SAncestral {
  std::size_t steps = 0;         ///< M >= 1
  double eta = 1.0;              ///< η in [0, 1]
  double noise_inflation = 1.0;  ///< S_noise > 0
  StepSpacing spacing = StepSpacing::uniform_lambda;
  bool denoise_final = false;    ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// Samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for steps = 0, η outside
/// [0, 1] or noise_inflation <= 0 (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const DpmSolverPlusPlus2SAncestral& method,
                                    const SamplerOptions& options);

}  // namespace kolmo::sampling
