#pragma once
// What every discrete-time sampler (DDPM, DDIM, DPM-Solver, DPM-Solver++, predictor–corrector,
// annealed Langevin) shares: the problem, the time grid, the run options and the result.
//
//   SamplingProblem problem{model, schedule, initial, /*t_max=*/1.0, /*t_min=*/1e-3, /*seed=*/7};
//   auto result = kolmo::sampling::sample(problem, DpmSolverPlusPlus2M{.steps = 20}, {.paths = 10000});
//   result.samples;                     // paths × d at t_min (or the denoised x̂_0, see below)
//   result.stats.model_evaluations;     // score evaluations per path (NFE)
//
// Times. The sampler visits t_max = t_0 > t_1 > ... > t_M = t_min (sampling_times), spaced
// uniformly in t or in λ = log(α/σ) (Lu et al. 2022, §3.4). t_min > 0 is explicit everywhere:
// the samples approximate p_{t_min}, the law of α x_0 + σ ε at t_min, not p_0. The coupling
// x_0 ↦ α x_0 + σ ε bounds the bias:
//   W2(p_{t_min}, p_0) ≤ √((1 − α(t_min))² E|x_0|² + d σ(t_min)²),
// e.g. σ = 1.05e-2 and 1 − α = 5.5e-5 at t_min = 1e-3 for VP-linear(0.1, 20) (σ = 4.5e-2 at
// t_min = 1e-2) — and the result states α and σ at t_min (SampleSolution::truncation). t_min → 0
// is not available: the ε and x_0 predictions are undefined at σ = 0, and the score of data
// without a density (an empirical law, data on a manifold) grows like 1/σ². With denoise_final
// the last output is E[x_0 | x_{t_min}] from the model (Tweedie), the usual "final step to
// σ = 0", computed in a form finite at σ = 0 (one more evaluation); its law is that of the
// posterior mean, not p_0 — the truncation is still t_min.
//
// Randomness. Path p's initial state is problem.initial at (seed, p); its noise at step j is the
// normal at (seed, Purpose::brownian, p, j, component) — the k-th of K corrector steps at time
// t_i uses Purpose::langevin with step i·K + k. Paths are processed in thread-independent batches:
// bit-identical for any thread count. A non-finite state stops that path and is reported.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/score_model.hpp"
#include "kolmo/ensemble/distributed.hpp"
#include "kolmo/ensemble/solution.hpp"
#include "kolmo/ensemble/initial_law.hpp"

namespace kolmo::sampling {

enum class StepSpacing { uniform_time, uniform_lambda };

struct SamplingProblem {
  /// Throws kolmo::Error when the model's and initial law's dimensions differ, or unless
  /// 0 < t_min < t_max ≤ T (naming the values).
  SamplingProblem(score::ScoreModel model, process::NoiseSchedule schedule, ensemble::InitialLaw initial,
                  double t_max, double t_min, std::uint64_t seed);

  score::ScoreModel model;
  process::NoiseSchedule schedule;
  ensemble::InitialLaw initial;  ///< law of x_{t_max}: the prior N(0, σ(T)² I + α(T)² Cov) or exact p_T
  double t_max;
  double t_min;
  std::uint64_t seed;
};

/// The M + 1 decreasing times t_max = t_0 > ... > t_M = t_min. Throws for steps = 0.
[[nodiscard]] std::vector<double> sampling_times(const process::NoiseSchedule& schedule, double t_max,
                                                 double t_min, std::size_t steps, StepSpacing spacing);

struct SamplerOptions {
  std::uint64_t paths = 0;       ///< at least 1
  int threads = 1;               ///< never changes a result
  std::uint64_t first_path = 0;
  /// What to record, as for every ensemble (ensemble/observers.hpp): the final samples (default)
  /// and snapshots, moments and histograms at times the sampler visits — t_max, its grid times,
  /// t_min, and 0 after a final denoising step — matched to 1e-9 relative.
  ensemble::Observations observe{};
  /// Split the paths over the ranks of a communicator (ensemble/distributed.hpp): samples,
  /// observations and NFE bit-identical to the run in one process; the samples gathered to rank 0
  /// or kept (then SampleSolution::first_row says which paths a rank holds).
  ensemble::Distributed distributed{};
};

struct SamplerStats {
  std::uint64_t steps = 0;              ///< sampler steps per path
  std::uint64_t model_evaluations = 0;  ///< score evaluations per path (NFE)
  std::uint64_t paths = 0;
  double wall_seconds = 0.0;
};

/// The truncation the samples carry: they follow p_{t_min}, the law of α x_0 + σ ε, and
/// W2(p_{t_min}, p_0) ≤ √((1 − α)² E|x_0|² + d σ²) (header comment).
struct Truncation {
  double t_min = 0.0;
  double alpha = 1.0;  ///< α(t_min)
  double sigma = 0.0;  ///< σ(t_min)
};

struct SampleSolution {
  Status status;                          ///< ok, or non_finite with the first failure
  std::string sampler;                    ///< e.g. "dpm-solver++(2M)"
  std::vector<double> times;              ///< the time grid visited
  Eigen::ArrayXXd samples;                ///< paths × d at the end (empty when observe.terminal is off)
  std::vector<ensemble::Snapshot> snapshots;   ///< at observe.snapshot_times, in request order
  std::vector<ensemble::MomentsAt> moments;    ///< at observe.moment_times (failed paths left out, counted)
  std::vector<ensemble::Histogram> histograms; ///< at observe.histograms' times
  std::vector<ensemble::PathFailure> failures; ///< sorted by path; failed paths' rows are NaN
  SamplerStats stats;
  Truncation truncation;                  ///< t_min and α, σ there
  /// The path (from options.first_path) of samples' row 0: 0 unless the run was distributed with
  /// TerminalStates::distributed.
  std::uint64_t first_row = 0;
};

}  // namespace kolmo::sampling
