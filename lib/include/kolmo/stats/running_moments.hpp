#pragma once
// Running (online) moments: the mean, variance, minimum and maximum of a stream of numbers,
// and the mean vector and covariance matrix of a stream of d-dimensional samples, each in one
// pass and mergeable, so that per-thread or per-chunk accumulators can be combined.
//
// Formulas
//   add (Welford 1962; Knuth TAOCP vol. 2, sec. 4.2.2):
//     n <- n + 1,  delta = x - mean,  mean <- mean + delta / n,  M2 <- M2 + delta (x - mean_new)
//   merge (Chan, Golub & LeVeque 1979, "Updating formulae and a pairwise algorithm for
//   computing sample variances", eq. 2.1b):
//     n = n_a + n_b,  delta = mean_b - mean_a,  mean = mean_a + delta n_b / n,
//     M2 = M2_a + M2_b + delta^2 n_a n_b / n
//   The d-dimensional versions replace delta^2 by the outer product delta delta^T
//   (the covariance "co-moment" form of the same papers).
//   variance = M2 / (n - 1) (unbiased);  standard error of the mean = sqrt(variance / n).
//
// Contract
//   * Samples must be finite: add() throws kolmo::Error on NaN or +-inf (a non-finite Monte
//     Carlo state is a numerical failure the caller reports as a Status before accumulating).
//   * mean(), min(), max() need count >= 1; variance() and standard_error() need count >= 2;
//     asking earlier throws kolmo::Error.
//   * merge() is a pure function of the two states. Floating-point merging is not associative,
//     so the result depends on the merge ORDER: merging the same partition in the same order
//     (e.g. chunk 0, 1, 2, ... regardless of which thread computed which chunk) is bit-for-bit
//     reproducible. Merging one-pass chunks agrees with a single pass to rounding (~1e-15
//     relative for well-conditioned data).

#include <Eigen/Core>
#include <concepts>
#include <cstdint>
#include <limits>
#include <span>

namespace kolmo::stats {

/// Count, mean, unbiased variance, minimum and maximum of a stream of doubles.
class RunningMoments {
 public:
  /// The accumulator whose sums these are (count, mean, M2, min, max, as the accessors give them;
  /// for count 0 the empty accumulator): how a state crosses a process boundary unchanged.
  /// Throws kolmo::Error for a non-finite mean or M2 or a negative M2.
  [[nodiscard]] static RunningMoments from_sums(std::uint64_t count, double mean, double m2, double min, double max);
  /// Accumulates one sample; throws kolmo::Error if `x` is not finite.
  void add(double x);
  /// Accumulates every sample of `samples` in order.
  void add(std::span<const double> samples);
  /// Combines `other` into *this as if its samples had been added here (Chan et al. 1979).
  void merge(const RunningMoments& other);

  [[nodiscard]] std::uint64_t count() const { return count_; }
  /// Sample mean; needs count >= 1.
  [[nodiscard]] double mean() const;
  /// Unbiased sample variance M2 / (n - 1); needs count >= 2.
  [[nodiscard]] double variance() const;
  /// Standard error of the mean, sqrt(variance / n); needs count >= 2.
  [[nodiscard]] double standard_error() const;
  /// Sum of squared deviations from the mean, M2 (0 for count <= 1).
  [[nodiscard]] double sum_of_squared_deviations() const { return m2_; }
  /// Smallest and largest sample; need count >= 1.
  [[nodiscard]] double min() const;
  [[nodiscard]] double max() const;

 private:
  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// Moments of all of `samples` in one pass (throws on an empty span or a non-finite sample).
[[nodiscard]] RunningMoments moments_of(std::span<const double> samples);

/// Mean vector and unbiased covariance matrix of a stream of d-dimensional samples.
/// The co-moment matrix is kept exactly symmetric (each update adds u u^T).
class RunningCovariance {
 public:
  /// An empty accumulator for samples of `dimension` >= 1 components.
  explicit RunningCovariance(std::size_t dimension);
  /// The accumulator whose sums these are — count, mean and co-moment as count(), mean() (zero
  /// for count 0) and co_moment() give them: how a state crosses a process boundary unchanged
  /// (ensemble/distributed.hpp). Throws kolmo::Error for a d × d co-moment that does not match a
  /// mean of d >= 1 components, or a non-finite entry.
  [[nodiscard]] static RunningCovariance from_sums(std::uint64_t count, const Eigen::VectorXd& mean,
                                                   const Eigen::MatrixXd& co_moment);

  /// Accumulates one sample (size dimension(), all finite).
  void add(std::span<const double> x);
  /// Accumulates every row of `samples` (n x d, one sample per row) in row order.
  void add_rows(const Eigen::Ref<const Eigen::MatrixXd>& samples);
  /// Combines `other` (same dimension) into *this (Chan et al. 1979, matrix form).
  void merge(const RunningCovariance& other);

  [[nodiscard]] std::size_t dimension() const { return static_cast<std::size_t>(mean_.size()); }
  [[nodiscard]] std::uint64_t count() const { return count_; }
  /// Mean vector; needs count >= 1.
  [[nodiscard]] const Eigen::VectorXd& mean() const;
  /// Unbiased covariance matrix C / (n - 1); needs count >= 2.
  [[nodiscard]] Eigen::MatrixXd covariance() const;
  /// Standard errors of the mean components, sqrt(diag(covariance) / n); needs count >= 2.
  [[nodiscard]] Eigen::VectorXd standard_error() const;
  /// Co-moment matrix C = sum (x - mean)(x - mean)^T (zero for count <= 1).
  [[nodiscard]] const Eigen::MatrixXd& co_moment() const { return co_moment_; }

 private:
  void add_checked(const Eigen::Ref<const Eigen::VectorXd>& x);

  std::uint64_t count_ = 0;
  Eigen::VectorXd mean_;
  Eigen::MatrixXd co_moment_;
  Eigen::VectorXd scratch_;  // per-sample update vector, kept to avoid an allocation per add
};

/// An accumulator that per-thread or per-chunk copies can be merged into (the contract the SDE
/// ensemble relies on): it counts its samples and merges another of its kind.
template <class A>
concept MergeableAccumulator = std::copyable<A> && requires(A accumulator, const A other) {
  {accumulator.merge(other)};
  { other.count() } -> std::convertible_to<std::uint64_t>;
};
static_assert(MergeableAccumulator<RunningMoments>);
static_assert(MergeableAccumulator<RunningCovariance>);

}  // namespace kolmo::stats
