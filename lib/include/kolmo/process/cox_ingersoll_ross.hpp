#pragma once
// The Cox–Ingersoll–Ross process (Cox, Ingersoll & Ross 1985, Econometrica 53, 385)
//
//   dX_t = κ (θ − X_t) dt + σ √X_t dW_t,   κ, θ, σ > 0,  X ≥ 0,
//
// the square-root diffusion whose √x makes the classical schemes misbehave at 0: ∂g/∂x = σ/(2√x)
// is infinite there (Milstein needs only g g' = σ²/2, which the SDE supplies), and an
// explicit step can overshoot below 0 where the equation is undefined (the SDE declares its state
// space [0, ∞), so an ensemble stops such a path and reports it).
//
// Exact transition (Feller 1951; e.g. Glasserman, "Monte Carlo Methods in Financial
// Engineering", 2003, §3.4): with c(t) = σ² (1 − e^{−κt}) / (4κ),
//
//   X_t | X_0 = x0  ~  c(t) · χ'²_δ(λ),   δ = 4κθ/σ²,   λ = x0 e^{−κt} / c(t),
//
// a noncentral chi-square with δ degrees of freedom and non-centrality λ, whose Poisson mixture
// χ'²_δ(λ) = χ²_{δ + 2N}, N ~ Poisson(λ/2), gives exact draws from two uniforms (inverse CDFs of
// the Poisson and of the gamma law χ²_ν/2 ~ Γ(ν/2)). Mean θ + (x0 − θ) e^{−κt}, variance
// x0 σ² e^{−κt}(1 − e^{−κt})/κ + θσ²(1 − e^{−κt})²/(2κ). The Feller condition 2κθ ≥ σ² (δ ≥ 2)
// keeps 0 unattainable; below it 0 is reached and reflected.

#include <Eigen/Core>
#include <string>

#include "kolmo/process/sde.hpp"

namespace kolmo::process {

class CoxIngersollRoss {
 public:
  /// Throws kolmo::Error unless kappa, theta and sigma are finite and positive.
  CoxIngersollRoss(double kappa, double theta, double sigma);

  [[nodiscard]] double kappa() const { return kappa_; }
  [[nodiscard]] double theta() const { return theta_; }
  [[nodiscard]] double sigma() const { return sigma_; }
  /// δ = 4κθ/σ², the degrees of freedom of the transition law.
  [[nodiscard]] double degrees_of_freedom() const;
  /// Whether 2κθ ≥ σ² (0 is unattainable from x0 > 0).
  [[nodiscard]] bool satisfies_feller_condition() const;

  /// The equation as data: diagonal noise σ√x, its g g' = σ²/2 (not ∂g/∂x, infinite at 0), the
  /// state space [0, ∞), autonomous. Named "cox-ingersoll-ross(kappa=…, theta=…, sigma=…)".
  [[nodiscard]] Sde sde() const;

  /// E[X_t | X_0 = x0] and Var[X_t | X_0 = x0], for x0 ≥ 0 and t ≥ 0.
  [[nodiscard]] double transition_mean(double x0, double t) const;
  [[nodiscard]] double transition_variance(double x0, double t) const;
  /// P(X_t ≤ x | X_0 = x0) by Boost.Math's noncentral chi-square CDF, for each x (t > 0).
  [[nodiscard]] Eigen::ArrayXd transition_cdf(double x0, double t, const Eigen::ArrayXd& x) const;
  /// The stationary law Γ(shape 2κθ/σ², scale σ²/(2κ)): its mean θ and CDF.
  [[nodiscard]] double stationary_variance() const;
  [[nodiscard]] Eigen::ArrayXd stationary_cdf(const Eigen::ArrayXd& x) const;

  /// An exact draw of X_t given X_0 = x0 ≥ 0 (t > 0) from two uniforms in (0, 1): u_poisson picks
  /// N by the Poisson(λ/2) inverse CDF, u_gamma the χ²_{δ+2N} quantile (noise is an input).
  [[nodiscard]] double sample_transition(double x0, double t, double u_poisson, double u_gamma) const;

 private:
  double kappa_;
  double theta_;
  double sigma_;
};

}  // namespace kolmo::process
