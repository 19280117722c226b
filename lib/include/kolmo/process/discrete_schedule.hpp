#pragma once
// The discrete DDPM schedule (Ho et al. 2020, §2): N noise levels β_1, ..., β_N in (0, 1),
//
//   q(x_i | x_{i−1}) = N(√(1 − β_i) x_{i−1}, β_i I),   ᾱ_i = Π_{j ≤ i} (1 − β_j),
//   q(x_i | x_0)     = N(√ᾱ_i x_0, (1 − ᾱ_i) I),       ᾱ_0 = 1 (x_0 is the data).
//
// Index ↔ time, one convention everywhere: index i ∈ {0, ..., N} sits at t_i = i/N · T, so the
// data is i = 0 at t = 0 and the last noise level i = N at t = T (Song et al. 2021, App. B:
// β(t_i) ≈ N β_i / T for the linear schedule; Lu et al. 2022, "DPM-Solver", App. D.1 for the
// discrete-time correspondence). index_of(time_of(i)) == i exactly.
//
// As a continuous schedule (as_continuous): log α is interpolated piecewise linearly in t
// through log α(t_i) = ½ log ᾱ_i (Lu et al. 2022, App. D.1), σ² = 1 − α² (VP). Then
// α(t_i)² = ᾱ_i to rounding, f is constant on each [t_{i−1}, t_i] and g² = −2f there:
//   g²(t) = −N/T · log(1 − β_i) = N β_i/T + O(β_i²),
// which is the continuous VP schedule's β(t) to first order in β.

#include <cstddef>
#include <vector>

#include "kolmo/process/noise_schedule.hpp"

namespace kolmo::process {

class DiscreteSchedule {
 public:
  /// Ho et al. (2020): β linear from beta_1 = 1e-4 to beta_N = 0.02, N = 1000.
  static DiscreteSchedule linear(std::size_t steps = 1000, double beta_first = 1e-4, double beta_last = 0.02,
                                 double horizon = 1.0);
  /// Nichol & Dhariwal (2021, eq. 17): ᾱ_i from the cosine with offset s, β_i = 1 − ᾱ_i/ᾱ_{i−1}
  /// clipped at max_beta (0.999 in the paper).
  static DiscreteSchedule cosine(std::size_t steps = 1000, double offset = 0.008, double max_beta = 0.999,
                                 double horizon = 1.0);
  /// Any β_1..β_N in (0, 1) (throws kolmo::Error naming the first bad index otherwise).
  explicit DiscreteSchedule(std::vector<double> betas, double horizon = 1.0);

  [[nodiscard]] std::size_t steps() const { return betas_.size(); }  ///< N
  [[nodiscard]] double horizon() const { return horizon_; }           ///< T
  /// β_i, i = 1..N.
  [[nodiscard]] double beta(std::size_t i) const;
  /// ᾱ_i, i = 0..N (ᾱ_0 = 1).
  [[nodiscard]] double alpha_bar(std::size_t i) const;
  /// t_i = i T / N.
  [[nodiscard]] double time_of(std::size_t i) const;
  /// The index i with t_i = t; throws kolmo::Error when t is not on the index grid (to 1e-9 T).
  [[nodiscard]] std::size_t index_of(double t) const;

  /// The continuous VP schedule through the discrete levels (header comment).
  [[nodiscard]] NoiseSchedule as_continuous() const;

 private:
  std::vector<double> betas_;
  std::vector<double> log_alpha_bar_;  ///< log ᾱ_i, i = 0..N, summed with log1p
  double horizon_;
};

}  // namespace kolmo::process
