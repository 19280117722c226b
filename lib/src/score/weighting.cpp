#include "kolmo/score/weighting.hpp"

#include <cmath>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {

Weighting::Weighting(std::string name, Function lambda) : name_(std::move(name)), lambda_(std::move(lambda)) {}

Weighting Weighting::sigma_squared() {
  return {"sigma^2", [](const process::NoiseSchedule& schedule, double t) {
            const double sigma = schedule.sigma(t);
            return sigma * sigma;
          }};
}

Weighting Weighting::likelihood() {
  return {"g^2 (likelihood)",
          [](const process::NoiseSchedule& schedule, double t) { return schedule.diffusion_squared(t); }};
}

Weighting Weighting::snr_derivative(LogSnrWeight weight, std::string weight_name) {
  return {"w(log SNR) (-d log SNR/dt) sigma^2, w = " + weight_name,
          [weight = std::move(weight)](const process::NoiseSchedule& schedule, double t) {
            // −d log SNR/dt = −2 dλ/dt = g²/σ² (weighting.hpp), so the weight is w · g².
            const double w = weight ? weight(2.0 * schedule.lambda(t)) : 1.0;
            const double sigma = schedule.sigma(t);
            const double minus_log_snr_rate = schedule.diffusion_squared(t) / (sigma * sigma);
            return w * minus_log_snr_rate * sigma * sigma;
          }};
}

Weighting Weighting::custom(std::string name, Function lambda) {
  constexpr const char* where = "kolmo::score::Weighting::custom";
  require(!name.empty(), where, "name", std::string_view("an empty string"), "a non-empty name");
  require(static_cast<bool>(lambda), where, "lambda", std::string_view("an empty function"), "a callable");
  return {std::move(name), std::move(lambda)};
}

double Weighting::operator()(const process::NoiseSchedule& schedule, double t) const {
  const double value = lambda_(schedule, t);
  if (std::isfinite(value) && value >= 0.0) return value;  // (the message below is built only on failure)
  require(false, "kolmo::score::Weighting", "t", t,
          "a time where the weighting " + name_ + " is finite and >= 0 (it is " + describe_value(value) + ")");
  return value;
}

}  // namespace kolmo::score
