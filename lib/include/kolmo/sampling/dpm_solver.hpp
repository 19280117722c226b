#pragma once
// DPM-Solver, singlestep, orders 1–3 (Lu, Zhou, Bao, Chen, Li & Zhu 2022a, "DPM-Solver: A Fast ODE
// Solver for Diffusion Probabilistic Model Sampling in Around 10 Steps", NeurIPS), and its
// data-prediction form DPM-Solver++(1S/2S/3S) (Lu et al. 2022b, "DPM-Solver++: Fast Solver for
// Guided Sampling of Diffusion Probabilistic Models", §4, Alg. 1): exponential integrators of the
// probability-flow ODE in the half log-SNR λ = log(α/σ). One step s → t < s, h = λ_t − λ_s, with
// the noise prediction m = ε̂ = −σ s (Prediction::noise):
//
//   order 1 (eq. 3.7; = DDIM η = 0)
//     x_t = (α_t/α_s) x_s − σ_t (e^h − 1) m_s
//   order 2 (Alg. 1), s1 = t_λ(λ_s + r1 h)
//     u   = (α_{s1}/α_s) x_s − σ_{s1} (e^{r1 h} − 1) m_s
//     x_t = (α_t/α_s) x_s − σ_t (e^h − 1) m_s − σ_t/(2 r1) (e^h − 1) (m(u, s1) − m_s)
//   order 3 (Alg. 2), s_k = t_λ(λ_s + r_k h)
//     u1  = (α_{s1}/α_s) x_s − σ_{s1} (e^{r1 h} − 1) m_s,                  D1 = m(u1, s1) − m_s
//     u2  = (α_{s2}/α_s) x_s − σ_{s2} (e^{r2 h} − 1) m_s
//           − (σ_{s2} r2/r1) ((e^{r2 h} − 1)/(r2 h) − 1) D1,               D2 = m(u2, s2) − m_s
//     x_t = (α_t/α_s) x_s − σ_t (e^h − 1) m_s − (σ_t/r2) ((e^h − 1)/h − 1) D2
//
// With the data prediction m = x̂_0 = (x − σ ε̂)/α (Prediction::data) every formula holds with
// (α, σ, h) → (σ, α, −h) (Lu et al. 2022b, eq. 9–10; the official implementation's
// singlestep_dpm_solver_second_update / _third_update with solver_type "dpmsolver").
//
// Intermediate points (InnerPoints). The papers place them at r1 = ½ (order 2) and r1 = ⅓,
// r2 = ⅔ (order 3) in λ — InnerPoints::lambda. The official implementation instead subdivides
// each step by the run's spacing (uniform in t for uniform_time; the same ½, ⅓, ⅔ for
// uniform_lambda), r_k = (λ(inner_k) − λ_s)/h — InnerPoints::spacing. Both are of the same order;
// they differ in accuracy (Lu et al. recommend uniform_time for high-resolution images).
//
// Two ways to lay out the steps:
//   DpmSolver      M steps of one order: NFE = order · M (the reference's "singlestep_fixed");
//   DpmSolverFast  exactly `nfe` evaluations by mixing orders (DPM-Solver-fast, Lu et al. 2022a,
//                  §3.4 and App. D.1; the reference's "singlestep", its default): for order 3,
//                  K = ⌊nfe/3⌋ + 1 steps of orders [3, …, 3, 2, 1] (nfe ≡ 0 mod 3), [3, …, 3, 1]
//                  (≡ 1) or [3, …, 3, 2] (≡ 2); for order 2, [2, …, 2] or [2, …, 2, 1]; for order
//                  1, nfe steps of order 1 (fast_orders). Steps are equal in λ for uniform_lambda;
//                  for uniform_time the step ends are every order-th point of the nfe-interval
//                  uniform grid, so an order-k step spans k of its intervals.
//
// e^h − 1 is expm1(h) and (e^h − 1)/h − 1 = h φ₂(h) is summed without cancellation for small h.
// Global error O(h^order) in λ.

#include <cstddef>
#include <vector>

#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

/// Which posterior mean an exponential integrator propagates: ε̂ (DPM-Solver) or x̂_0 (DPM-Solver++).
enum class Prediction { noise, data };

/// Where a singlestep solver's intermediate points sit (see the header comment).
enum class InnerPoints { lambda, spacing };

struct DpmSolver {
  int order = 2;          ///< 1, 2 or 3
  std::size_t steps = 0;  ///< M >= 1; NFE = order · M (+1 with denoise_final)
  StepSpacing spacing = StepSpacing::uniform_lambda;
  bool denoise_final = false;  ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
  Prediction prediction = Prediction::noise;
  InnerPoints inner_points = InnerPoints::lambda;
};

struct DpmSolverFast {
  int order = 3;        ///< the highest order, 1, 2 or 3
  std::size_t nfe = 0;  ///< model evaluations, at least 1 (+1 with denoise_final)
  StepSpacing spacing = StepSpacing::uniform_lambda;
  Prediction prediction = Prediction::noise;
  InnerPoints inner_points = InnerPoints::spacing;
  bool denoise_final = false;
};

/// The orders of DPM-Solver-fast's steps for `nfe` evaluations (see the header comment). Throws
/// kolmo::Error for an order other than 1, 2, 3 or nfe = 0.
[[nodiscard]] std::vector<int> fast_orders(int order, std::size_t nfe);

/// DPM-Solver samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for an order
/// other than 1, 2, 3 or steps = 0 (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const DpmSolver& method, const SamplerOptions& options);

/// DPM-Solver-fast samples; throws as fast_orders does.
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const DpmSolverFast& method,
                                    const SamplerOptions& options);

}  // namespace kolmo::sampling
