#include "kolmo/score/parameterisation.hpp"

#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {
namespace {

struct Coefficients {
  double alpha;
  double sigma;
};

/// α(t), σ(t) for a conversion to or from `parameterisation`: t in [0, T]; σ(t) > 0 unless
/// nothing is converted; α(t) > 0 where x̂_0 must be recovered from the score (`needs_alpha`).
Coefficients coefficients(const process::NoiseSchedule& schedule, double t, Parameterisation parameterisation,
                          bool needs_alpha, const char* where) {
  require_closed_interval(where, "t", t, 0.0, schedule.horizon());
  const Coefficients c{schedule.alpha(t), schedule.sigma(t)};
  // Messages are built only on failure: this runs for every row of a network's batch.
  if (parameterisation == Parameterisation::score || (c.sigma > 0.0 && (!needs_alpha || c.alpha > 0.0))) return c;
  const std::string what = std::string("the ") + to_string(parameterisation) + " parameterisation of " + schedule.name();
  require(c.sigma > 0.0, where, "t", t,
          "a time with sigma(t) > 0 (sigma = " + describe_value(c.sigma) + "): " + what + " is undefined without noise");
  require(c.alpha > 0.0, where, "t", t,
          "a time with alpha(t) > 0 (alpha = " + describe_value(c.alpha) + "): " + what + " needs E[x_0 | x]");
  return c;
}

/// s = ∇log p_t from a prediction (parameterisation.hpp, "and back").
Eigen::ArrayXXd score_from(Parameterisation parameterisation, Coefficients c, const process::StateView& x,
                           Eigen::ArrayXXd prediction) {
  const auto [alpha, sigma] = c;
  switch (parameterisation) {
    case Parameterisation::score: return prediction;
    case Parameterisation::epsilon: return -prediction / sigma;  // s = −ε̂/σ
    case Parameterisation::data: return (alpha * prediction - x) / (sigma * sigma);  // s = (α x̂_0 − x)/σ²
    case Parameterisation::velocity:
      // ε̂ = (σ x + α v̂)/(α² + σ²), s = −ε̂/σ.
      return -(sigma * x + alpha * prediction) / (sigma * (alpha * alpha + sigma * sigma));
  }
  return prediction;
}

/// The prediction in `parameterisation` from s.
Eigen::ArrayXXd prediction_from(Parameterisation parameterisation, Coefficients c, const process::StateView& x,
                                Eigen::ArrayXXd s) {
  const auto [alpha, sigma] = c;
  switch (parameterisation) {
    case Parameterisation::score: return s;
    case Parameterisation::epsilon: return -sigma * s;  // ε̂ = −σ s
    case Parameterisation::data: return (x + sigma * sigma * s) / alpha;  // Tweedie
    case Parameterisation::velocity:
      // v̂ = α ε̂ − σ x̂_0 = −α σ s − σ (x + σ² s)/α = −σ ((α² + σ²) s + x)/α.
      return -sigma * ((alpha * alpha + sigma * sigma) * s + x) / alpha;
  }
  return s;
}

bool needs_alpha_to_predict(Parameterisation parameterisation) {
  return parameterisation == Parameterisation::data || parameterisation == Parameterisation::velocity;
}

}  // namespace

const char* to_string(Parameterisation parameterisation) {
  switch (parameterisation) {
    case Parameterisation::score: return "score";
    case Parameterisation::epsilon: return "epsilon";
    case Parameterisation::data: return "data";
    case Parameterisation::velocity: return "velocity";
  }
  return "unknown";
}

ScoreMap score_map(Parameterisation parameterisation, const process::NoiseSchedule& schedule, double t) {
  const auto [alpha, sigma] = coefficients(schedule, t, parameterisation, false, "kolmo::score::score_map");
  switch (parameterisation) {
    case Parameterisation::score: return {1.0, 0.0};
    case Parameterisation::epsilon: return {-1.0 / sigma, 0.0};
    case Parameterisation::data: return {alpha / (sigma * sigma), -1.0 / (sigma * sigma)};
    case Parameterisation::velocity: {
      const double norm = alpha * alpha + sigma * sigma;
      return {-alpha / (sigma * norm), -1.0 / norm};
    }
  }
  return {};
}

ScoreModel as_score_model(std::string name, std::size_t dimension, Parameterisation parameterisation,
                          process::BatchCoefficient prediction, process::NoiseSchedule schedule) {
  constexpr const char* where = "kolmo::score::as_score_model";
  require(static_cast<bool>(prediction), where, "prediction", std::string_view("an empty function"), "a callable");
  const std::string label = "prediction of " + name;
  auto score = [=](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    const Coefficients c = coefficients(schedule, t, parameterisation, false, where);
    Eigen::ArrayXXd predicted = prediction(t, x);
    require(predicted.rows() == x.rows() && predicted.cols() == x.cols(), where, label,
            describe_value(predicted.rows()) + "x" + describe_value(predicted.cols()),
            "the shape of x, " + describe_value(x.rows()) + "x" + describe_value(x.cols()));
    return score_from(parameterisation, c, x, std::move(predicted));
  };
  return ScoreModel(std::move(name), dimension, std::move(score));
}

Eigen::ArrayXXd predict(const ScoreModel& model, Parameterisation parameterisation,
                        const process::NoiseSchedule& schedule, double t, const process::StateView& x) {
  const Coefficients c =
      coefficients(schedule, t, parameterisation, needs_alpha_to_predict(parameterisation), "kolmo::score::predict");
  return prediction_from(parameterisation, c, x, model.score(t, x));
}

}  // namespace kolmo::score
