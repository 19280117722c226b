#pragma once
// DPM-Solver++(2M) (Lu, Zhou, Bao, Chen, Li & Zhu 2022b, "DPM-Solver++: Fast Solver for Guided
// Sampling of Diffusion Probabilistic Models", Alg. 2): the second-order multistep exponential
// integrator of the probability-flow ODE with the data prediction x̂_0 = E[x_0 | x]. On the grid
// t_0 > t_1 > ... > t_M, h_i = λ_{t_i} − λ_{t_{i−1}}, Q_i = x̂_0(x_{t_i}, t_i):
//
//   i = 1 (first order)   x_{t_1} = (σ_{t_1}/σ_{t_0}) x_{t_0} − α_{t_1} (e^{−h_1} − 1) Q_0
//   i ≥ 2                 r_i = h_{i−1}/h_i,
//                         D_i = (1 + 1/(2 r_i)) Q_{i−1} − (1/(2 r_i)) Q_{i−2},
//                         x_{t_i} = (σ_{t_i}/σ_{t_{i−1}}) x_{t_{i−1}} − α_{t_i} (e^{−h_i} − 1) D_i
//
// with −(e^{−h} − 1) = −expm1(−h). One model evaluation per step (the previous one is reused), so
// NFE = M; global error O(h²).

#include <cstddef>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct DpmSolverPlusPlus2M {
  std::size_t steps = 0;  ///< M >= 2 (one step would never use the second-order update); NFE = M (+1)
  StepSpacing spacing = StepSpacing::uniform_lambda;
  bool denoise_final = false;  ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// DPM-Solver++(2M) samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for
/// steps < 2 (naming it).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const DpmSolverPlusPlus2M& method,
                                  const SamplerOptions& options);

}  // namespace kolmo::sampling
