#pragma once
// How a continuous-time objective draws its times t ∈ [t_min, T] (score/objective.hpp):
//
//   J = ½ ∫ λ(t) L(t) dt = E_{t ~ π} [ ½ λ(t)/π(t) L(t) ],
//
// unbiased for any proposal density π that is positive on [t_min, T]; π only changes the
// variance (Song, Durkan, Murray & Ermon 2021, §4.2; Kingma et al. 2021, App. I).
//
//   uniform           π = 1/(T − t_min).
//   proportional_to   π ∝ h(t), with h a Weighting (score/weighting.hpp). h is tabulated at
//                     `nodes` points spaced geometrically from t_min to T (h typically varies like
//                     1/t near 0) and π is the normalised piecewise-linear interpolant of the
//                     table: it is sampled exactly (inverse CDF, a quadratic per segment) and
//                     evaluated exactly, so the estimator stays unbiased however coarse the
//                     table; the table only decides how close π is to h.
//   likelihood_importance()  π ∝ g²/σ², Song et al. 2021's importance sampling for the
//                     likelihood weighting: with it, λ/π is constant for the ε-loss.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/weighting.hpp"

namespace kolmo::score {

/// A proposal density on [lower, upper], ready to sample: built by TimeSampling::on.
class TimeDensity {
 public:
  [[nodiscard]] double lower() const { return nodes_.front(); }
  [[nodiscard]] double upper() const { return nodes_.back(); }
  /// The t with CDF(t) = u, for u in (0, 1).
  [[nodiscard]] double sample(double u) const;
  /// π(t) for t in [lower, upper] (0 outside).
  [[nodiscard]] double density(double t) const;

 private:
  friend class TimeSampling;
  std::vector<double> nodes_;       ///< t_0 = lower < … < t_M = upper
  std::vector<double> values_;      ///< π at the nodes (normalised)
  std::vector<double> cumulative_;  ///< mass of [t_0, t_k]
};

class TimeSampling {
 public:
  static TimeSampling uniform();
  /// Throws kolmo::Error when nodes < 2.
  static TimeSampling proportional_to(Weighting h, std::size_t nodes = 512);
  static TimeSampling likelihood_importance(std::size_t nodes = 512);

  [[nodiscard]] const std::string& name() const { return name_; }
  /// The density on [t_min, t_max] of `schedule`: 0 ≤ t_min < t_max ≤ T, and for proportional_to
  /// t_min > 0 and h finite and > 0 at every node (else kolmo::Error naming the time).
  [[nodiscard]] TimeDensity on(const process::NoiseSchedule& schedule, double t_min, double t_max) const;

 private:
  TimeSampling(std::string name, std::optional<Weighting> h, std::size_t nodes);
  std::string name_;
  std::optional<Weighting> h_;
  std::size_t nodes_;
};

}  // namespace kolmo::score
