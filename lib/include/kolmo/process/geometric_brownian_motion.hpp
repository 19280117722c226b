#pragma once
// Geometric Brownian motion, the standard test problem for strong and weak convergence
// (Higham 2001, "An algorithmic introduction to numerical simulation of SDEs", SIAM Review
// 43(3), §4–5, with λ = 2, μ = 1, X_0 = 1, T = 1):
//
//   dX_t = λ X_t dt + μ X_t dW_t,   X_t = X_0 exp((λ − μ²/2) t + μ W_t)   (Itô),
//
// E[X_t] = X_0 e^{λt},  E[X_t²] = X_0² e^{(2λ + μ²) t}. Scalar, diagonal (multiplicative) noise
// with ∂g/∂x = μ, so Milstein and the weak order-2 scheme apply. Read as a Stratonovich equation,
// dX = λX dt + μX∘dW, the solution is X_0 exp(λt + μW_t) (Kloeden & Platen 1992, §4.1): the test
// problem for the stochastic Heun scheme.

#include "kolmo/process/sde.hpp"

namespace kolmo::process {

class GeometricBrownianMotion {
 public:
  /// Throws kolmo::Error unless lambda and mu are finite.
  GeometricBrownianMotion(double lambda, double mu);

  [[nodiscard]] double lambda() const { return lambda_; }
  [[nodiscard]] double mu() const { return mu_; }

  /// The SDE with f = λx, g = μx, ∂g/∂x = μ.
  [[nodiscard]] Sde sde() const;
  /// X_{t1} from X_{t0} = x0 on the Brownian path with W_{t1} − W_{t0} = w (batches of equal
  /// shape): x0 exp(λs − ½μ²|s| + μw), s = t1 − t0. For t1 < t0 this is the reversed-clock
  /// equation dX = −λX dτ + μX dW̄ that the schemes integrate (sde/stepper.hpp).
  [[nodiscard]] Eigen::ArrayXXd solution(double t0, double t1, const StateView& x0, const StateView& w) const;
  /// The same coefficients read as a Stratonovich SDE.
  [[nodiscard]] Sde stratonovich_sde() const;
  /// The Stratonovich solution x0 exp(λ(t1 − t0) + μ w), in either time direction.
  [[nodiscard]] Eigen::ArrayXXd stratonovich_solution(double t0, double t1, const StateView& x0,
                                                      const StateView& w) const;
  /// E[X_t | X_0 = x0] = x0 e^{λt} (t < 0: the reversed clock).
  [[nodiscard]] double mean(double x0, double t) const;
  /// E[X_t² | X_0 = x0] = x0² e^{2λt + μ²|t|} (t < 0: the reversed clock).
  [[nodiscard]] double second_moment(double x0, double t) const;

 private:
  double lambda_;
  double mu_;
};

}  // namespace kolmo::process
