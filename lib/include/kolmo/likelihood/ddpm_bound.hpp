#pragma once
// The variational bound of a discrete-time diffusion model (Ho, Jain & Abbeel 2020, eq. 5;
// Sohl-Dickstein et al. 2015): for the forward chain of a DiscreteSchedule and the reverse model
// p(x_N) = π, p(x_{i−1} | x_i) = N(μ_θ(x_i, i), σ_i² I),
//
//   −log p(x_0) ≤ L = L_N + Σ_{i=2}^{N} L_{i−1} + L_0,
//   L_N     = KL(q(x_N | x_0) ‖ π),
//   L_{i−1} = E_{q(x_i | x_0)} KL(q(x_{i−1} | x_i, x_0) ‖ p(x_{i−1} | x_i))
//           = E ½ [d (β̃_i/σ_i² − 1 + log(σ_i²/β̃_i)) + |μ̃_i − μ_θ|²/σ_i²],
//   L_0     = −E_{q(x_1 | x_0)} log N(x_0; μ_θ(x_1, 1), σ_1² I),
//
// with the forward posterior q(x_{i−1} | x_i, x_0) = N(μ̃_i, β̃_i I),
//   μ̃_i = √ᾱ_{i−1} β_i/(1 − ᾱ_i) x_0 + √(1 − β_i)(1 − ᾱ_{i−1})/(1 − ᾱ_i) x_i,  β̃_i = (1 − ᾱ_{i−1}) β_i/(1 − ᾱ_i),
// and the model mean μ_θ the same expression with x_0 replaced by the model's prediction
// x̂_0 = (x_i + (1 − ᾱ_i) s(x_i, t_i))/√ᾱ_i (Tweedie; t_i = i T/N on the schedule's continuous
// form, process/discrete_schedule.hpp), so any parameterisation enters through its ScoreModel
// (score/parameterisation.hpp: ε̂ = −σ s, x̂_0, v̂). The model variance is β_i or β̃_i (Ho et al.
// 2020, §3.2; the decoder L_0 uses β_1 with either, since β̃_1 = 0) or per-step values given by
// the caller (e.g. the true reverse variances of Gaussian data). The continuous-data decoder
// N(x_0; μ_θ, σ_1²) stands in for Ho et al.'s discretised one.
//
// In terms of the ε-prediction ε̂ = −√(1 − ᾱ_i) s, |μ̃_i − μ_θ|²/σ_i² = λ_i |ε − ε̂|² with
// λ_i = β_i²/(σ_i² (1 − β_i)(1 − ᾱ_i)) (Ho et al. 2020, eq. 12): ddpm_loss_weight gives λ_i, whose
// replacement by 1 is their "simple" loss.
//
// Estimator. Per point and draw m: x_1, x_N and x_i for an index i uniform on {2, …, N}, each
// from q(· | x_0), and L_N + L_0 + (N − 1) L_{i−1}, where L_N is the closed-form negative entropy
// of q(x_N | x_0) less log π(x_N) and L_0 and L_{i−1} are the terms at the drawn points (the
// decoder term is taken at every draw: drawn like the others it would be rare and ~N times
// larger, a skewed estimate); each draw is an unbiased estimate of L and the bound
// reported is −L (nats, a lower bound on log p(x_0)) with SE sd/√M. Draws at
// (seed, Purpose::bound_estimate, point, draw, component); bit-identical for any thread count.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/process/discrete_schedule.hpp"
#include "kolmo/score/score_model.hpp"
#include "kolmo/stats/mean_estimate.hpp"

namespace kolmo::likelihood {

/// σ_i² = β_i (the forward variance: the upper end for x_0 ~ N(0, I); Ho et al. 2020, §3.2).
struct BetaVariance {};
/// σ_i² = β̃_i (the forward posterior's: the lower end, optimal for a point mass x_0).
struct PosteriorVariance {};
/// σ_i² given per step, i = 1..N at index i − 1 (each > 0).
struct GivenVariance {
  std::vector<double> variances;
};
using ReverseVariance = std::variant<BetaVariance, PosteriorVariance, GivenVariance>;

struct DdpmBoundOptions {
  ReverseVariance variance = PosteriorVariance{};
  std::size_t draws = 256;  ///< M ≥ 2 per point
  std::uint64_t seed = 0;
  int threads = 1;
};

struct DdpmBound {
  Status status;                          ///< ok, or non_finite naming the first failed point
  Eigen::ArrayXd bound;                   ///< per point: −L, a lower bound on log p(x_0), nats
  Eigen::ArrayXd standard_error;          ///< per point: sd over the M draws / √M
  Eigen::ArrayXd prior_term;              ///< per point: the estimate of L_N
  Eigen::ArrayXd denoising_terms;         ///< per point: the estimate of Σ_{i ≥ 2} L_{i−1} + L_0
  std::vector<std::size_t> failed_points; ///< ascending
  stats::MeanEstimate mean;               ///< of the bound over the finished points
};

/// The bound at each row of `points` (n × d). Throws kolmo::Error on misuse: no points,
/// non-finite points, a score or prior of another dimension, draws < 2, given variances of the
/// wrong count or not finite and > 0, threads < 1.
[[nodiscard]] DdpmBound ddpm_bound(const process::DiscreteSchedule& schedule, const score::ScoreModel& score,
                                   const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
                                   const DdpmBoundOptions& options = {});

/// σ_i² of `variance` at step i = 1..N (β_1 for the decoder step i = 1 unless given).
[[nodiscard]] double reverse_variance(const process::DiscreteSchedule& schedule, const ReverseVariance& variance,
                                      std::size_t i);

/// λ_i = β_i²/(σ_i² (1 − β_i)(1 − ᾱ_i)): L_{i−1} = ½ λ_i E|ε − ε̂|² + (the variance terms).
[[nodiscard]] double ddpm_loss_weight(const process::DiscreteSchedule& schedule, const ReverseVariance& variance,
                                      std::size_t i);

}  // namespace kolmo::likelihood
