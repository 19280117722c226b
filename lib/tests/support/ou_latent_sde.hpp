#pragma once
// A latent OU model in closed form, for the variational SDE ELBO's tests and cases: the prior
// dx = −θ x dt + b dW on [0, T] from x_0 ~ N(m_0, s_0²), one observation y ~ N(x_T, r²). Every law
// in sight is Gaussian, so log p(y), the backward message β(t, x) = p(y | x_t = x), the optimal
// posterior (Archambeau et al. 2007, §3: h* = f + b² ∂_x log β, q_0* = p(x_0 | y)) and the ELBO of
// any linear posterior drift h = a(t) x + c(t) — in continuous time and for the Euler chains —
// follow from Gaussian moments.

#include <Eigen/Core>
#include <cmath>
#include <functional>
#include <numbers>

#include "kolmo/distribution/gaussian_kl.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/likelihood/variational_sde_elbo.hpp"

namespace kolmo::test_support {

/// A linear posterior drift h(t, x) = a(t) x + c(t).
struct LinearDrift {
  std::function<double(double)> a, c;
};

struct OuLatentSde {
  double theta = 1.0, b = 1.0, m0 = 0.0, s0 = 1.0, r = 0.5, T = 1.0;

  [[nodiscard]] static double log_normal(double x, double mean, double variance) {
    return -0.5 * (std::log(2.0 * std::numbers::pi * variance) + (x - mean) * (x - mean) / variance);
  }
  /// Var[x_{t+τ} | x_t] = b²(1 − e^{−2θτ})/(2θ).
  [[nodiscard]] double transition_variance(double tau) const {
    return b * b * (1.0 - std::exp(-2.0 * theta * tau)) / (2.0 * theta);
  }
  /// log p(y) = log N(y; m_0 e^{−θT}, s_0² e^{−2θT} + v(T) + r²).
  [[nodiscard]] double log_evidence(double y) const {
    const double e = std::exp(-theta * T);
    return log_normal(y, m0 * e, s0 * s0 * e * e + transition_variance(T) + r * r);
  }
  /// The Euler chain's own log p_N(y): x_{k+1} = (1 − θΔt) x_k + b √Δt ξ.
  [[nodiscard]] double euler_log_evidence(double y, int steps) const {
    const double dt = T / steps;
    double mean = m0, var = s0 * s0;
    for (int k = 0; k < steps; ++k) {
      mean *= 1.0 - theta * dt;
      var = (1.0 - theta * dt) * (1.0 - theta * dt) * var + b * b * dt;
    }
    return log_normal(y, mean, var + r * r);
  }
  /// h* = −θ x + b² ∂_x log β with β(t, x) = N(y; x e^{−θτ}, v(τ) + r²), τ = T − t.
  [[nodiscard]] LinearDrift optimal_drift(double y) const {
    return {[*this](double t) {
              const double e = std::exp(-theta * (T - t));
              return -theta - b * b * e * e / (transition_variance(T - t) + r * r);
            },
            [*this, y](double t) {
              const double e = std::exp(-theta * (T - t));
              return b * b * e * y / (transition_variance(T - t) + r * r);
            }};
  }
  /// p(x_0 | y) ∝ N(x_0; m_0, s_0²) β(0, x_0).
  [[nodiscard]] distribution::GaussianMixture optimal_initial(double y) const {
    const double e = std::exp(-theta * T), D = transition_variance(T) + r * r;
    const double precision = 1.0 / (s0 * s0) + e * e / D;
    const double mean = (m0 / (s0 * s0) + e * y / D) / precision;
    return gaussian(mean, 1.0 / precision);
  }
  [[nodiscard]] distribution::GaussianMixture prior_initial() const { return gaussian(m0, s0 * s0); }
  [[nodiscard]] static distribution::GaussianMixture gaussian(double mean, double variance) {
    return distribution::GaussianMixture::gaussian(Eigen::VectorXd::Constant(1, mean), Eigen::MatrixXd::Constant(1, 1, variance));
  }

  [[nodiscard]] likelihood::LatentSdePrior prior() const {
    return {[theta = theta](double, const process::StateView& x) -> Eigen::ArrayXXd { return -theta * x; }, b, prior_initial()};
  }
  [[nodiscard]] static likelihood::SdePosterior posterior(const LinearDrift& h, const distribution::GaussianMixture& q0) {
    return {[h](double t, const process::StateView& x) -> Eigen::ArrayXXd { return h.a(t) * x + h.c(t); }, q0};
  }
  [[nodiscard]] likelihood::ObservationLogLikelihood observation(double y) const {
    return [y, r2 = r * r](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd {
      return -0.5 * (std::log(2.0 * std::numbers::pi * r2) + (y - x.col(0)).square() / r2);
    };
  }

  /// E_q log p(y | x_T) from the mean and variance of x_T.
  [[nodiscard]] double expected_log_likelihood(double y, double mean, double variance) const {
    return -0.5 * (std::log(2.0 * std::numbers::pi * r * r) + ((y - mean) * (y - mean) + variance) / (r * r));
  }

  /// ELBO_N(y) of the Euler chains of the posterior (h, q_0) in closed form: Gaussian moment
  /// recursion m_{k+1} = (1 + a Δt) m_k + c Δt, v_{k+1} = (1 + a Δt)² v_k + b² Δt and the
  /// left-point sum of E|f − h|² Δt/(2b²) = ((−θ − a)² (m² + v) − 2(−θ − a) c m + c²) Δt/(2b²).
  [[nodiscard]] double euler_chain_elbo(double y, const LinearDrift& h, const distribution::GaussianMixture& q0, int steps) const {
    const double dt = T / steps;
    double mean = q0.means()[0](0), var = q0.covariances()[0](0, 0), path_kl = 0.0;
    for (int k = 0; k < steps; ++k) {
      const double t = k * dt, a = h.a(t), c = h.c(t), slope = -theta - a;
      path_kl += (slope * slope * (mean * mean + var) - 2.0 * slope * c * mean + c * c) * dt / (2.0 * b * b);
      mean = (1.0 + a * dt) * mean + c * dt;
      var = (1.0 + a * dt) * (1.0 + a * dt) * var + b * b * dt;
    }
    return expected_log_likelihood(y, mean, var) - path_kl - distribution::gaussian_kl(q0, prior_initial());
  }

  /// The continuous-time gap log p(y) − ELBO(y) of the posterior (h, q_0), by the theory's other
  /// route: KL(q_0 ‖ p(x_0 | y)) + ∫ E_q |h − h*|²/(2b²) dt (the KL to the true posterior path
  /// law), with the moments m' = a m + c, v' = 2 a v + b² and the integral by classical RK4 on
  /// `steps` steps (error O(steps⁻⁴)).
  [[nodiscard]] double posterior_path_gap(double y, const LinearDrift& h, const distribution::GaussianMixture& q0,
                                          int steps = 4000) const {
    const LinearDrift best = optimal_drift(y);
    const auto rate = [&](double t, const Eigen::Vector3d& s) {
      const double a = h.a(t), c = h.c(t), da = a - best.a(t), dc = c - best.c(t);
      return Eigen::Vector3d(a * s(0) + c, 2.0 * a * s(1) + b * b,
                             (da * da * (s(0) * s(0) + s(1)) + 2.0 * da * dc * s(0) + dc * dc) / (2.0 * b * b));
    };
    Eigen::Vector3d s(q0.means()[0](0), q0.covariances()[0](0, 0), 0.0);
    const double dt = T / steps;
    for (int k = 0; k < steps; ++k) {
      const double t = k * dt;
      const Eigen::Vector3d k1 = rate(t, s), k2 = rate(t + dt / 2, s + dt / 2 * k1), k3 = rate(t + dt / 2, s + dt / 2 * k2),
                            k4 = rate(t + dt, s + dt * k3);
      s += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    return distribution::gaussian_kl(q0, optimal_initial(y)) + s(2);
  }
};

}  // namespace kolmo::test_support
