#include "kolmo/score/adam.hpp"

#include <cmath>
#include <numbers>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {

LearningRate::LearningRate(std::string name, std::function<double(std::size_t)> rate)
    : name_(std::move(name)), rate_(std::move(rate)) {}

LearningRate LearningRate::constant(double rate) {
  constexpr const char* where = "kolmo::score::LearningRate::constant";
  require(std::isfinite(rate) && rate > 0.0, where, "rate", rate, "a finite learning rate > 0");
  return {"constant " + describe_value(rate), [rate](std::size_t) { return rate; }};
}

LearningRate LearningRate::warmup_cosine(double peak, std::size_t warmup_steps, std::size_t total_steps,
                                         double final_fraction) {
  constexpr const char* where = "kolmo::score::LearningRate::warmup_cosine";
  require(std::isfinite(peak) && peak > 0.0, where, "peak", peak, "a finite learning rate > 0");
  require(warmup_steps < total_steps, where, "warmup_steps", warmup_steps,
          "fewer than total_steps = " + describe_value(total_steps));
  require(final_fraction >= 0.0 && final_fraction <= 1.0, where, "final_fraction", final_fraction, "in [0, 1]");
  const std::string name = "warm-up " + describe_value(warmup_steps) + " + cosine to " + describe_value(total_steps) +
                           ", peak " + describe_value(peak);
  return {name, [=](std::size_t k) {
            if (k < warmup_steps) return peak * static_cast<double>(k + 1) / static_cast<double>(warmup_steps);
            if (k >= total_steps) return final_fraction * peak;
            const double progress =
                static_cast<double>(k - warmup_steps) / static_cast<double>(total_steps - warmup_steps);
            return peak * (final_fraction + (1.0 - final_fraction) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress)));
          }};
}

Adam::Adam(Eigen::Index parameters, AdamOptions options)
    : options_(options),
      first_moment_(Eigen::VectorXd::Zero(parameters)),
      second_moment_(Eigen::VectorXd::Zero(parameters)) {
  constexpr const char* where = "kolmo::score::Adam";
  require(options.beta1 >= 0.0 && options.beta1 < 1.0, where, "options.beta1", options.beta1, "in [0, 1)");
  require(options.beta2 >= 0.0 && options.beta2 < 1.0, where, "options.beta2", options.beta2, "in [0, 1)");
  require(std::isfinite(options.epsilon) && options.epsilon > 0.0, where, "options.epsilon", options.epsilon, "> 0");
}

void Adam::step(Eigen::VectorXd& parameters, const Eigen::VectorXd& gradient, double learning_rate) {
  constexpr const char* where = "kolmo::score::Adam::step";
  require(parameters.size() == first_moment_.size(), where, "parameters", describe_value(parameters.size()) + " values",
          describe_value(first_moment_.size()));
  require(gradient.size() == first_moment_.size(), where, "gradient", describe_value(gradient.size()) + " values",
          describe_value(first_moment_.size()));
  require(std::isfinite(learning_rate) && learning_rate > 0.0, where, "learning_rate", learning_rate, "> 0");
  ++steps_;
  const double b1 = options_.beta1, b2 = options_.beta2;
  first_moment_ = b1 * first_moment_ + (1.0 - b1) * gradient;
  second_moment_ = b2 * second_moment_ + (1.0 - b2) * gradient.cwiseProduct(gradient);
  const double k = static_cast<double>(steps_);
  const double correction1 = 1.0 - std::pow(b1, k), correction2 = 1.0 - std::pow(b2, k);
  parameters.array() -= learning_rate * (first_moment_.array() / correction1) /
                        ((second_moment_.array() / correction2).sqrt() + options_.epsilon);
}

}  // namespace kolmo::score
