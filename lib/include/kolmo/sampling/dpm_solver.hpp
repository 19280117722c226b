#pragma once
// DPM-Solver, singlestep, orders 1–3 (Lu, Zhou, Bao, Chen, Li & Zhu 2022, "DPM-Solver: A Fast ODE
// Solver for Diffusion Probabilistic Model Sampling in Around 10 Steps", NeurIPS): exponential
// integrators of the probability-flow ODE in the half log-SNR λ = log(α/σ) with the noise
// prediction ε̂ = E[ε | x] = −σ s. One step s → t < s, h = λ_t − λ_s, ε_s = ε̂(x_s, s):
//
//   order 1 (eq. 3.7; = DDIM η = 0)
//     x_t = (α_t/α_s) x_s − σ_t (e^h − 1) ε_s
//   order 2 (Alg. 1, r1 = 1/2), s1 = t_λ(λ_s + r1 h)
//     u   = (α_{s1}/α_s) x_s − σ_{s1} (e^{r1 h} − 1) ε_s
//     x_t = (α_t/α_s) x_s − σ_t (e^h − 1) ε_s − σ_t/(2 r1) (e^h − 1) (ε̂(u, s1) − ε_s)
//   order 3 (Alg. 2, r1 = 1/3, r2 = 2/3), s_k = t_λ(λ_s + r_k h)
//     u1  = (α_{s1}/α_s) x_s − σ_{s1} (e^{r1 h} − 1) ε_s,                 D1 = ε̂(u1, s1) − ε_s
//     u2  = (α_{s2}/α_s) x_s − σ_{s2} (e^{r2 h} − 1) ε_s
//           − (σ_{s2} r2/r1) ((e^{r2 h} − 1)/(r2 h) − 1) D1,               D2 = ε̂(u2, s2) − ε_s
//     x_t = (α_t/α_s) x_s − σ_t (e^h − 1) ε_s − (σ_t/r2) ((e^h − 1)/h − 1) D2
//
// e^h − 1 is expm1(h) and (e^h − 1)/h − 1 = h φ₂(h) is summed without cancellation for small h.
// Global error O(h^order) in λ; NFE = order per step. The intermediate times are placed by λ for
// either step spacing.

#include <cstddef>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct DpmSolver {
  int order = 2;          ///< 1, 2 or 3
  std::size_t steps = 0;  ///< M >= 1; NFE = order · M (+1 with denoise_final)
  StepSpacing spacing = StepSpacing::uniform_lambda;
  bool denoise_final = false;  ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// DPM-Solver samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for an order
/// other than 1, 2, 3 or steps = 0 (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const DpmSolver& method, const SamplerOptions& options);

}  // namespace kolmo::sampling
