#pragma once
// Training a score network: minibatch stochastic optimisation of an objective
// (score/objective.hpp) with Adam (score/adam.hpp), reproducible by construction.
//
//   for k = 0 … steps − 1:
//     rows    data row (seed, minibatch, path = r, step = k) uniform over a data matrix or
//             timed points (with replacement), or path k·batch + r of a law's exact draws
//             (distribution::Law);
//     batch   draw_loss_batch(objective, rows, seed, step = k): noise, times and probes at
//             their own purposes;
//     update  g = ∇θ mean row loss (model.loss_gradient, chunks summed in a fixed order),
//             optionally clipped to norm ≤ max_gradient_norm; θ ← Adam(θ, g, η_k);
//     average θ_ema ← δ θ_ema + (1 − δ) θ (Polyak & Juditsky 1992; δ = 0.999 as in Song & Ermon 2020).
//
// So a run is a function of (model's initial parameters, objective, data, options) alone,
// bit-identical for any thread count. The loss curve records, every `record_every` steps, the
// mean of those steps' row losses with its standard error (rows are independent given the
// parameters; the SE says how well the curve resolves the loss at that stage). A non-finite
// row loss or gradient stops the run with status non_finite naming the step; the model keeps
// the parameters of the last finite step.

#include <Eigen/Core>
#include <cstddef>
#include <concepts>
#include <cstdint>
#include <functional>
#include <variant>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/score/adam.hpp"
#include "kolmo/score/mlp.hpp"
#include "kolmo/score/objective.hpp"
#include "kolmo/stats/running_moments.hpp"

namespace kolmo::score {

/// A data matrix (n × d; minibatches resample its rows), a law to draw fresh points from, or
/// timed points (samples of p_t at their times, e.g. a forward SDE ensemble's snapshots: for
/// ESM and ISM over time when the forward process has no Gaussian transition kernel).
using TrainingData = std::variant<Eigen::ArrayXXd, distribution::Law, TimedPoints>;

struct LossRecord {
  std::size_t first_step = 0;  ///< the record averages steps [first_step, first_step + steps)
  std::size_t steps = 0;
  double loss = 0.0;
  double standard_error = 0.0;
  double learning_rate = 0.0;  ///< η at the record's last step
};

struct TrainOptions {
  std::size_t steps = 1000;
  std::size_t batch = 256;
  LearningRate learning_rate = LearningRate::constant(1e-3);
  AdamOptions adam{};
  double ema_decay = 0.999;        ///< δ in [0, 1); 0 keeps no average (ema = final parameters)
  double max_gradient_norm = 0.0;  ///< > 0: clip ‖g‖₂ to it; 0: no clipping
  std::uint64_t seed = 0;
  int threads = 1;
  std::size_t record_every = 10;   ///< steps per loss record (≥ 1)
  /// Called with each new record (progress of a long run); may be empty.
  std::function<void(const LossRecord&)> progress{};
};

struct TrainingSolution {
  Status status;
  std::vector<LossRecord> loss_curve;
  Eigen::VectorXd ema_parameters;  ///< θ_ema (load into a copy of the model with set_parameters)
  std::size_t steps_taken = 0;
};

/// What train() needs of a model: its dimension, its parameters as one vector, and the gradient
/// of a batch's mean row loss (score/objective.hpp, LossBatch). Mlp is one; a TorchScript network
/// (score/torch_score.hpp, the kolmo::torch component) is another.
template <class Model>
concept TrainableScore = requires(Model& model, const Model& view, const LossBatch& batch, LossGradient& out,
                                  const Eigen::VectorXd& parameters) {
  { view.dimension() } -> std::convertible_to<std::size_t>;
  { view.parameters() } -> std::convertible_to<Eigen::VectorXd>;
  model.set_parameters(parameters);
  view.loss_gradient(batch, out, 1);
};

namespace detail {

/// Misuse checks of train() (see there).
void check_training(std::size_t dimension, const Objective& objective, const TrainingData& data,
                    const TrainOptions& options);
/// The loss batch of step k: its data rows (see the header comment) through draw_loss_batch.
[[nodiscard]] LossBatch minibatch_loss(const Objective& objective, const TrainingData& data, std::uint64_t seed,
                                       std::size_t step, std::size_t batch);

/// The model-independent part of a run: clipping, Adam, the EMA and the loss curve.
class TrainingLoop {
 public:
  TrainingLoop(Eigen::VectorXd parameters, const TrainOptions& options);
  /// Takes step k's gradient: false (and a non_finite status) when it or a row loss is not
  /// finite, else the Adam update of parameters().
  bool update(std::size_t step, LossGradient& gradient, const Objective& objective);
  [[nodiscard]] const Eigen::VectorXd& parameters() const { return parameters_; }
  [[nodiscard]] TrainingSolution finish() { return std::move(solution_); }

 private:
  const TrainOptions& options_;
  Adam adam_;
  Eigen::VectorXd parameters_;
  TrainingSolution solution_;
  stats::RunningMoments window_;
  std::size_t window_start_ = 0;
};

}  // namespace detail

/// Trains `model` in place. Throws kolmo::Error on misuse: batch 0 or steps 0, an empty or
/// non-finite data matrix, data of the wrong dimension, ema_decay outside [0, 1), a negative
/// max_gradient_norm, threads < 1, record_every 0, a non-positive learning rate, or timed points
/// for an objective that draws its own times.
template <TrainableScore Model>
TrainingSolution train(Model& model, const Objective& objective, const TrainingData& data, const TrainOptions& options) {
  detail::check_training(model.dimension(), objective, data, options);
  detail::TrainingLoop loop(model.parameters(), options);
  LossGradient gradient;
  for (std::size_t k = 0; k < options.steps; ++k) {
    model.loss_gradient(detail::minibatch_loss(objective, data, options.seed, k, options.batch), gradient,
                        options.threads);
    if (!loop.update(k, gradient, objective)) break;
    model.set_parameters(loop.parameters());
  }
  return loop.finish();
}

static_assert(TrainableScore<Mlp>);

}  // namespace kolmo::score
