#pragma once
// Multistep DPM-Solver and DPM-Solver++ of orders 1–3 (Lu et al. 2022b, "DPM-Solver++", §4.2,
// Alg. 2 and App. B; the official implementation's multistep_dpm_solver_*_update with solver_type
// "dpmsolver"): one model evaluation per step, the earlier steps' model values m (ε̂ or x̂_0, see
// Prediction in dpm_solver.hpp) reused. At step i → i+1 with h = λ_{i+1} − λ_i, the newest values
// m_0 = m(x_i, t_i), m_1, m_2 at t_{i−1}, t_{i−2}, and the ratios r_0 = h_0/h, r_1 = h_1/h of the
// previous steps h_0 = λ_i − λ_{i−1}, h_1 = λ_{i−1} − λ_{i−2}:
//
//   order 1   x_{i+1} = decay x_i − first m_0                       (DDIM)
//   order 2   x_{i+1} = decay x_i − first m_0 − ½ first D1_0,        D1_0 = (m_0 − m_1)/r_0
//   order 3   x_{i+1} = decay x_i − first m_0 − difference D1 − second_difference D2,
//             D1_1 = (m_1 − m_2)/r_1,  D1 = D1_0 + r_0/(r_0 + r_1) (D1_0 − D1_1),
//             D2 = (D1_0 − D1_1)/(r_0 + r_1)
//
// with the coefficients of the exponential integrator (noise: decay = α_{i+1}/α_i,
// first = σ_{i+1}(e^h − 1), difference = σ_{i+1}((e^h − 1)/h − 1), second_difference =
// σ_{i+1}(((e^h − 1)/h − 1)/h − ½); data: the same with (α, σ, h) → (σ, α, −h)). Order 2 with the
// data prediction is DPM-Solver++(2M), order 3 DPM-Solver++(3M).
//
// Warm-up and final steps. The first steps have no history: step i uses order min(order, i + 1).
// With lower_order_final (the official default) and fewer than 10 steps, the last steps lower the
// order again, step i using min(order, M − i): few-step sampling is more stable so (Lu et al.
// 2022b, §4.2; the official implementation applies it below 10 steps).
//
// Order. D2 is the reference's second divided difference; with it the third-order update's local
// error is O(h³) rather than O(h⁴) for uneven histories (the coefficient of the h² x̂'' term is
// matched by 2 D2). And the first step, without history, is first order: its local error O(h²)
// alone makes the global order of the 3M method 2, whatever the later steps do. Its coefficient
// is small (∝ dx̂_0/dλ near T), so at practical step counts the 3M method looks third order and
// the local orders come down to 2 only slowly (verification case sampling/dpm-solver++3m-order-2-
// in-nfe: 2.36 → 2.013 over 128..1024 steps). It is kept as the reference computes it, which is
// what users run.
//
// NFE = M (+1 with denoise_final).

#include <cstddef>

#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct DpmSolverMultistep {
  int order = 2;          ///< 1, 2 or 3
  std::size_t steps = 0;  ///< M >= 1
  StepSpacing spacing = StepSpacing::uniform_lambda;
  Prediction prediction = Prediction::data;
  bool lower_order_final = true;  ///< below 10 steps, lower the last steps' orders
  bool denoise_final = false;     ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// The order of step i (0-based) of M (see the header comment).
[[nodiscard]] int multistep_order(const DpmSolverMultistep& method, std::size_t step);

/// Multistep DPM-Solver(++) samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for
/// an order other than 1, 2, 3 or steps = 0 (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const DpmSolverMultistep& method,
                                    const SamplerOptions& options);

}  // namespace kolmo::sampling
