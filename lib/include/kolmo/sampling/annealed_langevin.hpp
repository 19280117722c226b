#pragma once
// Annealed Langevin dynamics (Song & Ermon 2019, "Generative Modeling by Estimating Gradients of
// the Data Distribution", Alg. 1): for noise levels σ_1 > ... > σ_L, T steps at each level,
//
//   α_i = ε σ_i²/σ_L²,   x ← x + (α_i/2) s(x, σ_i) + √α_i z,
//
// the level's step scaled so that the signal-to-noise ratio of the update stays fixed (their §4.3).
// Here the levels are times t_1 > ... > t_L of the problem's schedule, σ_i = σ(t_i): the L
// sampling_times from t_max to t_min (L = 1: t_min alone), so a VE schedule gives exactly their
// σ_i; the scores are s(x, t_i). Corrector-only sampling in the sense of Song et al. 2021
// (App. G). The initial state is problem.initial (Song & Ermon start from uniform noise).
//
// NFE = L·T (+1 with denoise_final). Noise of step k at level i (i = 0..L−1): the normals at
// (seed, Purpose::langevin, path, i·T + k) (sampler.hpp).

#include <cstddef>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct AnnealedLangevin {
  std::size_t levels = 0;           ///< L >= 1
  std::size_t steps_per_level = 0;  ///< T >= 1
  double epsilon = 0.0;             ///< ε > 0: the step at the last level σ_L
  StepSpacing spacing = StepSpacing::uniform_time;
  bool denoise_final = false;       ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// Samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for levels = 0,
/// steps_per_level = 0, ε ≤ 0 or non-finite, or bad options (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const AnnealedLangevin& method,
                                  const SamplerOptions& options);

/// α_i = ε σ_i²/σ_L² (Song & Ermon 2019, Alg. 1, line 3).
[[nodiscard]] double annealed_step_size(double epsilon, double sigma_i, double sigma_last);

}  // namespace kolmo::sampling
