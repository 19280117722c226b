#pragma once
// The empirical ("ideal denoiser") score of a finite data set y_1…y_N under a noise schedule:
// the exact score of p_t = (1/N) Σ_j N(α y_j, σ² I), the noised empirical law
// (Karras et al. 2022, App. B.3; Vincent 2011). With softmax weights
// w_j(x) ∝ exp(−|x − α y_j|²/(2σ²)) and ȳ = Σ_j w_j y_j,
//
//   s(x, t)   = (α ȳ − x)/σ²                                  (Tweedie: E[x_0 | x] = ȳ),
//   ∇·s       = −d/σ² + (α²/σ⁴) (Σ_j w_j |y_j|² − |ȳ|²),
//   ∇s v      = −v/σ² + (α²/σ⁴) (Σ_j w_j y_j (y_j·v) − ȳ (ȳ·v)).
//
// It is the minimiser of denoising score matching over all functions on this data set
// (score/objective.hpp), so it memorises: a sampler driven by it to t_min returns points within
// ~σ(t_min) of the data. The same law is distribution::GaussianMixture::empirical(y) noised; this
// model evaluates it in O(N d) per point with one log-sum-exp, without per-component factors,
// so N in the tens of thousands is practical. Valid for t with σ(t) > 0 (else kolmo::Error).

#include <Eigen/Core>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

/// Throws kolmo::Error on empty or non-finite data.
[[nodiscard]] ScoreModel empirical_score(const Eigen::ArrayXXd& data, process::NoiseSchedule schedule);

}  // namespace kolmo::score
