#pragma once
// Affine probability paths of flow matching (Lipman, Chen, Ben-Hamu, Nickel & Le 2023; Tong et al.
// 2023; Liu, Gong & Liu 2023), in their time convention: t ∈ [0, 1] runs from noise to data,
//
//   x_t = a(t) x_1 + b(t) x_0,   x_0 ~ N(0, I) (noise),  x_1 ~ data,  independent,
//
// with the conditional velocity d x_t/dt = a'(t) x_1 + b'(t) x_0, the regression target of
// conditional flow matching (score/flow_matching.hpp). Named paths:
//   optimal_transport(σ_min)  a = t, b = 1 − (1 − σ_min) t: the Gaussian "OT" path of Lipman et al.
//                             2023 (eq. 20–23; at t = 1 the data smoothed by N(0, σ_min² I));
//   linear_interpolant()      a = t, b = 1 − t: rectified flow (Liu et al. 2023) and the
//                             independent-coupling CFM of Tong et al. 2023 (σ = 0);
//   custom                    any a, b with their derivatives.
// The marginal law at t of Gaussian-mixture data is again a mixture, components
// N(a m_k, a² S_k + b² I) (GaussianMixture::noised(a, b)).

#include <functional>
#include <string>

namespace kolmo::score {

class ProbabilityPath {
 public:
  using TimeFunction = std::function<double(double t)>;

  /// Throws kolmo::Error unless 0 ≤ σ_min < 1.
  static ProbabilityPath optimal_transport(double sigma_min = 0.0);
  static ProbabilityPath linear_interpolant();
  /// Throws kolmo::Error on an empty name or function.
  static ProbabilityPath custom(std::string name, TimeFunction a, TimeFunction b, TimeFunction a_derivative,
                                TimeFunction b_derivative);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] double a(double t) const { return a_(t); }
  [[nodiscard]] double b(double t) const { return b_(t); }
  [[nodiscard]] double a_derivative(double t) const { return a_derivative_(t); }
  [[nodiscard]] double b_derivative(double t) const { return b_derivative_(t); }

 private:
  ProbabilityPath(std::string name, TimeFunction a, TimeFunction b, TimeFunction a_derivative, TimeFunction b_derivative);
  std::string name_;
  TimeFunction a_, b_, a_derivative_, b_derivative_;
};

}  // namespace kolmo::score
