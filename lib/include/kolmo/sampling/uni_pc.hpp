#pragma once
// UniPC (Zhao, Bai, Rao, Zhou & Lu 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast
// Sampling of Diffusion Models", NeurIPS), the B(h) variants of its §3 and App. C as in the
// official implementation (github.com/wl-zhao/UniPC, uni_pc.py, multistep_uni_pc_bh_update): a
// multistep predictor UniP-p and a corrector UniC that reuses the model value at the predicted
// point, so the corrector costs no evaluation. At step s → t with h = λ_t − λ_s, model values m
// (x̂_0 for Prediction::data, ε̂ for noise) at s and at the p − 1 previous times s_k,
//
//   ĥ = −h (data) or h (noise);  r_k = (λ_{s_k} − λ_s)/h;  D_k = (m_{s_k} − m_s)/r_k;  r_p = 1
//   B(h) = ĥ (bh1) or e^ĥ − 1 (bh2)
//   b_i = i! g_i / B(h),  g_1 = (e^ĥ − 1)/ĥ − 1,  g_{i+1} = g_i/ĥ − 1/(i + 1)!     (i = 1..p)
//   R_{ik} = r_k^{i−1}                                                               (p × p)
//   x̃ = decay x_s − first m_s        (the first-order step; dpm_solver.hpp's coefficients)
//   UniP-p:  x_pred = x̃ − c_t B(h) Σ_{k<p} ρ^p_k D_k,  ρ^p = R[:p−1, :p−1]⁻¹ b[:p−1] (ρ^p = ½ for p = 2)
//   UniC:    m_t = m(x_pred, t),  D_t = m_t − m_s,
//            x_t = x̃ − c_t B(h) (Σ_{k<p} ρ^c_k D_k + ρ^c_p D_t),  ρ^c = R⁻¹ b (ρ^c = ½ for p = 1)
// with c_t = α_t (data) or σ_t (noise). m_t, taken at x_pred, is the history's value at t.
//
// Steps: the first p − 1 use orders 1..p − 1 (with the corrector); then order p, lowered to
// M − i at the end with lower_order_final (no steps-below-10 condition here, unlike DPM-Solver);
// the last step skips the corrector (its evaluation would be wasted). NFE = M (+1 with
// denoise_final). UniP-p is of order p and UniPC-p of order p + 1 (Zhao et al., Thm. 3.1) — per
// step. In NFE, the first step (UniPC-1, local O(h³)) caps the global order at 3, and with
// lower_order_final the last (UniP-1, no corrector: local O(h²)) at 2; both with small
// coefficients (∝ dx̂_0/dλ near T and at t_min), so UniPC-3 reads close to 4 and UniPC-2 close
// to 3 at practical step counts (verification cases sampling/unipc-*-order-*-in-nfe).

#include <cstddef>

#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

enum class UniPcVariant { bh1, bh2 };

struct UniPc {
  int order = 2;          ///< p: 1, 2 or 3 (the official example runs 3)
  std::size_t steps = 0;  ///< M >= p
  StepSpacing spacing = StepSpacing::uniform_lambda;
  Prediction prediction = Prediction::data;
  UniPcVariant variant = UniPcVariant::bh1;
  bool lower_order_final = true;
  bool denoise_final = false;  ///< end with x̂_0 = E[x_0 | x_{t_min}] (sampler.hpp)
};

/// UniPC samples at t_min (or x̂_0 with denoise_final). Throws kolmo::Error for an order other
/// than 1, 2, 3 or fewer steps than the order (naming them).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const UniPc& method, const SamplerOptions& options);

}  // namespace kolmo::sampling
