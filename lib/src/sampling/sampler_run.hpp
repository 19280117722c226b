#pragma once
// Internal: the batch driver every discrete sampler (DDPM, DDIM, DPM-Solver, DPM-Solver++) runs
// on, so that a method only states its update (design habit 4).
//
// The driver cuts the paths into the thread-independent batches of the SDE engine
// (sde/batch_records.hpp), draws each batch's initial states from problem.initial at
// (seed, path), and walks the time grid t_0 = t_max > ... > t_M = t_min: at step j it draws the
// step's normals at (seed, Purpose::brownian, path, j, component) when the method is stochastic,
// lets the method's BatchStepper advance the batch from t_j to t_{j+1}, and stops paths that
// became non-finite (reported with path and time, frozen at their last finite state so the model
// never sees a NaN). With denoise_final it then takes the first-order step to σ = 0 (below).
// A run with corrector_steps = K > 0 (predictor–corrector, annealed Langevin) also takes K
// corrector steps at every time t_i reached by a step (and at t_0 with correct_first_time): the
// k-th draws its normals at (seed, Purpose::langevin, path, i·K + k, component).
// Every number is a pure function of (seed, path), except where a method couples the paths of a
// batch on purpose (the predictor–corrector's batch-mean step rule); the batches themselves do
// not depend on the threads, so every result is bit-identical for any thread count.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/sampling/sampler.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::sampling::detail {

/// Throws unless 0 < t_min < t_max <= T, naming the parameter.
void require_truncation(const process::NoiseSchedule& schedule, double t_max, double t_min, const char* where);

/// The model's posterior-mean predictions for one batch of paths, counting evaluations (NFE).
class Denoiser {
 public:
  Denoiser(const score::ScoreModel& model, const process::NoiseSchedule& schedule) : model_(model), schedule_(schedule) {}

  /// ε̂ = E[ε | x_t = x]: one model evaluation.
  [[nodiscard]] Eigen::ArrayXXd epsilon(double t, const Eigen::ArrayXXd& x);
  /// x̂_0 = E[x_0 | x_t = x]: one model evaluation.
  [[nodiscard]] Eigen::ArrayXXd data(double t, const Eigen::ArrayXXd& x);
  /// s = ∇log p_t(x): one model evaluation.
  [[nodiscard]] Eigen::ArrayXXd score(double t, const Eigen::ArrayXXd& x);
  /// Model evaluations per path so far.
  [[nodiscard]] std::uint64_t evaluations() const { return evaluations_; }

 private:
  const score::ScoreModel& model_;
  const process::NoiseSchedule& schedule_;
  std::uint64_t evaluations_ = 0;
};

/// A method's update for one batch of paths; made per batch (it may keep a multistep history).
class BatchStepper {
 public:
  virtual ~BatchStepper() = default;
  /// x (paths × d) at t_j → x at t_{j+1}; `noise` holds the step's standard normals (paths × d)
  /// for a stochastic method and is empty otherwise.
  virtual void step(std::size_t j, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, Denoiser& model) = 0;
  /// One corrector step at t_i (runs with corrector_steps > 0 only); `noise` holds its standard
  /// normals (paths × d). The default leaves x alone: methods without a corrector ignore it.
  virtual void correct(std::size_t i, Eigen::ArrayXXd& x, const Eigen::ArrayXXd& noise, Denoiser& model);
};

/// One run of a method, its type erased.
struct SamplerRun {
  std::string name;             ///< SampleSolution::sampler
  std::vector<double> times;    ///< t_0 = t_max > ... > t_M = t_min
  bool stochastic = false;      ///< draws paths × d normals per step
  bool denoise_final = false;   ///< end with the step from t_min to σ = 0
  std::function<std::unique_ptr<BatchStepper>()> make_stepper;
  std::size_t corrector_steps = 0;  ///< K corrector steps after every step, at the time reached
  bool correct_first_time = false;  ///< also K corrector steps at t_0 (then times may hold t_0 only)
};

/// Runs `run` on `problem` for options.paths paths. The final step to σ = 0 is the step every
/// method reduces to there: DDPM's and DDIM's fresh noise vanishes at σ_t = 0, and a
/// higher-order correction would need the model at σ = 0, where it is undefined; so it is the
/// first-order step x_0 = (α_0/α_s) x_s − (α_0 σ_s/α_s − σ_0) ε̂ with α_0 = 1, σ_0 = 0, which is
/// Tweedie's E[x_0 | x_{t_min}] (one more evaluation). Misuse throws kolmo::Error.
[[nodiscard]] SampleSolution run_sampler(const SamplingProblem& problem, const SamplerRun& run,
                                       const SamplerOptions& options);

}  // namespace kolmo::sampling::detail
