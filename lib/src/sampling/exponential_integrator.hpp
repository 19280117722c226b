#pragma once
// Internal: the pieces every discrete sampler's coefficients are built from. For a schedule
// x_t = α_t x_0 + σ_t ε with half log-SNR λ = log(α/σ), one step runs from s down to t < s with
//
//   h = λ_t − λ_s > 0,   α_t σ_s / (α_s σ_t) = e^h,
//
// and the exact solution of the probability-flow ODE in noise-prediction form is
// (Lu et al. 2022, "DPM-Solver", eq. 3.4)
//
//   x_t = (α_t/α_s) x_s − α_t ∫_{λ_s}^{λ_t} e^{−λ} ε̂(x_λ, λ) dλ,
//
// whose coefficients are written with expm1 so that they keep full relative accuracy for small h
// and stay finite for the last step to σ_t = 0 (h = +∞).

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/process/noise_schedule.hpp"

namespace kolmo::sampling::detail {

/// The two ends of one step s → t of a schedule.
struct StepEnds {
  double s = 0.0, t = 0.0;
  double alpha_s = 0.0, sigma_s = 0.0;
  double alpha_t = 0.0, sigma_t = 0.0;
  double h = 0.0;  ///< λ_t − λ_s; +∞ when σ_t = 0 (the step to the data)

  static StepEnds of(const process::NoiseSchedule& schedule, double s, double t) {
    StepEnds ends{s, t, schedule.alpha(s), schedule.sigma(s), schedule.alpha(t), schedule.sigma(t), 0.0};
    ends.h = ends.sigma_t > 0.0 ? schedule.lambda(t) - schedule.lambda(s) : std::numeric_limits<double>::infinity();
    return ends;
  }
};

/// The ends of every step of a time grid t_0 > t_1 > ... > t_M.
inline std::vector<StepEnds> step_ends(const process::NoiseSchedule& schedule, const std::vector<double>& times) {
  std::vector<StepEnds> steps;
  steps.reserve(times.size() - 1);
  for (std::size_t j = 0; j + 1 < times.size(); ++j) steps.push_back(StepEnds::of(schedule, times[j], times[j + 1]));
  return steps;
}

/// σ_t (e^h − 1): the first-order noise coefficient (Lu et al. 2022, eq. 3.7). Equal to
/// α_t σ_s/α_s − σ_t, the form used at σ_t = 0 where σ_t · (e^∞ − 1) would be 0 · ∞.
inline double noise_coefficient(const StepEnds& step) {
  return step.sigma_t > 0.0 ? step.sigma_t * std::expm1(step.h) : step.alpha_t * step.sigma_s / step.alpha_s;
}

/// 1 − e^{−2h}, the fraction of σ_t² that a step to t leaves as fresh noise in the posterior
/// q(x_t | x_s, x_0) (1 at σ_t = 0).
inline double fresh_noise_fraction(const StepEnds& step) { return -std::expm1(-2.0 * step.h); }

/// The first-order step in noise-prediction form, x_t = (α_t/α_s) x_s − σ_t (e^h − 1) ε̂
/// (Lu et al. 2022, eq. 3.7), the base of every DPM-Solver order.
template <class State, class Epsilon>
[[nodiscard]] Eigen::ArrayXXd first_order_step(const StepEnds& step, const State& x, const Epsilon& epsilon) {
  return (step.alpha_t / step.alpha_s) * x - noise_coefficient(step) * epsilon;
}

/// (e^h − 1)/h − 1 = h φ₂(h) with φ₂(h) = (e^h − 1 − h)/h² (the φ functions of Hochbruck &
/// Ostermann 2010, "Exponential integrators", Acta Numerica 19): the coefficient of the first-difference
/// term of DPM-Solver's higher orders. Below |h| = 1e-2 the direct form would lose ~u/h of
/// relative accuracy to cancellation, so there the Taylor series h Σ_{k≥0} h^k/(k+2)! is summed
/// (6 terms: truncation below 1e-16 relative).
inline double expm1_over_h_minus_one(double h) {
  if (std::abs(h) >= 1e-2) return std::expm1(h) / h - 1.0;
  double term = 0.5, sum = 0.0;  // h^k/(k+2)!
  for (int k = 0; k < 6; ++k) {
    sum += term;
    term *= h / (k + 3);
  }
  return h * sum;
}

/// ((e^h − 1)/h − 1)/h − ½ = h φ₃(h)·h⁰ with φ₃(h) = (e^h − 1 − h − h²/2)/h³: the coefficient of
/// the second-difference term of the third-order multistep updates (Lu et al. 2022b, Alg. 3 and
/// the official implementation's multistep_dpm_solver_third_update). Below |h| = 0.1 the direct
/// form loses ~u/h² of relative accuracy, so there the series Σ_{k≥1} h^k/(k+2)! is summed.
inline double second_difference_coefficient(double h) {
  if (std::abs(h) >= 0.1) return expm1_over_h_minus_one(h) / h - 0.5;
  double term = h / 6.0, sum = 0.0;  // h^k/(k+2)!, k ≥ 1
  for (int k = 1; k < 12; ++k) {
    sum += term;
    term *= h / (k + 3);
  }
  return sum;
}

/// The coefficients of one step s → t of an exponential integrator in either prediction
/// (Lu et al. 2022a, eq. 3.7 and 3.8, for the noise ε̂; Lu et al. 2022b, eq. 9 and 10, for the
/// data x̂_0). Every DPM-Solver update is
///   x_t = decay x_s − first m_s − difference D1 − second_difference D2
/// with the model values m (ε̂ or x̂_0) and their divided differences D1, D2:
///   noise  decay = α_t/α_s,  first = σ_t (e^h − 1),    difference = σ_t ((e^h − 1)/h − 1),
///          second_difference = σ_t (((e^h − 1)/h − 1)/h − ½);
///   data   decay = σ_t/σ_s,  first = α_t (e^{−h} − 1), difference = α_t ((e^{−h} − 1)/(−h) − 1),
///          second_difference = α_t (((e^{−h} − 1)/(−h) − 1)/(−h) − ½),
/// i.e. the data form is the noise form with (α, σ, h) → (σ, α, −h).
struct IntegratorCoefficients {
  double decay = 0.0, first = 0.0, difference = 0.0, second_difference = 0.0;

  static IntegratorCoefficients noise(const StepEnds& step) {
    return {step.alpha_t / step.alpha_s, noise_coefficient(step), step.sigma_t * expm1_over_h_minus_one(step.h),
            step.sigma_t * second_difference_coefficient(step.h)};
  }
  static IntegratorCoefficients data(const StepEnds& step) {
    return {step.sigma_t / step.sigma_s, step.alpha_t * std::expm1(-step.h), step.alpha_t * expm1_over_h_minus_one(-step.h),
            step.alpha_t * second_difference_coefficient(-step.h)};
  }
};

/// The ancestral-noise options both stochastic DPM-Solver++ samplers share: η in [0, 1] (the
/// share of the reverse SDE's noise) and S_noise > 0. Throws kolmo::Error naming the option.
inline void require_ancestral_noise(const char* where, double eta, double noise_inflation) {
  require(std::isfinite(eta) && eta >= 0.0 && eta <= 1.0, where, "eta", eta, "a number in [0, 1]");
  require(std::isfinite(noise_inflation) && noise_inflation > 0.0, where, "noise_inflation", noise_inflation,
          "a finite number > 0");
}

}  // namespace kolmo::sampling::detail
