#pragma once
// The evidence lower bound of a latent SDE model (Archambeau, Cornford, Opper & Shawe-Taylor
// 2007, eq. 7–9; Opper 2019; Li, Wong, Chen & Duvenaud 2020, eq. 5): for the prior
//
//   dx = f(t, x) dt + b dW,  x_0 ~ p_0,  an observation y of x_T with likelihood p(y | x_T),
//
// and a variational posterior dx = h(t, x) dt + b dW', x_0 ~ q_0, with the same constant b > 0,
//
//   log p(y) ≥ ELBO(y) = −KL(q_0 ‖ p_0) + E_q log p(y | x_T) − ∫_0^T E_q |f − h|²/(2b²) dt
//
// (Girsanov: KL between the path laws is KL(q_0 ‖ p_0) + ∫ E_q |f − h|²/(2b²) dt). The gap is the
// KL from q to the true posterior path law, so the bound is tight for q_0 = p(x_0 | y) and
// h = f + b² ∇ log β with β(t, x) = p(y | x_t = x) the backward message.
//
// Discrete time. With step Δt = T/N the prior and the posterior become the Gaussian chains
// p(x_{k+1} | x_k) = N(x_k + f Δt, b² Δt I) and q(x_{k+1} | x_k) = N(x_k + h Δt, b² Δt I), whose
// ELBO is exactly the one above with the integral by the left-point rule,
//   ELBO_N(y) = −KL(q_0 ‖ p_0) + E_q log p(y | x_N) − Σ_k E_q |f(t_k, x_k) − h(t_k, x_k)|² Δt/(2b²),
// since KL(N(a, b²Δt I) ‖ N(c, b²Δt I)) = |a − c|²/(2b²Δt). It is a lower bound on the Euler
// chain's own log p_N(y) and tends to ELBO(y) as Δt → 0 at weak order 1. The estimator samples
// the posterior chain (sde::solve with EulerMaruyama on the state augmented by the running
// terms, so draws sit at (seed, path, step) like every ensemble's) and averages over M paths,
// either
//   expected_kl      the formula above per path, KL(q_0 ‖ p_0) in closed form (distribution/gaussian_kl.hpp); or
//   path_log_weight  the chain's log-ratio log p(x_{0:N}, y) − log q(x_{0:N}) per path, i.e. the
//                    above plus log p_0(x_0) − log q_0(x_0) + KL(q_0 ‖ p_0) and the martingale
//                    Σ_k (f − h)·ΔW_k / b, both of mean zero: the same expectation, and a variance
//                    that vanishes as q approaches the true posterior (for the optimal drift it is
//                    O(Δt): the log-weight of the exact posterior is the constant log p(y)).
// The result is the mean with SE sd/√M. A path that is not finite (a drift that explodes) is
// named in the status and left out of the mean.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "kolmo/core/status.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/process/sde.hpp"
#include "kolmo/stats/mean_estimate.hpp"

namespace kolmo::likelihood {

/// The prior: dx = f(t, x) dt + b dW from x_0 ~ p_0 (one Gaussian: KL(q_0 ‖ p_0) is closed form).
struct LatentSdePrior {
  process::BatchCoefficient drift;  ///< f(t, x): paths × d
  double diffusion = 1.0;           ///< b > 0, the same in prior and posterior (else the KL is infinite)
  distribution::GaussianMixture initial = distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(1),
                                                                                  Eigen::MatrixXd::Identity(1, 1));
};

/// The variational posterior: dx = h(t, x) dt + b dW' from x_0 ~ q_0 (one Gaussian).
struct SdePosterior {
  process::BatchCoefficient drift;  ///< h(t, x): paths × d
  distribution::GaussianMixture initial = distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(1),
                                                                                  Eigen::MatrixXd::Identity(1, 1));
};

/// log p(y | x_T) of the one observation y, at each row of x_T (paths × d → paths).
using ObservationLogLikelihood = std::function<Eigen::ArrayXd(const Eigen::ArrayXXd& x_T)>;

enum class ElboEstimator { expected_kl, path_log_weight };

struct VariationalSdeElboOptions {
  double horizon = 1.0;                  ///< T > 0, the observation time
  std::size_t steps = 256;               ///< N ≥ 1 Euler steps, Δt = T/N
  std::uint64_t paths = 10000;           ///< M ≥ 2 posterior paths
  ElboEstimator estimator = ElboEstimator::path_log_weight;
  std::uint64_t brownian_fine_steps = 0; ///< 0, or a multiple of N: the same Brownian paths at every N dividing it
  std::uint64_t seed = 0;
  int threads = 1;
};

struct VariationalSdeElbo {
  Status status;                      ///< ok, or non_finite naming the first failed path
  stats::MeanEstimate elbo;           ///< ELBO_N(y) ± SE over the finished paths (the chosen estimator), nats
  double initial_kl = 0.0;            ///< KL(q_0 ‖ p_0), closed form
  stats::MeanEstimate observation;    ///< E_q log p(y | x_N)
  stats::MeanEstimate path_kl;        ///< E_q Σ_k |f − h|² Δt/(2b²)
  std::size_t failed_paths = 0;
  double dt = 0.0;
};

/// ELBO_N(y) of the latent SDE `prior` with the variational posterior `posterior`; the drifts are
/// called from `threads` threads at once. Throws
/// kolmo::Error on misuse: b ≤ 0 or not finite, missing drifts or likelihood, initial laws that
/// are not one Gaussian or differ in dimension, horizon ≤ 0, steps = 0, paths < 2, a fine
/// Brownian grid that is not a multiple of the steps, threads < 1, or a drift or likelihood that
/// returns the wrong shape (the likelihood: one value per row of x_T).
[[nodiscard]] VariationalSdeElbo variational_sde_elbo(const LatentSdePrior& prior, const SdePosterior& posterior,
                                                      const ObservationLogLikelihood& log_likelihood,
                                                      const VariationalSdeElboOptions& options = {});

}  // namespace kolmo::likelihood
