#include "kolmo/process/discrete_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::process {
namespace {

constexpr const char* where = "kolmo::process::DiscreteSchedule";

std::vector<double> linear_betas(std::size_t steps, double beta_first, double beta_last) {
  constexpr const char* function = "kolmo::process::DiscreteSchedule::linear";
  require_at_least(function, "steps", steps, 2);
  require_open_interval(function, "beta_first", beta_first, 0.0, 1.0);
  require_open_interval(function, "beta_last", beta_last, 0.0, 1.0);
  std::vector<double> betas(steps);
  for (std::size_t i = 0; i < steps; ++i) {
    betas[i] = beta_first + (beta_last - beta_first) * static_cast<double>(i) / static_cast<double>(steps - 1);
  }
  return betas;
}

// Nichol & Dhariwal (2021, eq. 17): ᾱ_i = h(i/N)/h(0), h(u) = cos²(π/2 (u + s)/(1 + s)), and
// β_i = 1 − ᾱ_i/ᾱ_{i−1}, clipped at max_beta to avoid the singularity at i = N.
std::vector<double> cosine_betas(std::size_t steps, double offset, double max_beta) {
  constexpr const char* function = "kolmo::process::DiscreteSchedule::cosine";
  require_at_least(function, "steps", steps, 1);
  require_non_negative(function, "offset", offset);
  require_open_interval(function, "max_beta", max_beta, 0.0, 1.0);
  const auto log_h = [steps, offset](std::size_t i) {
    const double u = static_cast<double>(i) / static_cast<double>(steps);
    return 2.0 * std::log(std::cos(std::numbers::pi / 2.0 * (u + offset) / (1.0 + offset)));
  };
  std::vector<double> betas(steps);
  for (std::size_t i = 1; i <= steps; ++i) {
    const double beta = -std::expm1(log_h(i) - log_h(i - 1));
    betas[i - 1] = std::isnan(beta) ? max_beta : std::min(beta, max_beta);  // cos(π/2) rounds to ~6e-17
  }
  return betas;
}

}  // namespace

DiscreteSchedule DiscreteSchedule::linear(std::size_t steps, double beta_first, double beta_last, double horizon) {
  return DiscreteSchedule(linear_betas(steps, beta_first, beta_last), horizon);
}

DiscreteSchedule DiscreteSchedule::cosine(std::size_t steps, double offset, double max_beta, double horizon) {
  return DiscreteSchedule(cosine_betas(steps, offset, max_beta), horizon);
}

DiscreteSchedule::DiscreteSchedule(std::vector<double> betas, double horizon)
    : betas_(std::move(betas)), horizon_(horizon) {
  require_at_least(where, "betas.size()", betas_.size(), 1);
  require_positive(where, "horizon", horizon);
  log_alpha_bar_.assign(betas_.size() + 1, 0.0);
  for (std::size_t i = 0; i < betas_.size(); ++i) {
    require_open_interval(where, "betas[" + std::to_string(i) + "] (beta_" + std::to_string(i + 1) + ")", betas_[i],
                          0.0, 1.0);
    log_alpha_bar_[i + 1] = log_alpha_bar_[i] + std::log1p(-betas_[i]);
  }
}

double DiscreteSchedule::beta(std::size_t i) const {
  require(i >= 1 && i <= steps(), "kolmo::process::DiscreteSchedule::beta", "i", i,
          "an index in 1.." + std::to_string(steps()));
  return betas_[i - 1];
}

double DiscreteSchedule::alpha_bar(std::size_t i) const {
  require(i <= steps(), "kolmo::process::DiscreteSchedule::alpha_bar", "i", i,
          "an index in 0.." + std::to_string(steps()));
  return std::exp(log_alpha_bar_[i]);
}

double DiscreteSchedule::time_of(std::size_t i) const {
  require(i <= steps(), "kolmo::process::DiscreteSchedule::time_of", "i", i,
          "an index in 0.." + std::to_string(steps()));
  return horizon_ * static_cast<double>(i) / static_cast<double>(steps());
}

std::size_t DiscreteSchedule::index_of(double t) const {
  constexpr const char* function = "kolmo::process::DiscreteSchedule::index_of";
  require_closed_interval(function, "t", t, 0.0, horizon_);
  const double position = t / horizon_ * static_cast<double>(steps());
  const double nearest = std::round(position);
  require(std::abs(position - nearest) <= 1e-9 * static_cast<double>(steps()), function, "t", t,
          "a time t_i = i T / N on the index grid (N = " + std::to_string(steps()) + ")");
  return static_cast<std::size_t>(nearest);
}

// log α piecewise linear through (t_i, ½ log ᾱ_i) (Lu et al. 2022, App. D.1): on segment i,
// i.e. t ∈ [t_{i−1}, t_i], f = d log α/dt = ½ log(1 − β_i) N/T and, since σ² = 1 − α², g² = −2f.
NoiseSchedule DiscreteSchedule::as_continuous() const {
  const auto log_alpha_bar = std::make_shared<const std::vector<double>>(log_alpha_bar_);
  const double n = static_cast<double>(steps());
  const double step = horizon_ / n;
  // The segment holding t (right-continuous, the last segment closed at T).
  const auto segment = [n, step](double t) { return std::clamp(std::floor(t / step), 0.0, n - 1.0); };
  const auto drift_rate = [log_alpha_bar, segment, step](double t) {
    const auto i = static_cast<std::size_t>(segment(t));
    return 0.5 * ((*log_alpha_bar)[i + 1] - (*log_alpha_bar)[i]) / step;
  };
  const auto log_alpha = [log_alpha_bar, segment, step](double t) {
    const double i = segment(t);
    const auto k = static_cast<std::size_t>(i);
    const double weight = t / step - i;
    return 0.5 * ((1.0 - weight) * (*log_alpha_bar)[k] + weight * (*log_alpha_bar)[k + 1]);
  };
  // Invert VP's λ to log α (e^{−2λ} = 1/α² − 1), then the linear piece holding it.
  const auto t_of_lambda = [log_alpha_bar, step](double lambda) {
    const double target = -std::log1p(std::exp(-2.0 * lambda));  // log ᾱ at λ
    const auto& values = *log_alpha_bar;                          // decreasing in i
    const auto after = std::lower_bound(values.begin() + 1, values.end(), target, std::greater<>());
    const auto k = static_cast<std::size_t>(std::min(after, values.end() - 1) - values.begin());
    const double weight = (target - values[k - 1]) / (values[k] - values[k - 1]);
    return (static_cast<double>(k - 1) + weight) * step;
  };
  return NoiseSchedule("ddpm-discrete", horizon_,
                       {.log_alpha = log_alpha,
                        .sigma = [log_alpha](double t) { return std::sqrt(-std::expm1(2.0 * log_alpha(t))); },
                        .drift_rate = drift_rate,
                        .diffusion_squared = [drift_rate](double t) { return -2.0 * drift_rate(t); },
                        .t_of_lambda = t_of_lambda});
}

}  // namespace kolmo::process
