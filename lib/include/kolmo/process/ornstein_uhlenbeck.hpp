#pragma once
// The scalar Ornstein–Uhlenbeck process (Uhlenbeck & Ornstein 1930)
//
//   dX_t = θ (μ − X_t) dt + σ dW_t,   θ > 0,
//
// with its exact Gaussian transition (e.g. Gardiner, "Stochastic Methods", 4th ed., §3.8.4):
//
//   X_t | X_0 = x0  ~  N( μ + (x0 − μ) e^{−θt},  σ²/(2θ) · (1 − e^{−2θt}) ),
//
// and its stationary law N(μ, σ²/(2θ)). The VP diffusion with constant β is the case θ = β/2,
// μ = 0, σ = √β. Variances use expm1 so that small t keeps full relative accuracy.
// The multi-dimensional OU is an instance of the general linear SDE (process/linear_sde.hpp).

#include <cstdint>
#include <span>

#include "kolmo/process/sde.hpp"
#include "kolmo/random/draw_address.hpp"

namespace kolmo::process {

class OrnsteinUhlenbeck {
 public:
  /// Throws kolmo::Error unless theta > 0, sigma > 0 and mu is finite.
  OrnsteinUhlenbeck(double theta, double mu, double sigma);

  [[nodiscard]] double theta() const { return theta_; }
  [[nodiscard]] double mu() const { return mu_; }
  [[nodiscard]] double sigma() const { return sigma_; }

  /// f(x, t) = θ (μ − x)
  [[nodiscard]] double drift(double x) const { return theta_ * (mu_ - x); }
  /// g(x, t) = σ (additive noise)
  [[nodiscard]] double diffusion() const { return sigma_; }
  /// The equation as data for kolmo::sde::solve (additive noise, ∇·f = −θ).
  [[nodiscard]] Sde sde() const;

  /// E[X_t | X_0 = x0] = μ + (x0 − μ) e^{−θt}, for t >= 0.
  [[nodiscard]] double transition_mean(double x0, double t) const;
  /// Var[X_t | X_0] = σ²/(2θ) (1 − e^{−2θt}), for t >= 0.
  [[nodiscard]] double transition_variance(double t) const;
  [[nodiscard]] double stationary_mean() const { return mu_; }
  [[nodiscard]] double stationary_variance() const;

  /// An exact draw of X_t given X_0 = x0, from the standard normal z (noise is an input).
  [[nodiscard]] double sample_transition(double x0, double t, double z) const;

  /// Exact draws of X_t for paths [first_path, first_path + x0.size()), path i starting at
  /// x0[i], using the normals at {seed, Purpose::brownian, path, step}: bit-identical for any
  /// `threads`. Chaining transitions uses step = 0, 1, 2, ... so each gets fresh noise.
  void sample_transitions(std::span<const double> x0, double t, std::uint64_t seed, std::uint64_t first_path,
                          std::uint64_t step, std::span<double> out, int threads = 1) const;

 private:
  double theta_;
  double mu_;
  double sigma_;
};

}  // namespace kolmo::process
