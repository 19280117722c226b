#include "kolmo/score/train.hpp"

#include <cmath>
#include <utility>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/random/uniform.hpp"

namespace kolmo::score::detail {
namespace {

constexpr const char* where = "kolmo::score::train";

}  // namespace

void check_training(std::size_t dimension, const Objective& objective, const TrainingData& data,
                    const TrainOptions& options) {
  require_at_least(where, "options.steps", options.steps, 1);
  require_at_least(where, "options.batch", options.batch, 1);
  require_at_least(where, "options.record_every", options.record_every, 1);
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
  require(options.ema_decay >= 0.0 && options.ema_decay < 1.0, where, "options.ema_decay", options.ema_decay, "in [0, 1)");
  require(std::isfinite(options.max_gradient_norm) && options.max_gradient_norm >= 0.0, where,
          "options.max_gradient_norm", options.max_gradient_norm, ">= 0 (0: no clipping)");
  const auto d = static_cast<Eigen::Index>(dimension);
  if (const auto* matrix = std::get_if<Eigen::ArrayXXd>(&data)) {
    require(matrix->rows() >= 1, where, "data", std::string_view("an empty matrix"), "at least one data point");
    require(matrix->cols() == d, where, "data", describe_value(matrix->rows()) + "x" + describe_value(matrix->cols()),
            "d = " + describe_value(d) + " columns (the model's dimension)");
    require_all_finite(where, "data", *matrix);
  } else if (const auto* timed = std::get_if<TimedPoints>(&data)) {
    require(timed->rows() >= 1, where, "data", std::string_view("no timed points"), "at least one data point");
    require(timed->x.cols() == d, where, "data", describe_value(timed->x.rows()) + "x" + describe_value(timed->x.cols()),
            "d = " + describe_value(d) + " columns (the model's dimension)");
    require(timed->t.size() == timed->x.rows(), where, "data.t", describe_value(timed->t.size()) + " times",
            "one per row (" + describe_value(timed->x.rows()) + ")");
    require_all_finite(where, "data.x", timed->x);
    require_all_finite(where, "data.t", timed->t);
    require(std::holds_alternative<ExplicitScoreMatching>(objective) || std::holds_alternative<ImplicitScoreMatching>(objective),
            where, "data", std::string_view("timed points"),
            "a data matrix or a law for " + describe(objective) + ", which draws its own times (timed points train ESM and ISM)");
  } else {
    const auto& law = std::get<distribution::Law>(data);
    require(static_cast<Eigen::Index>(law.dimension()) == d, where, "data", "a " + describe_value(law.dimension()) + "-D law",
            "a law of the model's dimension d = " + describe_value(d));
  }
}

namespace {

/// Row indices of step k, uniform over n rows with replacement: (seed, minibatch, path = r, step = k).
std::vector<Eigen::Index> resampled_rows(Eigen::Index n, std::uint64_t seed, std::size_t step, std::size_t batch) {
  std::vector<Eigen::Index> rows(batch);
  for (std::size_t r = 0; r < batch; ++r) {
    rows[r] = static_cast<Eigen::Index>(
        random::uniform_index({seed, random::Purpose::minibatch, r, step, 0}, static_cast<std::uint64_t>(n)));
  }
  return rows;
}

}  // namespace

LossBatch minibatch_loss(const Objective& objective, const TrainingData& data, std::uint64_t seed, std::size_t step,
                         std::size_t batch) {
  if (const auto* matrix = std::get_if<Eigen::ArrayXXd>(&data)) {
    const auto rows = resampled_rows(matrix->rows(), seed, step, batch);
    return draw_loss_batch(objective, Eigen::ArrayXXd((*matrix)(rows, Eigen::all)), seed, step);
  }
  if (const auto* timed = std::get_if<TimedPoints>(&data)) {
    const auto rows = resampled_rows(timed->rows(), seed, step, batch);
    return draw_loss_batch(objective, TimedPoints{timed->t(rows), timed->x(rows, Eigen::all)}, seed, step);
  }
  return draw_loss_batch(objective, std::get<distribution::Law>(data).sample(seed, static_cast<std::uint64_t>(step) * batch, batch),
                         seed, step);
}

TrainingLoop::TrainingLoop(Eigen::VectorXd parameters, const TrainOptions& options)
    : options_(options), adam_(parameters.size(), options.adam), parameters_(std::move(parameters)) {
  solution_.ema_parameters = parameters_;
}

bool TrainingLoop::update(std::size_t step, LossGradient& gradient, const Objective& objective) {
  const bool losses_finite = gradient.row_losses.allFinite();
  if (!losses_finite || !gradient.gradient.allFinite()) {
    solution_.status = Status::failure(StatusCode::non_finite, "step " + describe_value(step),
                                       std::string(losses_finite ? "the gradient" : "a row loss") + " of " +
                                           describe(objective) + " is not finite");
    return false;
  }
  if (options_.max_gradient_norm > 0.0) {
    const double norm = gradient.gradient.norm();
    if (norm > options_.max_gradient_norm) gradient.gradient *= options_.max_gradient_norm / norm;
  }
  const double eta = options_.learning_rate(step);
  adam_.step(parameters_, gradient.gradient, eta);
  if (options_.ema_decay > 0.0) {
    solution_.ema_parameters = options_.ema_decay * solution_.ema_parameters + (1.0 - options_.ema_decay) * parameters_;
  } else {
    solution_.ema_parameters = parameters_;
  }
  for (Eigen::Index i = 0; i < gradient.row_losses.size(); ++i) window_.add(gradient.row_losses[i]);
  solution_.steps_taken = step + 1;
  if ((step + 1) % options_.record_every == 0 || step + 1 == options_.steps) {
    const LossRecord record{window_start_, step + 1 - window_start_, window_.mean(),
                            window_.count() >= 2 ? window_.standard_error() : 0.0, eta};
    solution_.loss_curve.push_back(record);
    if (options_.progress) options_.progress(record);
    window_ = stats::RunningMoments();
    window_start_ = step + 1;
  }
  return true;
}

}  // namespace kolmo::score::detail
