#pragma once
// A Gaussian-mixture data law pushed through a forward noising process: the exact reference
// every sampler is checked against.
//
//   p_t = law of α(t) X_0 + σ(t) ε,   X_0 ~ data (distribution/gaussian_mixture.hpp),
//
// with, at each t in (0, T] (and t = 0 where the data has a density):
//   marginal(t)            the mixture with components N(α m_k, α² Σ_k + σ² I);
//   log_density, score, score_divergence   of p_t, in closed form;
//   posterior_mean         E[X_0 | X_t = x] by Gaussian conditioning per component,
//                          Σ_k r_k(x) [m_k + α Σ_k C_k⁻¹ (x − α m_k)],  C_k = α² Σ_k + σ² I —
//                          computed without the score, so Tweedie's formula
//                          E[X_0 | x] = (x + σ² ∇log p_t(x)) / α  (Efron 2011) is a cross-check;
//   the network targets of the three parameterisations (Ho et al. 2020; Salimans & Ho 2022):
//     ε̂ = E[ε | x] = −σ ∇log p_t,   x̂_0 = E[X_0 | x],   v̂ = α ε̂ − σ x̂_0.
//
// Every function throws kolmo::Error for t outside [0, T] (naming t) and where p_t has no density
// (t = 0 for data without one, e.g. GaussianMixture::empirical). Each call forms p_t afresh with
// GaussianMixture::noised (the factors mapped, O(K d³), no decomposition): the class holds no
// mutable state, so samplers may call it from any number of threads.

#include <Eigen/Core>

#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/process/noise_schedule.hpp"

namespace kolmo::distribution {

class DiffusedMixture {
 public:
  DiffusedMixture(GaussianMixture data, process::NoiseSchedule schedule);

  [[nodiscard]] const GaussianMixture& data() const { return data_; }
  [[nodiscard]] const process::NoiseSchedule& schedule() const { return schedule_; }
  [[nodiscard]] std::size_t dimension() const { return data_.dimension(); }

  /// p_t as a mixture. Throws kolmo::Error for t outside [0, T].
  [[nodiscard]] GaussianMixture marginal(double t) const;
  [[nodiscard]] Eigen::ArrayXd log_density(double t, const process::StateView& x) const;
  [[nodiscard]] Eigen::ArrayXXd score(double t, const process::StateView& x) const;
  [[nodiscard]] Eigen::ArrayXd score_divergence(double t, const process::StateView& x) const;
  /// ∇²log p_t(x_i) v per direction, K directions per point stacked direction-major (K n × d;
  /// GaussianMixture::score_jacobian_product).
  [[nodiscard]] Eigen::ArrayXXd score_jacobian_product(double t, const process::StateView& x,
                                                      const process::StateView& v) const;
  /// zᵀ ∇²log p_t(x_i) z per direction, n × K for K directions per point stacked as above
  /// (GaussianMixture::score_jacobian_quadratic_forms).
  [[nodiscard]] Eigen::ArrayXXd score_jacobian_quadratic_forms(double t, const process::StateView& x,
                                                              const process::StateView& z) const;
  /// E[X_0 | X_t = x] by per-component conditioning (not through the score).
  [[nodiscard]] Eigen::ArrayXXd posterior_mean(double t, const process::StateView& x) const;
  /// E[ε | X_t = x].
  [[nodiscard]] Eigen::ArrayXXd epsilon(double t, const process::StateView& x) const;
  /// α E[ε | x] − σ E[X_0 | x].
  [[nodiscard]] Eigen::ArrayXXd velocity(double t, const process::StateView& x) const;

 private:
  GaussianMixture data_;
  process::NoiseSchedule schedule_;
};

}  // namespace kolmo::distribution
