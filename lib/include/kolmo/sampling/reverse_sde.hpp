#pragma once
// The family of reverse-time processes that share the forward marginals p_t
// (Song et al. 2021, "Score-Based Generative Modeling through SDEs", eq. 6, 13 and App. D.1;
// Zhang & Chen 2023, "Fast sampling of diffusion models with exponential integrator", eq. 5):
//
//   dx = [ f − (1 + k²)/2 · (∇·(g gᵀ) + g gᵀ ∇log p_t) ] dt + k g dW̄,   run from T down to t_min,
//
//   k = 1   Anderson's (1982) reverse-time SDE,
//   k = 0   the probability-flow ODE  dx/dt = f − ½ ∇·(g gᵀ) − ½ g gᵀ s.
//
// Both are ordinary Kolmo problems: reverse_sde() is a process::Sde solved backwards by the SDE
// engine (sde::solve with t0 = T > t1 = t_min: any scheme, any noise kind, state-dependent g
// included), probability_flow() an ode::Flow for the ODE engine (Euler, Heun, rk4,
// Dormand–Prince; log-density along paths). The score is the ScoreModel's, so its
// evaluation count is the sampler's function evaluations. The truncation is the solve's t1 = t_min
// > 0: the samples approximate p_{t_min}, with the bias bound of sampling/sampler.hpp.

#include "kolmo/ode/flow.hpp"
#include "kolmo/process/sde.hpp"
#include "kolmo/sampling/forward_process.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::sampling {

/// The k-family member as an SDE (k ≥ 0; k = 0 gives an SDE with zero noise). Throws
/// kolmo::Error when the score's dimension differs from the process's, or k < 0.
[[nodiscard]] process::Sde reverse_sde(const ForwardProcess& forward, const score::ScoreModel& score,
                                       double k = 1.0);

/// The probability-flow ODE as a flow, with its exact divergence
///   ∇·v = ∇·f − ½ ∇·∇·(g gᵀ) − ½ ∇·(g gᵀ s)
/// when it is available (additive noise, ∇·f supplied by the SDE and ∇·s by the score), and its
/// Jacobian–vector product ∂v/∂x z = ∇f z − ½ g gᵀ ∇s z (additive noise, ∇f z supplied by the
/// SDE and ∇s z by the score), which Hutchinson's log-density estimate then uses in place of
/// central differences of the velocity.
[[nodiscard]] ode::Flow probability_flow(const ForwardProcess& forward, const score::ScoreModel& score);

}  // namespace kolmo::sampling
