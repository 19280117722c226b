#pragma once
// Exactly solvable scalar test SDEs from the list of reducible equations in Kloeden & Platen
// (1992), "Numerical Solution of Stochastic Differential Equations", §4.4. Each solution is a
// function of (t, X_0, W_t) alone, so a strong-convergence study can compare a scheme with the
// exact solution on the very Brownian path the scheme was driven by. solution(t0, t1, x0, w)
// gives X_{t1} from X_{t0} = x0 with W_{t1} − W_{t0} = w, forward in time only (t1 >= t0; the
// reversed-clock equations, with drift −f, have other solutions).
//
//   ArctanSde        dX = −a² sin X cos³X dt + a cos²X dW,      X_t = arctan(a W_t + tan X_0)
//                    (state-dependent, non-additive noise; X_0 in (−π/2, π/2))
//   SinhSde          dX = ½a² X dt + a √(1 + X²) dW,            X_t = sinh(a W_t + asinh X_0)
//   AdditiveTestSde  dX = (β/√(1+t) − X/(2(1+t))) dt + αβ/√(1+t) dW,
//                    X_t √(1+t) = X_s √(1+s) + β (t − s) + αβ (W_t − W_s)
//                    (additive, time-dependent noise: exercises the c-coefficients of
//                    Rößler's SRA schemes)
// Each is verified against its Itô differential in the unit tests.

#include "kolmo/process/sde.hpp"

namespace kolmo::process {

class ArctanSde {
 public:
  explicit ArctanSde(double a);  ///< throws unless a is finite
  [[nodiscard]] double a() const { return a_; }
  [[nodiscard]] Sde sde() const;  ///< diagonal noise with ∂g/∂x = −2a cos x sin x
  [[nodiscard]] Eigen::ArrayXXd solution(double t0, double t1, const StateView& x0, const StateView& w) const;

 private:
  double a_;
};

class SinhSde {
 public:
  explicit SinhSde(double a);  ///< throws unless a is finite
  [[nodiscard]] double a() const { return a_; }
  [[nodiscard]] Sde sde() const;  ///< diagonal noise with ∂g/∂x = a x / √(1 + x²)
  [[nodiscard]] Eigen::ArrayXXd solution(double t0, double t1, const StateView& x0, const StateView& w) const;

 private:
  double a_;
};

class AdditiveTestSde {
 public:
  AdditiveTestSde(double alpha, double beta);  ///< throws unless both are finite
  [[nodiscard]] double alpha() const { return alpha_; }
  [[nodiscard]] double beta() const { return beta_; }
  [[nodiscard]] Sde sde() const;  ///< additive noise g(t) = αβ/√(1+t); defined for t > −1
  [[nodiscard]] Eigen::ArrayXXd solution(double t0, double t1, const StateView& x0, const StateView& w) const;

 private:
  double alpha_;
  double beta_;
};

}  // namespace kolmo::process
