#include "kolmo/score/time_sampling.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {

TimeSampling::TimeSampling(std::string name, std::optional<Weighting> h, std::size_t nodes)
    : name_(std::move(name)), h_(std::move(h)), nodes_(nodes) {}

TimeSampling TimeSampling::uniform() { return {"uniform", std::nullopt, 2}; }

TimeSampling TimeSampling::proportional_to(Weighting h, std::size_t nodes) {
  require_at_least("kolmo::score::TimeSampling::proportional_to", "nodes", nodes, 2);
  std::string name = "proportional to " + h.name();
  return {std::move(name), std::move(h), nodes};
}

TimeSampling TimeSampling::likelihood_importance(std::size_t nodes) {
  return proportional_to(Weighting::custom("g^2/sigma^2",
                                           [](const process::NoiseSchedule& schedule, double t) {
                                             const double sigma = schedule.sigma(t);
                                             return schedule.diffusion_squared(t) / (sigma * sigma);
                                           }),
                         nodes);
}

TimeDensity TimeSampling::on(const process::NoiseSchedule& schedule, double t_min, double t_max) const {
  constexpr const char* where = "kolmo::score::TimeSampling::on";
  require_closed_interval(where, "t_max", t_max, 0.0, schedule.horizon());
  if (!(t_min >= 0.0 && t_min < t_max)) {
    require(false, where, "t_min", t_min, "in [0, t_max = " + describe_value(t_max) + ")");
  }
  TimeDensity density;
  if (!h_) {
    density.nodes_ = {t_min, t_max};
    density.values_ = {1.0 / (t_max - t_min), 1.0 / (t_max - t_min)};
    density.cumulative_ = {0.0, 1.0};
    return density;
  }
  require(t_min > 0.0, where, "t_min", t_min, "> 0 for a proposal " + name_ + " (nodes are geometric from t_min)");
  const std::size_t m = nodes_;
  density.nodes_.resize(m);
  density.values_.resize(m);
  const double ratio = std::log(t_max / t_min);
  for (std::size_t k = 0; k < m; ++k) {
    const double t = k + 1 == m ? t_max : t_min * std::exp(ratio * static_cast<double>(k) / static_cast<double>(m - 1));
    const double value = (*h_)(schedule, t);
    require(value > 0.0, where, "t", t, "a time where the proposal's h = " + h_->name() + " is > 0 (it is 0)");
    density.nodes_[k] = t;
    density.values_[k] = value;
  }
  density.cumulative_.assign(m, 0.0);
  for (std::size_t k = 1; k < m; ++k) {
    const double width = density.nodes_[k] - density.nodes_[k - 1];
    density.cumulative_[k] = density.cumulative_[k - 1] + 0.5 * (density.values_[k - 1] + density.values_[k]) * width;
  }
  const double total = density.cumulative_.back();
  for (std::size_t k = 0; k < m; ++k) {
    density.values_[k] /= total;
    density.cumulative_[k] /= total;
  }
  density.cumulative_.back() = 1.0;
  return density;
}

double TimeDensity::sample(double u) const {
  // The segment [t_k, t_k+1] holding mass u, then the quadratic CDF inside it:
  // π_k s + (π_k+1 − π_k) s²/(2Δ) = r, solved as s = 2r / (π_k + √(π_k² + 2 (π_k+1 − π_k) r/Δ))
  // (no cancellation for either sign of the slope).
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(std::max<std::ptrdiff_t>(it - cumulative_.begin(), 1)) - 1,
                                              nodes_.size() - 2);
  const double width = nodes_[k + 1] - nodes_[k];
  const double r = std::max(0.0, u - cumulative_[k]);
  const double a = values_[k], b = values_[k + 1];
  const double s = 2.0 * r / (a + std::sqrt(std::max(0.0, a * a + 2.0 * (b - a) * r / width)));
  return std::clamp(nodes_[k] + s, nodes_[k], nodes_[k + 1]);
}

double TimeDensity::density(double t) const {
  if (!(t >= nodes_.front() && t <= nodes_.back())) return 0.0;
  const auto it = std::upper_bound(nodes_.begin(), nodes_.end(), t);
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(it - nodes_.begin()) - 1, nodes_.size() - 2);
  const double fraction = (t - nodes_[k]) / (nodes_[k + 1] - nodes_[k]);
  return values_[k] + fraction * (values_[k + 1] - values_[k]);
}

}  // namespace kolmo::score
