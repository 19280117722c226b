#pragma once
// The Kullback–Leibler divergence between two Gaussians in closed form:
//   KL(N(m_q, C_q) ‖ N(m_p, C_p)) = ½ [tr(C_p⁻¹ C_q) + (m_p − m_q)ᵀ C_p⁻¹ (m_p − m_q) − d + log det C_p − log det C_q]
// (e.g. Bishop 2006, eq. 2.211 and exercise 1.33 for its derivation), in nats.

#include "kolmo/distribution/gaussian_mixture.hpp"

namespace kolmo::distribution {

/// KL(q ‖ p) for two one-component mixtures with positive-definite covariances. Throws kolmo::Error
/// when either has more than one component, the dimensions differ, or a covariance is singular.
[[nodiscard]] double gaussian_kl(const GaussianMixture& q, const GaussianMixture& p);

}  // namespace kolmo::distribution
