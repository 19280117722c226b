#include "kolmo/score/train.hpp"

#include <cmath>
#include <utility>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/random/uniform.hpp"

namespace kolmo::score::detail {
namespace {

constexpr const char* where = "kolmo::score::train";

}  // namespace

void check_training(std::size_t dimension, const TrainingData& data, const TrainOptions& options) {
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
  } else {
    const auto& law = std::get<distribution::Law>(data);
    require(static_cast<Eigen::Index>(law.dimension()) == d, where, "data", "a " + describe_value(law.dimension()) + "-D law",
            "a law of the model's dimension d = " + describe_value(d));
  }
}

Eigen::ArrayXXd minibatch(const TrainingData& data, std::uint64_t seed, std::size_t step, std::size_t batch) {
  if (const auto* matrix = std::get_if<Eigen::ArrayXXd>(&data)) {
    Eigen::ArrayXXd rows(static_cast<Eigen::Index>(batch), matrix->cols());
    for (std::size_t r = 0; r < batch; ++r) {
      const auto index = random::uniform_index({seed, random::Purpose::minibatch, r, step, 0},
                                               static_cast<std::uint64_t>(matrix->rows()));
      rows.row(static_cast<Eigen::Index>(r)) = matrix->row(static_cast<Eigen::Index>(index));
    }
    return rows;
  }
  return std::get<distribution::Law>(data).sample(seed, static_cast<std::uint64_t>(step) * batch, batch);
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
