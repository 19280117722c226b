#pragma once
// A Monte Carlo estimate of a mean with its standard error, confidence intervals and z-scores.
//
// Formulas
//   standard error of the mean: se = s / sqrt(n), s^2 the unbiased sample variance.
//   confidence interval at level L: mean -+ c se, with the critical value
//     c = t_{n-1}^{-1}((1 + L) / 2)   (Student 1908; exact for normal samples)  when n < 30,
//     c = Phi^{-1}((1 + L) / 2)       (central limit theorem)                   when n >= 30.
//   The switch at n = 30 is the textbook convention (e.g. Wasserman, "All of Statistics", 6.3):
//   below it the normal quantile visibly under-covers (t_{0.975, 9} = 2.262 vs 1.960), above it
//   the two differ by less than 5% (t_{0.975, 29} = 2.045) and the CLT error of a skewed Monte
//   Carlo average is the larger concern anyway. critical_value() exposes the rule.
//   z-score: z = (mean - expected) / se.
//   difference of independent estimates: se(a - b) = sqrt(se_a^2 + se_b^2).
//
// Contract
//   A MeanEstimate is valid when mean is finite, standard_error is finite and >= 0 and
//   count >= 2; every function here throws kolmo::Error on an invalid one, on a level outside
//   (0, 1), and z-scores need standard_error > 0.

#include <cstdint>
#include <span>

#include "kolmo/stats/running_moments.hpp"

namespace kolmo::stats {

/// A sample mean with its standard error.
struct MeanEstimate {
  double mean = 0.0;            ///< sample mean
  double standard_error = 0.0;  ///< standard error of the mean, s / sqrt(count)
  std::uint64_t count = 0;      ///< number of samples behind the estimate
};

/// A two-sided confidence interval [lower, upper] with coverage `level`.
struct ConfidenceInterval {
  double lower = 0.0;
  double upper = 0.0;
  double level = 0.0;  ///< nominal coverage, e.g. 0.95

  [[nodiscard]] bool contains(double value) const { return lower <= value && value <= upper; }
  [[nodiscard]] double width() const { return upper - lower; }
};

/// Mean and standard error of `samples` (at least 2, all finite).
[[nodiscard]] MeanEstimate estimate_mean(std::span<const double> samples);
/// Mean and standard error from an accumulator holding at least 2 samples.
[[nodiscard]] MeanEstimate estimate_mean(const RunningMoments& moments);

/// Two-sided critical value for a mean of `count` samples at `level` (see the rule above):
/// Student-t with count - 1 degrees of freedom below 30 samples, standard normal from 30 on.
[[nodiscard]] double critical_value(std::uint64_t count, double level);

/// mean -+ critical_value(count, level) * standard_error.
[[nodiscard]] ConfidenceInterval confidence_interval(const MeanEstimate& estimate,
                                                     double level = 0.95);

/// (mean - expected) / standard_error; needs standard_error > 0.
[[nodiscard]] double z_score(const MeanEstimate& estimate, double expected);

/// Standard error of a - b for independent estimates: sqrt(se_a^2 + se_b^2).
[[nodiscard]] double difference_standard_error(const MeanEstimate& a, const MeanEstimate& b);

/// z-score of the difference of independent estimates against `expected_difference`:
/// (a.mean - b.mean - expected_difference) / difference_standard_error(a, b).
[[nodiscard]] double difference_z_score(const MeanEstimate& a, const MeanEstimate& b,
                                        double expected_difference = 0.0);

}  // namespace kolmo::stats
