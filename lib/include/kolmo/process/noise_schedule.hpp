#pragma once
// Forward noising processes of diffusion models: linear SDEs
//
//   dX_t = f(t) X_t dt + g(t) dW_t,   t ∈ [0, T],
//
// whose transition from t = 0 is affine in the data (Kingma et al. 2021, "Variational Diffusion
// Models", §2; Song et al. 2021, "Score-Based Generative Modeling through SDEs", App. B):
//
//   X_t | X_0 = x0  ~  N( α(t) x0,  σ(t)² I ),   α(0) = 1, σ(0) = 0.
//
// The two descriptions convert both ways (Kingma et al. 2021, eq. 33; Lu et al. 2022,
// "DPM-Solver", eq. 2.2):
//   (α, σ) → (f, g):  f = d log α/dt,   g² = dσ²/dt − 2 f σ²;
//   (f, g) → (α, σ):  α(t) = exp ∫_0^t f,   σ(t)² = α(t)² ∫_0^t g(s)²/α(s)² ds.
//
// α and σ here are always the exact transition from t = 0, never an approximation:
//   VP (Ho et al. 2020; Song et al. 2021)    α = e^{−½∫β},  σ² = 1 − α² (expm1: exact near 0);
//   VP cosine (Nichol & Dhariwal 2021, eq. 17) ᾱ(t) = cos²(π/2 (t + s)/(1 + s)) / cos²(π/2 s/(1 + s)),
//                                            t ∈ [0, T] with T < 1 since α(1) = 0 (λ = −∞);
//                                            Lu et al. (2022, App. D.2) use T = 0.9946;
//   VE (Song & Ermon 2019; Song et al. 2021)  σ_VE(t) = σ_min (σ_max/σ_min)^{t/T} is the noise
//                                            *level*; the exact transition from a point mass has
//                                            α = 1, σ(t)² = σ_VE(t)² − σ_VE(0)² (Song et al.
//                                            2021, eq. 30), so σ(0) = 0;
//   sub-VP (Song et al. 2021, eq. 11)         α = e^{−½∫β},  σ = 1 − e^{−∫β} (no square root);
//   EDM (Karras et al. 2022, Table 1)         α = 1, σ(t) = t, t ∈ [0, σ_max];
//   general                                   any (α, σ) with derivatives, or any (f, g²) with
//                                            α, σ by numerical integration.
//
// Signal-to-noise ratio SNR = α²/σ² and half log-SNR λ = log(α/σ) (Lu et al. 2022, §3.1) must
// decrease strictly on (0, T]; construction checks this on a fine grid and throws kolmo::Error
// naming the first time where it fails. t_of_lambda inverts λ (closed form where one exists,
// otherwise a bracketed root search to machine precision).

#include <cstddef>
#include <functional>
#include <string>

#include "kolmo/process/sde.hpp"

namespace kolmo::process {

class NoiseSchedule {
 public:
  /// A scalar function of time.
  using TimeFunction = std::function<double(double t)>;

  /// VP with linear β(t) = β_min + (t/T)(β_max − β_min); Song et al. (2021): β_min 0.1, β_max 20.
  static NoiseSchedule vp_linear(double beta_min = 0.1, double beta_max = 20.0, double horizon = 1.0);
  /// VP with constant β: the OU process dX = −½β X dt + √β dW with stationary law N(0, I).
  static NoiseSchedule vp_constant(double beta, double horizon);
  /// VP cosine schedule with offset s (Nichol & Dhariwal 2021: s = 0.008) on [0, T], 0 < T < 1:
  /// α is clipped nowhere, so T must keep α(T) > 0.
  static NoiseSchedule vp_cosine(double offset = 0.008, double horizon = 0.9946);
  /// VE with geometric noise level σ_min (σ_max/σ_min)^{t/T}; Song et al. (2021): 0.01, 50.
  static NoiseSchedule ve_geometric(double sigma_min = 0.01, double sigma_max = 50.0, double horizon = 1.0);
  /// sub-VP with linear β(t), as vp_linear.
  static NoiseSchedule sub_vp(double beta_min = 0.1, double beta_max = 20.0, double horizon = 1.0);
  /// EDM: α = 1, σ(t) = t on [0, σ_max] (Karras et al. 2022: σ_max = 80).
  static NoiseSchedule edm(double sigma_max = 80.0);
  /// Any (α, σ) given with their time derivatives; α(0) must be 1 and σ(0) must be 0.
  static NoiseSchedule from_alpha_sigma(std::string name, TimeFunction alpha, TimeFunction alpha_derivative,
                                        TimeFunction sigma, TimeFunction sigma_derivative, double horizon);
  /// Any (f, g²): α and σ² by integrating (log α, ∫ g²/α²) with Odeint's controlled
  /// Dormand–Prince to ~1e-13 relative (each evaluation integrates from 0; for tests and rare use).
  static NoiseSchedule from_drift_diffusion(std::string name, TimeFunction drift_rate,
                                            TimeFunction diffusion_squared, double horizon);

  [[nodiscard]] const std::string& name() const;
  /// T: the schedule is defined on [0, T].
  [[nodiscard]] double horizon() const;

  [[nodiscard]] double alpha(double t) const;
  [[nodiscard]] double sigma(double t) const;
  /// log α(t), accurate where α is close to 1 or tiny.
  [[nodiscard]] double log_alpha(double t) const;
  /// f(t) = d log α/dt.
  [[nodiscard]] double drift_rate(double t) const;
  /// g(t)² = dσ²/dt − 2 f σ².
  [[nodiscard]] double diffusion_squared(double t) const;
  /// α²/σ² (+∞ at t = 0).
  [[nodiscard]] double snr(double t) const;
  /// λ(t) = log(α/σ) = ½ log SNR (+∞ at t = 0).
  [[nodiscard]] double lambda(double t) const;
  /// The t in (0, T] with λ(t) = lambda; throws kolmo::Error outside [λ(T), +∞).
  [[nodiscard]] double t_of_lambda(double lambda) const;

  /// The forward SDE dX = f(t) X dt + g(t) dW in `dimension` components (additive noise, with
  /// ∇·f = d f(t)), for kolmo::sde::solve and the grid solvers. Declared time-dependent, except
  /// for vp_constant, whose f and g are constants (process/sde.hpp, TimeDependence).
  [[nodiscard]] Sde sde(std::size_t dimension) const;

  // Implementation: each factory fills these (closed forms where they exist).
  struct Functions {
    TimeFunction log_alpha;
    TimeFunction sigma;
    TimeFunction drift_rate;
    TimeFunction diffusion_squared;
    TimeFunction t_of_lambda;  ///< empty: bracketed root search on lambda()
  };
  NoiseSchedule(std::string name, double horizon, Functions functions);

 private:
  std::string name_;
  double horizon_;
  Functions functions_;
  TimeDependence time_dependence_ = TimeDependence::time_dependent;
};

}  // namespace kolmo::process
