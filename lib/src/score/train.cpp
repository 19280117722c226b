#include "kolmo/score/train.hpp"

#include <cmath>
#include <utility>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/stats/running_moments.hpp"

namespace kolmo::score {
namespace {

constexpr const char* where = "kolmo::score::train";

void check_options(const Mlp& model, const TrainingData& data, const TrainOptions& options) {
  require_at_least(where, "options.steps", options.steps, 1);
  require_at_least(where, "options.batch", options.batch, 1);
  require_at_least(where, "options.record_every", options.record_every, 1);
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
  require(options.ema_decay >= 0.0 && options.ema_decay < 1.0, where, "options.ema_decay", options.ema_decay, "in [0, 1)");
  require(std::isfinite(options.max_gradient_norm) && options.max_gradient_norm >= 0.0, where,
          "options.max_gradient_norm", options.max_gradient_norm, ">= 0 (0: no clipping)");
  const auto d = static_cast<Eigen::Index>(model.architecture().dimension);
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

bool all_finite(const Eigen::VectorXd& v) { return v.allFinite(); }

}  // namespace

TrainingSolution train(Mlp& model, const Objective& objective, const TrainingData& data, const TrainOptions& options) {
  check_options(model, data, options);
  TrainingSolution solution;
  Adam adam(static_cast<Eigen::Index>(model.parameter_count()), options.adam);
  Eigen::VectorXd parameters = model.parameters();
  solution.ema_parameters = parameters;
  stats::RunningMoments window;
  std::size_t window_start = 0;
  LossGradient step;

  for (std::size_t k = 0; k < options.steps; ++k) {
    const Eigen::ArrayXXd rows = minibatch(data, options.seed, k, options.batch);
    const LossBatch batch = draw_loss_batch(objective, rows, options.seed, k);
    model.loss_gradient(batch, step, options.threads);
    if (!step.row_losses.allFinite() || !all_finite(step.gradient)) {
      solution.status = Status::failure(StatusCode::non_finite, "step " + describe_value(k),
                                        std::string(step.row_losses.allFinite() ? "the gradient" : "a row loss") +
                                            " of " + describe(objective) + " is not finite");
      break;
    }
    if (options.max_gradient_norm > 0.0) {
      const double norm = step.gradient.norm();
      if (norm > options.max_gradient_norm) step.gradient *= options.max_gradient_norm / norm;
    }
    const double eta = options.learning_rate(k);
    adam.step(parameters, step.gradient, eta);
    model.set_parameters(parameters);
    if (options.ema_decay > 0.0) {
      solution.ema_parameters = options.ema_decay * solution.ema_parameters + (1.0 - options.ema_decay) * parameters;
    } else {
      solution.ema_parameters = parameters;
    }
    for (Eigen::Index i = 0; i < step.row_losses.size(); ++i) window.add(step.row_losses[i]);
    solution.steps_taken = k + 1;
    if ((k + 1) % options.record_every == 0 || k + 1 == options.steps) {
      const double n = static_cast<double>(window.count());
      LossRecord record{window_start, k + 1 - window_start, window.mean(),
                        n >= 2 ? window.standard_error() : 0.0, eta};
      solution.loss_curve.push_back(record);
      if (options.progress) options.progress(record);
      window = stats::RunningMoments();
      window_start = k + 1;
    }
  }
  return solution;
}

}  // namespace kolmo::score
