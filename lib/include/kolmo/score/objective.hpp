#pragma once
// Score-matching objectives: their values on any ScoreModel, with Monte Carlo standard errors,
// and the batches a trainable model (score/mlp.hpp) takes gradients of.
//
// Conventions: one-half in front of every squared error, so the identities below hold with
// the constants as written; s = s(x, t) is the model, p the law of the points.
//
//   ExplicitScoreMatching (ESM)   ½ E_p |s − s_ref|²                    (Hyvärinen 2005, eq. 2)
//   ImplicitScoreMatching (ISM)   E_p [tr ∇s + ½ |s|²]                   (Hyvärinen 2005, Thm. 1)
//     = ESM − ½ E_p |∇log p|²: the difference does not depend on s (integration by parts).
//     The trace: exact (the model's divergence, or d Jacobian–vector products with the basis
//     vectors); Hutchinson (1989) with K Rademacher or Gaussian probes, (1/K) Σ vᵀ∇s v; or
//     sliced (Song, Garg, Shi & Ermon 2019, eq. 6), (1/K) Σ [vᵀ∇s v + ½ (vᵀs)²]. Song et al.'s
//     variance-reduced SSM-VR (their eq. 8) is Hutchinson with Gaussian probes.
//   DenoisingScoreMatching (DSM)  ½ E |s(x̃, t) − ∇log q(x̃ | x)|²,  x̃ = α(t) x + σ(t) ε,
//     ∇log q = −ε/σ (Vincent 2011, eq. 5 for α = 1; NoiseSchedule::edm gives α = 1, σ = t).
//     = ESM on the law of x̃ plus a constant (Vincent 2011, App.): its minimiser is the
//     noised data score, E[∇log q | x̃] = ∇log p_t(x̃) (Tweedie).
//   ContinuousScoreMatching      ½ ∫_{t_min}^{T} λ(t) E |s(x_t, t) − target|² dt over a schedule,
//     target ∇log q(x_t | x_0) (denoising, Song et al. 2021, eq. 7) or a reference score
//     (explicit: the Girsanov bound's ½ ∫ g² E|s − ∇log p_t|², Song, Durkan et al. 2021, Thm. 1);
//     λ from score/weighting.hpp, t drawn from score/time_sampling.hpp, each row weighted
//     λ(t)/π(t).
//
// Points. ESM and ISM take points as samples of the law p at which they are evaluated (at
// time t, so a time-dependent model is scored against p_t), or TimedPoints whose row i is a
// sample of p_{t_i} — the snapshots of a forward SDE ensemble with no Gaussian transition
// kernel, which only the point objectives can learn from (sliced ISM over time: Song, Garg,
// Shi & Ermon 2019, §4; each row at its own time, the objective's t unused). DSM, the
// continuous objective and flow matching take data x_0 and draw times and noise themselves.
//
// Randomness. Row i of a batch drawn at `step` takes its noise ε from
// (seed, training_noise, path = first_row + i, step, component j), its time from
// (seed, training_time, path, step) and its probes from (seed, probe, path, step, k·d + j):
// evaluating two models with one seed uses common random numbers, which is what makes
// ESM − ISM and ESM − DSM differences sharp.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/ensemble/observers.hpp"
#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/flow_matching.hpp"
#include "kolmo/score/score_model.hpp"
#include "kolmo/score/time_sampling.hpp"
#include "kolmo/score/weighting.hpp"

namespace kolmo::score {

enum class TraceEstimator { exact, hutchinson, sliced };
enum class Probe { rademacher, gaussian };

struct ExplicitScoreMatching {
  ScoreModel reference;
  double t = 0.0;  ///< the time of points that carry none (TimedPoints carry their own)
};

struct ImplicitScoreMatching {
  double t = 0.0;  ///< the time of points that carry none (TimedPoints carry their own)
  TraceEstimator trace = TraceEstimator::exact;
  Probe probe = Probe::rademacher;
  std::size_t probes = 1;  ///< K, per point (hutchinson and sliced)
};

struct DenoisingScoreMatching {
  process::NoiseSchedule schedule;
  double t = 0.0;  ///< the one noise level: α(t), σ(t) > 0
};

struct ContinuousScoreMatching {
  process::NoiseSchedule schedule;
  Weighting weighting = Weighting::likelihood();
  double t_min = 1e-3;
  TimeSampling time_sampling = TimeSampling::uniform();
  std::optional<ScoreModel> reference{};  ///< empty: denoising target ∇log q(x_t | x_0)
};

/// Score matching, and flow matching of velocity fields (score/flow_matching.hpp).
using Objective = std::variant<ExplicitScoreMatching, ImplicitScoreMatching, DenoisingScoreMatching,
                               ContinuousScoreMatching, ConditionalFlowMatching, MarginalFlowMatching>;

/// Samples with their own times: row i of x is a draw of p_{t_i}.
struct TimedPoints {
  Eigen::ArrayXd t;   ///< n
  Eigen::ArrayXXd x;  ///< n × d

  /// Stacks states[k], samples of p_{times[k]} (e.g. sde::EnsembleSolution's snapshots). Throws
  /// kolmo::Error when the counts differ, there is no snapshot, or the widths differ.
  [[nodiscard]] static TimedPoints from_snapshots(const std::vector<double>& times,
                                                  const std::vector<Eigen::ArrayXXd>& states);
  /// Stacks an ensemble's snapshots (sde::solve with Observations::snapshot_times), leaving out
  /// the rows of failed paths (NaN); throws as above, or when no row is left.
  [[nodiscard]] static TimedPoints from_snapshots(const std::vector<ensemble::Snapshot>& snapshots);
  [[nodiscard]] Eigen::Index rows() const { return x.rows(); }
};

/// A short description, e.g. "DSM at t = 0.1 of vp-linear(0.1, 20)".
[[nodiscard]] std::string describe(const Objective& objective);

/// What one batch of an objective asks of a model, row by row (one row per point; the loss is
/// the mean of the row losses):
///   regression (ESM, DSM, continuous)   ℓ_i = ½ weight_i |s(x_i, t_i) − target_i|²;
///   trace (ISM)                         ℓ_i = trace_weight Σ_k v_ikᵀ ∇s v_ik + ½ |s|²
///                                       (sliced: (1/K) Σ_k [v_ikᵀ ∇s v_ik + ½ (v_ikᵀ s)²]),
/// with the probes v_ik in probes[k] (row i); the exact trace has the d basis vectors and
/// trace_weight 1, Hutchinson K probes and weight 1/K.
struct LossBatch {
  Eigen::ArrayXd t;           ///< n
  Eigen::ArrayXXd x;          ///< n × d: where the model is evaluated
  Eigen::ArrayXd weight;      ///< n (regression)
  Eigen::ArrayXXd target;     ///< n × d (regression); empty for ISM
  std::vector<Eigen::ArrayXXd> probes;  ///< K arrays n × d (ISM)
  TraceEstimator trace = TraceEstimator::exact;
  double trace_weight = 1.0;

  [[nodiscard]] bool regression() const { return target.size() > 0; }
  [[nodiscard]] Eigen::Index rows() const { return x.rows(); }
};

/// The batch of `objective` for `points` (n × d, finite), drawn at (seed, step) for rows
/// first_row…first_row + n − 1 (see Randomness above). Throws kolmo::Error on a shape mismatch,
/// no points, non-finite points, a time outside the schedule, σ(t) = 0 at a DSM level, or ISM
/// with 0 probes.
[[nodiscard]] LossBatch draw_loss_batch(const Objective& objective, const Eigen::ArrayXXd& points, std::uint64_t seed,
                                        std::uint64_t step = 0, std::uint64_t first_row = 0);

/// The batch of a point objective (ESM or ISM) for timed points, each row at its own time.
/// Throws kolmo::Error as above, when t and x have different row counts or a time is not
/// finite, and for an objective that draws its own times (DSM, continuous, flow matching).
[[nodiscard]] LossBatch draw_loss_batch(const Objective& objective, const TimedPoints& points, std::uint64_t seed,
                                        std::uint64_t step = 0, std::uint64_t first_row = 0);

/// Row losses of `batch` for `model`: ISM needs the model's divergence (exact) or its
/// Jacobian–vector product (every estimator); otherwise kolmo::Error says which is missing.
[[nodiscard]] Eigen::ArrayXd row_losses(const LossBatch& batch, const ScoreModel& model);

/// An objective's value: the mean of the row losses with its standard error.
struct ObjectiveEstimate {
  Status status;  ///< non_finite (naming the first such row) when a row loss is NaN or infinite
  double value = 0.0;
  double standard_error = 0.0;
  std::size_t points = 0;
  Eigen::ArrayXd row_losses;  ///< per point, for paired (common-random-number) differences
};

/// `objective` of `model` on `points` (seed as in draw_loss_batch, step 0); needs ≥ 2 points.
[[nodiscard]] ObjectiveEstimate evaluate(const Objective& objective, const ScoreModel& model,
                                         const Eigen::ArrayXXd& points, std::uint64_t seed);
/// The same for a point objective on timed points.
[[nodiscard]] ObjectiveEstimate evaluate(const Objective& objective, const ScoreModel& model, const TimedPoints& points,
                                         std::uint64_t seed);

}  // namespace kolmo::score
