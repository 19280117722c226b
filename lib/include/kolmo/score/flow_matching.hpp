#pragma once
// Flow matching on the score machinery: a learned velocity field is the same model with another
// target (Lipman et al. 2023; Tong et al. 2023). A velocity field v(t, x) is held in a ScoreModel
// (its interface is that of any time-dependent field on batches); an Mlp with output
// Parameterisation::score (the identity map) is a velocity network.
//
// Objectives over an affine path x_t = a x_1 + b x_0 (score/probability_path.hpp), t uniform on
// [t_min, t_max] ⊂ [0, 1], one-half in front as everywhere in score/objective.hpp:
//   ConditionalFlowMatching   ½ E |v(x_t, t) − (a' x_1 + b' x_0)|²   (Lipman et al. 2023, eq. 9)
//   MarginalFlowMatching      ½ E |v(x_t, t) − u_t(x_t)|²            (their eq. 5, the FM loss),
// u_t(x) = E[a' x_1 + b' x_0 | x_t = x] the marginal field. The two differ by a constant
// independent of v (their Thm. 2): per row, v·(u_cond − u_t) has mean 0 — the check of
// score/flow-matching-minus-conditional-constant. Rows: x_1 the data row, x_0 at
// (seed, training_noise, row, step), t at (seed, training_time, row, step).
//
// marginal_velocity(data, path): u_t for Gaussian-mixture data in closed form. Given component k,
// (x_1, x_t) is jointly Gaussian, C_k = a² S_k + b² I, E[x_1 | x, k] = m_k + a S_k C_k⁻¹ (x − a m_k)
// (Bishop 2006, eq. 2.81), and x_0 = (x − a x_1)/b, so
//   u_t(x) = Σ_k r_k(x) [a' E_k + b' (x − a E_k)/b],   r_k the posterior of component k under p_t;
// where b(t) = 0 (x_t = x_1, x_0 independent of it) u_t(x) = a' x.

#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/score/probability_path.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

struct ConditionalFlowMatching {
  ProbabilityPath path = ProbabilityPath::linear_interpolant();
  double t_min = 0.0;
  double t_max = 1.0;
};

struct MarginalFlowMatching {
  ProbabilityPath path;
  ScoreModel reference;  ///< the marginal field u_t
  double t_min = 0.0;
  double t_max = 1.0;
};

/// The exact marginal velocity of `data` under `path`, as a field (n × d from (t, x), t ∈ [0, 1]).
[[nodiscard]] ScoreModel marginal_velocity(distribution::GaussianMixture data, ProbabilityPath path);

}  // namespace kolmo::score
