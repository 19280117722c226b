#pragma once
// Time weightings λ(t) of the continuous-time score-matching objective
//
//   J(θ) = ½ ∫_{t_min}^{T} λ(t) E_{x_0, ε} |s_θ(x_t, t) − ∇log q(x_t | x_0)|² dt,   x_t = α x_0 + σ ε,
//
// written in score space (score/objective.hpp). A model of another parameterisation
// (score/parameterisation.hpp) is trained on the same J through the score it induces, so the
// familiar losses are these weightings:
//
//   sigma_squared   λ = σ(t)²: ½ E|ε̂ − ε|², the ε-matching ("simple") loss of Ho et al. 2020
//                   (eq. 14) and the λ(t) ∝ σ² of Song et al. 2021 ("Score-based generative
//                   modeling through SDEs", eq. 7 and §3.3);
//   likelihood      λ = g(t)²: the likelihood weighting of Song, Durkan, Murray & Ermon 2021
//                   ("Maximum likelihood training of score-based diffusion models", Thm. 1), for
//                   which J bounds KL(p_0 ‖ p_θ) up to a θ-free constant;
//   snr_derivative  λ = w(log SNR(t)) · (−d log SNR/dt) · σ(t)²: the weighted loss of Kingma et
//                   al. 2021 (VDM, eq. 17 in ε form: −½ SNR'(t) |x − x̂|² = ½ (−d log SNR/dt) |ε − ε̂|²)
//                   and Kingma & Gao 2023 (eq. 8) with a weighting w of log SNR; w = 1 is VDM's
//                   continuous loss L_∞. Since −d log SNR/dt = g²/σ² for any affine schedule
//                   (process/noise_schedule.hpp: d log(α/σ)/dt = f − σ'/σ = −g²/(2σ²)), w = 1 IS the
//                   likelihood weighting — one of this header's tested identities;
//   custom          any positive λ(t), named.
//
// λ(t) must be finite and ≥ 0 wherever the objective samples t (t_min > 0 keeps σ > 0).

#include <functional>
#include <string>

#include "kolmo/process/noise_schedule.hpp"

namespace kolmo::score {

class Weighting {
 public:
  using Function = std::function<double(const process::NoiseSchedule& schedule, double t)>;
  /// w(log SNR) of snr_derivative.
  using LogSnrWeight = std::function<double(double log_snr)>;

  static Weighting sigma_squared();
  static Weighting likelihood();
  /// w ≡ 1 when `weight` is empty (VDM's L_∞).
  static Weighting snr_derivative(LogSnrWeight weight = {}, std::string weight_name = "1");
  /// Throws kolmo::Error on an empty name or function.
  static Weighting custom(std::string name, Function lambda);

  [[nodiscard]] const std::string& name() const { return name_; }
  /// λ(t). Throws kolmo::Error naming t when the value is negative or not finite.
  [[nodiscard]] double operator()(const process::NoiseSchedule& schedule, double t) const;

 private:
  Weighting(std::string name, Function lambda);
  std::string name_;
  Function lambda_;
};

}  // namespace kolmo::score
