#pragma once
// Test helper: an exact solution X = F(t, x0, W) is checked against its SDE with Itô's formula,
//   dF = (∂F/∂t + ½ ∂²F/∂w²) dt + ∂F/∂w dW,  so  f(t, F) = F_t + ½ F_ww  and  g(t, F) = F_w,
// with the derivatives by central differences (error O(ε²) ≈ 1e-8 at ε = 1e-4, and the second
// difference's rounding ~1e-16/ε² = 1e-8), and ∂g/∂x, when supplied, against a difference of g.

#include <gtest/gtest.h>

#include <functional>

#include "kolmo/process/sde.hpp"

namespace kolmo::process::test_support {

using Solution = std::function<double(double t, double x0, double w)>;

inline Eigen::ArrayXXd one(double v) { return Eigen::ArrayXXd::Constant(1, 1, v); }

inline void expect_ito_consistent(const Sde& sde, const Solution& solution, double x0) {
  constexpr double eps = 1e-4;
  for (double t : {0.1, 0.7}) {
    for (double w : {-0.8, 0.0, 0.45}) {
      const double x = solution(t, x0, w);
      const double f_t = (solution(t + eps, x0, w) - solution(t - eps, x0, w)) / (2 * eps);
      const double f_w = (solution(t, x0, w + eps) - solution(t, x0, w - eps)) / (2 * eps);
      const double f_ww = (solution(t, x0, w + eps) - 2 * x + solution(t, x0, w - eps)) / (eps * eps);
      EXPECT_NEAR(sde.drift(t, one(x))(0, 0), f_t + 0.5 * f_ww, 1e-6) << sde.name() << " t=" << t << " w=" << w;
      const double g = sde.noise() == NoiseKind::additive ? sde.diffusion_matrix(t)(0, 0) : sde.diffusion(t, one(x))(0, 0);
      EXPECT_NEAR(g, f_w, 1e-6) << sde.name() << " t=" << t << " w=" << w;
      if (sde.has_diffusion_derivative()) {
        const double dg = (sde.diffusion(t, one(x + eps))(0, 0) - sde.diffusion(t, one(x - eps))(0, 0)) / (2 * eps);
        EXPECT_NEAR(sde.diffusion_derivative(t, one(x))(0, 0), dg, 1e-6) << sde.name();
      }
    }
  }
}

inline Solution scalar(auto model) {
  return [model](double t, double x0, double w) { return model.solution(0.0, t, one(x0), one(w))(0, 0); };
}

}  // namespace kolmo::process::test_support
