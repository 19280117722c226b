#pragma once
// Two-sample tests on a pooled pairwise matrix, and the permutation machinery shared by the
// energy-distance and MMD tests (stats/energy_distance.hpp, stats/mmd.hpp).
//
// Setting: samples x (n rows) and y (m rows) are pooled as z = [x; y] (N = n + m rows) and a
// symmetric N x N matrix M(i, j) = f(z_i, z_j) is formed once (a distance or a kernel). Both
// statistics are functions of the block sums of M over a split of {0..N-1} into a first group
// of n and a second of m, so a permutation only changes the split; with the indicator s of
// the first group, the block sums come from one matrix-vector product r = M s:
//   within_first = s.r,  between = (1-s).r,  within_second = (1-s).(M 1 - r).
//
// Permutation test (Fisher 1935; Pitman 1937): under H0 (same law) the labels are
// exchangeable. Permutation b = 0..B-1 is a uniformly random permutation of the pooled sample
// drawn by Fisher–Yates (Durstenfeld 1964): for position i = 0..N-2 swap i with
//   i + uniform_index({seed, Purpose::resampling, path = b, step = i, component = 0}, N - i),
// and its first n entries form the first group. Every permutation is a pure function of
// (seed, b): results are reproducible and independent of threading.
//   p-value   = (1 + #{b : T_b >= T_obs}) / (B + 1)   (Phipson & Smyth 2010: never 0, and a
//               valid p-value for random permutations, P(p <= a) <= a under H0);
//   reject    = p-value <= alpha;
//   threshold = the (c+1)-th largest T_b, where c is the largest count with (1 + c)/(B + 1) <=
//               alpha; then reject <=> T_obs > threshold. If alpha < 1/(B + 1) no count is
//               small enough and threshold = +inf (the test can never reject: use more
//               permutations).
// Cost: O(N^2) memory for M and O(B N^2) time; meant for N up to a few thousand.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace kolmo::stats {

/// Result of a two-sample test.
struct TwoSampleTestResult {
  double statistic = 0.0;        ///< the observed statistic T_obs
  double p_value = 1.0;          ///< permutation p-value, or the bound-implied upper bound on it
  double threshold = 0.0;        ///< rejection threshold at level alpha (see each test)
  double alpha = 0.05;           ///< the level the threshold and `reject` refer to
  bool reject = false;           ///< p_value <= alpha
  std::size_t permutations = 0;  ///< B (0 for tests that use no permutations)
  std::uint64_t seed = 0;        ///< seed of the permutations (0 for tests without)
};

/// Sums of a symmetric pooled matrix over the blocks of a split into two groups.
struct BlockSums {
  double within_first = 0.0;   ///< sum over i, j both in the first group (diagonal included)
  double within_second = 0.0;  ///< sum over i, j both in the second group (diagonal included)
  double between = 0.0;        ///< sum over i in the first, j in the second group
  double trace_first = 0.0;    ///< sum of M(i, i) over the first group
  double trace_second = 0.0;   ///< sum of M(i, i) over the second group
  std::size_t n = 0;           ///< size of the first group
  std::size_t m = 0;           ///< size of the second group
};

/// A statistic computed from block sums (e.g. the energy distance or MMD^2_u).
using BlockStatistic = std::function<double(const BlockSums&)>;

/// Block sums of `pooled` (N x N, symmetric) for the first group given by `first_indicator`
/// (N entries, 1 for the first group, 0 for the second). `row_sums` must be pooled * 1.
[[nodiscard]] BlockSums block_sums(const Eigen::MatrixXd& pooled, const Eigen::VectorXd& row_sums,
                                   const Eigen::VectorXd& first_indicator);

/// The b-th random permutation of {0, ..., size-1} for `seed` (Fisher–Yates, addresses above).
[[nodiscard]] std::vector<std::size_t> random_permutation(std::size_t size, std::uint64_t seed,
                                                          std::uint64_t permutation_number);

/// The pooled matrix M(i, j) = f(z_i, z_j) of z = [x; y] (rows are samples); f must be
/// symmetric. Throws kolmo::Error from `where` on empty or non-finite samples or a dimension
/// mismatch.
[[nodiscard]] Eigen::MatrixXd pooled_matrix(
    const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y,
    const std::function<double(const Eigen::Ref<const Eigen::VectorXd>&,
                               const Eigen::Ref<const Eigen::VectorXd>&)>& f,
    const char* where);

/// Checks two sample matrices for a two-sample statistic: at least `minimum_rows` rows each,
/// the same number (>= 1) of columns, finite entries. Throws kolmo::Error from `where`.
void check_two_samples(const Eigen::Ref<const Eigen::MatrixXd>& x,
                       const Eigen::Ref<const Eigen::MatrixXd>& y, std::size_t minimum_rows,
                       const char* where);

/// Checks permutations >= 1 and alpha in (0, 1); throws kolmo::Error from `where`.
void check_permutation_arguments(std::size_t permutations, double alpha, const char* where);

/// Permutation test of the statistic `statistic` on `pooled` (first n rows = first sample).
/// Throws kolmo::Error from `where` unless permutations >= 1 and alpha in (0, 1).
[[nodiscard]] TwoSampleTestResult permutation_test(const Eigen::MatrixXd& pooled, std::size_t n,
                                                   const BlockStatistic& statistic,
                                                   std::uint64_t seed, std::size_t permutations,
                                                   double alpha, const char* where);

/// The threshold rule of the header comment for permuted statistics `permuted` (any order).
[[nodiscard]] double permutation_threshold(std::vector<double> permuted, double alpha);

}  // namespace kolmo::stats
