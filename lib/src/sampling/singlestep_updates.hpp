#pragma once
// Internal: the singlestep DPM-Solver updates of orders 1–3 (sampling/dpm_solver.hpp states the
// formulas) for either prediction, shared by the fixed-layout and fast solvers (dpm_solver.cpp)
// and the adaptive one (dpm_solver_adaptive.cpp), which reuses a lower-order step's model values
// in the higher-order step.

#include <Eigen/Core>

#include "exponential_integrator.hpp"
#include "kolmo/sampling/dpm_solver.hpp"
#include "sampler_run.hpp"

namespace kolmo::sampling::detail {

/// A step s → t and its intermediate points at λ_s + r1 h and λ_s + r2 h (order 3).
struct SinglestepPoints {
  StepEnds to_t, to_s1, to_s2;
  double r1 = 0.0, r2 = 0.0;
};

/// The updates with the model values m = ε̂ (noise) or x̂_0 (data).
class SinglestepUpdates {
 public:
  explicit SinglestepUpdates(Prediction prediction) : prediction_(prediction) {}

  [[nodiscard]] Eigen::ArrayXXd model_value(Denoiser& model, double t, const Eigen::ArrayXXd& x) const {
    return prediction_ == Prediction::noise ? model.epsilon(t, x) : model.data(t, x);
  }
  [[nodiscard]] IntegratorCoefficients coefficients(const StepEnds& ends) const {
    return prediction_ == Prediction::noise ? IntegratorCoefficients::noise(ends) : IntegratorCoefficients::data(ends);
  }

  /// decay x − first m_s over `ends` (order 1; also the way to an intermediate point).
  [[nodiscard]] Eigen::ArrayXXd first(const StepEnds& ends, const Eigen::ArrayXXd& x, const Eigen::ArrayXXd& m_s) const {
    const IntegratorCoefficients c = coefficients(ends);
    return c.decay * x - c.first * m_s;
  }

  /// Order 2 (Alg. 1) from m_s and m_1 = m(u_1, s1), u_1 = first(to_s1, x, m_s).
  [[nodiscard]] Eigen::ArrayXXd second(const SinglestepPoints& p, const Eigen::ArrayXXd& x, const Eigen::ArrayXXd& m_s,
                                       const Eigen::ArrayXXd& m_1) const {
    const IntegratorCoefficients c = coefficients(p.to_t);
    return c.decay * x - c.first * m_s - (c.first / (2.0 * p.r1)) * (m_1 - m_s);
  }

  /// Order 3 (Alg. 2) from m_s and m_1, evaluating m_2 at u_2; the difference term of u_2 is
  /// taken at r2 h, as in the paper.
  [[nodiscard]] Eigen::ArrayXXd third(const SinglestepPoints& p, const Eigen::ArrayXXd& x, const Eigen::ArrayXXd& m_s,
                                      const Eigen::ArrayXXd& m_1, Denoiser& model) const {
    StepEnds at_r2h = p.to_s2;
    at_r2h.h = p.r2 * p.to_t.h;
    const Eigen::ArrayXXd u2 = first(p.to_s2, x, m_s) - (coefficients(at_r2h).difference * p.r2 / p.r1) * (m_1 - m_s);
    const Eigen::ArrayXXd d2 = model_value(model, p.to_s2.t, u2) - m_s;
    const IntegratorCoefficients c = coefficients(p.to_t);
    return c.decay * x - c.first * m_s - (c.difference / p.r2) * d2;
  }

 private:
  Prediction prediction_;
};

}  // namespace kolmo::sampling::detail
