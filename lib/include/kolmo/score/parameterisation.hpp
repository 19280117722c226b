#pragma once
// The four equivalent outputs of a denoising model under x_t = α x_0 + σ ε
// (process/noise_schedule.hpp), as exact identities of posterior means:
//
//   score      s   = ∇log p_t(x)
//   epsilon    ε̂   = E[ε | x]   = −σ s                         (Ho et al. 2020; Song et al. 2021, eq. 4)
//   data       x̂_0 = E[x_0 | x] = (x + σ² s)/α                 (Tweedie; Efron 2011)
//   velocity   v̂   = α ε̂ − σ x̂_0                              (Salimans & Ho 2022, App. D)
//
// and back: s = −ε̂/σ = (α x̂_0 − x)/σ²; from v̂ (solving x = α x̂_0 + σ ε̂, v̂ = α ε̂ − σ x̂_0):
// ε̂ = (σ x + α v̂)/(α² + σ²), x̂_0 = (α x − σ v̂)/(α² + σ²).
//
// Adapters wrap a model of one parameterisation as a ScoreModel, and convert a ScoreModel's
// output to the others at (t, x). Every conversion needs σ(t) > 0 (and α(t) > 0 for x̂_0):
// evaluating at t = 0 throws kolmo::Error naming t — samplers stop at t_min > 0.

#include <Eigen/Core>
#include <string>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

enum class Parameterisation { score, epsilon, data, velocity };

[[nodiscard]] const char* to_string(Parameterisation parameterisation);

/// A model that predicts `parameterisation` (n × d from (t, x)) as a ScoreModel.
[[nodiscard]] ScoreModel as_score_model(std::string name, std::size_t dimension, Parameterisation parameterisation,
                                        process::BatchCoefficient prediction, process::NoiseSchedule schedule);

/// The affine map from a prediction to the score at t, s = scale · prediction + shift · x
/// (the "and back" formulas above): score (1, 0), ε (−1/σ, 0), x̂_0 (α/σ², −1/σ²),
/// v̂ (−α/(σ(α² + σ²)), −1/(α² + σ²)). Throws as the adapters do (σ(t) > 0 unless score).
struct ScoreMap {
  double scale = 1.0;
  double shift = 0.0;
};
[[nodiscard]] ScoreMap score_map(Parameterisation parameterisation, const process::NoiseSchedule& schedule, double t);

/// The model's prediction in `parameterisation` at (t, x): one score evaluation.
[[nodiscard]] Eigen::ArrayXXd predict(const ScoreModel& model, Parameterisation parameterisation,
                                      const process::NoiseSchedule& schedule, double t, const process::StateView& x);

}  // namespace kolmo::score
