#pragma once
// The log-likelihood of a diffusion model's probability-flow ODE — a continuous normalising flow
// (Chen et al. 2018, Thm. 1; Grathwohl et al. 2019; Song et al. 2021, §4.3 and App. D.2):
//
//   dx/dt = v(x, t) = f(x, t) − ½ ∇·(g gᵀ) − ½ g gᵀ s(x, t)       (sampling::probability_flow)
//   log p_ODE(x) = log π(x(T)) + ∫_{t_min}^{T} ∇·v(x(t), t) dt,    x(t_min) = x,
//
// the density at t_min of the points the ODE carries from the prior π at T. Each data point is
// integrated forward from t_min to T with the log-density augmentation, all points advanced
// together in the ODE ensemble's batches (ode/ensemble.hpp), so the cost is that of the batched
// velocity. The divergence is exact (the score's divergence, or the model's Jacobian through
// ode::ExactDivergence) or Hutchinson's estimate with K probes fixed along each path
// (ode::Hutchinson; FFJORD), whose K estimates give each point a standard error.
//
// ODE error. With estimate_ode_error the solve is repeated more finely — Rk4/Heun/Euler with
// the step halved, Dormand–Prince with both tolerances divided by 100 — with the same probes;
// the finer result is returned and |coarse − fine| reported per point as its error bound (for a
// method of order p the fine result's error is about |coarse − fine| / (2^p − 1), so the bound is
// conservative by that factor for fixed steps; for Dormand–Prince by ~100^{4/5}).
//
// Units. Log-likelihoods are in nats. bits_per_dimension converts a log-likelihood of data on a
// lattice of bin width Δ (e.g. Δ = 1/256 for 8-bit data scaled to [0, 1]) that was dequantised
// by uniform noise, y = x + u with u ~ U[0, Δ)^d (dequantise()), to the discrete model's bits per
// dimension:
//
//   bpd = −(log p(y) + d log Δ) / (d ln 2),
//
// an upper bound on −log₂ P(x)/d by Jensen, since log P(x) = log ∫_{[0,Δ)^d} p(x + u) du ≥
// E_u[log p(x + u)] + d log Δ (Theis, van den Oord & Bethge 2016; Ho et al. 2019, §3.1).
// Continuous data has no bin: use nats, or bits_per_dimension with Δ = 1 for −log₂ p / d.
//
// Failures. A point whose ODE gives up (non-finite, step size underflow, max_steps) gets a
// status naming it and NaN in its row; the mean is over the points that finished, and the
// result's status says how many did not — never a NaN in the mean.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/ode/log_density.hpp"
#include "kolmo/ode/methods.hpp"
#include "kolmo/sampling/forward_process.hpp"
#include "kolmo/score/score_model.hpp"
#include "kolmo/stats/mean_estimate.hpp"

namespace kolmo::likelihood {

struct OdeLikelihoodOptions {
  double t_min = 1e-3;                    ///< where the data's density is evaluated (> 0 for singular schedules)
  double t_max = 1.0;                     ///< T, where the prior π stands in for p_T (> t_min)
  ode::Method method = ode::DormandPrince{1e-5, 1e-5};  ///< Rk4 & co. with dt > 0; not Rosenbrock
  ode::DivergenceMethod divergence = ode::ExactDivergence{};
  bool estimate_ode_error = true;         ///< a second, finer solve (see the header comment)
  std::uint64_t seed = 0;                 ///< Hutchinson's probes of point i at (seed, probe, i, k, j)
  int threads = 1;
};

struct OdeLikelihood {
  Status status;                          ///< ok, or non_finite / not_converged naming the first failed point
  Eigen::ArrayXd log_likelihood;          ///< per point, nats (NaN where the ODE failed)
  Eigen::ArrayXd probe_standard_error;    ///< per point: sd over Hutchinson's K probes / √K (0 if exact)
  Eigen::ArrayXd ode_error;               ///< per point: |coarse − fine| (0 without estimate_ode_error)
  Eigen::ArrayXd prior_log_density;       ///< per point: log π(x(T))
  std::vector<std::size_t> failed_points; ///< ascending
  stats::MeanEstimate mean;               ///< over the points that finished: the average log-likelihood and its SE
  std::uint64_t velocity_evaluations = 0;
};

/// log p_ODE of each row of `points` (n × d) under the probability-flow ODE of (forward, score)
/// with prior π. Throws kolmo::Error on misuse: points of another dimension than the forward
/// process or no points or non-finite points, a score or prior of another dimension, prior
/// without a density, t_min ≤ 0 or t_min ≥ t_max, Rosenbrock, Hutchinson with 0 probes, threads < 1.
[[nodiscard]] OdeLikelihood ode_log_likelihood(const sampling::ForwardProcess& forward, const score::ScoreModel& score,
                                               const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
                                               const OdeLikelihoodOptions& options = {});

/// Bits per dimension of log-likelihoods (nats) of d-dimensional data dequantised on a lattice of
/// bin width Δ (see the header comment). Throws unless d ≥ 1 and Δ > 0 is finite.
[[nodiscard]] Eigen::ArrayXd bits_per_dimension(const Eigen::ArrayXd& log_likelihood, std::size_t dimension,
                                                double bin_width = 1.0);
[[nodiscard]] double bits_per_dimension(double log_likelihood, std::size_t dimension, double bin_width = 1.0);

/// y = x + u, u ~ U[0, Δ)^d drawn at (seed, Purpose::dequantisation, row, 0, j): uniform
/// dequantisation of lattice data x (n × d). Throws unless Δ > 0 is finite and x is finite.
[[nodiscard]] Eigen::ArrayXXd dequantise(const Eigen::ArrayXXd& x, double bin_width, std::uint64_t seed);

}  // namespace kolmo::likelihood
