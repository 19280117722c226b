#pragma once
// Maximum mean discrepancy (MMD) with a Gaussian kernel: the unbiased estimate of MMD^2, its
// permutation test, and the distribution-free large-deviation bound test.
//
// Kernel: k(a, b) = exp(-|a - b|^2 / (2 sigma^2)), sigma = `bandwidth` > 0; 0 < k <= K = 1.
// Median heuristic (Gretton et al. 2012, sec. 8): sigma = median of |z_i - z_j| over all pairs
// i < j of the pooled sample z = [x; y] (for an even number of pairs, the mean of the two
// middle values). It depends on the pooled sample only, so it is permutation-invariant and
// may be used inside the permutation test.
//
// Statistics (Gretton, Borgwardt, Rasch, Schölkopf & Smola 2012, "A kernel two-sample test",
// JMLR 13, 723):
//   MMD^2_u (Lemma 6, eq. 3; any n, m >= 2), unbiased for MMD^2:
//     1/(n(n-1)) sum_{i!=j} k(x_i,x_j) + 1/(m(m-1)) sum_{i!=j} k(y_i,y_j) - 2/(n m) sum_{i,j}
//     k(x_i,y_j).
//   Paired form (Lemma 6 for n = m, the U-statistic in h(z_i, z_j) = k(x_i,x_j) + k(y_i,y_j)
//   - k(x_i,y_j) - k(x_j,y_i)): 1/(m(m-1)) sum_{i!=j} h(z_i, z_j); it pairs x_i with y_i, so it
//   depends on the order of the rows. The bound test uses it because Theorem 10 is stated for it.
//
// Tests
//   * mmd_permutation_test: MMD^2_u with the permutation machinery of stats/two_sample_test.hpp.
//   * mmd_bound_test (n = m required): Theorem 10 gives, under H0 and for 0 <= k <= K,
//       P(MMD^2_u - MMD^2 > t) <= exp(-t^2 m_2 / (8 K^2)),   m_2 = floor(m / 2),
//     so the level-alpha threshold is t_alpha = sqrt(8 K^2 log(1/alpha) / m_2) (Corollary 11:
//     4 K sqrt(log(1/alpha) / m) for even m), reject iff statistic >= t_alpha, and the
//     reported p_value is the bound exp(-T^2 m_2 / (8 K^2)) (1 for T <= 0): an UPPER bound on
//     the true p-value. Distribution-free and valid at any m, but very conservative (it needs
//     MMD^2 of order 1/sqrt(m) to reject); prefer the permutation test for power.
//
// Cost: O((n + m)^2 d) per statistic, O((n + m)^2) memory and O(B (n + m)^2) time for the
// permutation test: fine for n + m up to a few thousand.
// Contract: x is n x d, y is m x d (one sample per ROW), finite, n, m >= 2, bandwidth > 0,
// permutations >= 1, alpha in (0, 1). Misuse throws kolmo::Error.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>

#include "kolmo/stats/two_sample_test.hpp"

namespace kolmo::stats {

/// Median pairwise Euclidean distance of the pooled sample [x; y] (needs n + m >= 2 rows and a
/// positive median).
[[nodiscard]] double median_heuristic_bandwidth(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                const Eigen::Ref<const Eigen::MatrixXd>& y);

/// Unbiased MMD^2_u (Lemma 6) with the Gaussian kernel of width `bandwidth`.
[[nodiscard]] double mmd_squared_unbiased(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                          const Eigen::Ref<const Eigen::MatrixXd>& y,
                                          double bandwidth);

/// MMD^2_u from block sums of a pooled kernel matrix.
[[nodiscard]] double mmd_squared_from_blocks(const BlockSums& sums);

/// Permutation test of P = Q with statistic MMD^2_u; permutations drawn from `seed`.
[[nodiscard]] TwoSampleTestResult mmd_permutation_test(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                       const Eigen::Ref<const Eigen::MatrixXd>& y,
                                                       double bandwidth, std::uint64_t seed,
                                                       std::size_t permutations = 999,
                                                       double alpha = 0.05);

/// Bound test of Gretton et al. (2012), Theorem 10 / Corollary 11, on the paired MMD^2_u
/// (x and y must have the same number of rows). permutations and seed are 0 in the result.
[[nodiscard]] TwoSampleTestResult mmd_bound_test(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                 const Eigen::Ref<const Eigen::MatrixXd>& y,
                                                 double bandwidth, double alpha = 0.05);

}  // namespace kolmo::stats
