#pragma once
// Energy distance between two d-dimensional samples and its permutation test.
//
// Definition (Székely & Rizzo 2013, "Energy statistics: a class of statistics based on
// distances", J. Stat. Plan. Inference 143, 1249, sec. 2): for X ~ P, Y ~ Q with finite first
// moments
//   E(P, Q) = 2 E|X - Y| - E|X - X'| - E|Y - Y'|  >= 0,  = 0 iff P = Q,
// with |.| the Euclidean norm. The estimator here is the V-statistic (Székely & Rizzo 2004,
// "Testing for equal distributions in high dimension", InterStat; the statistic of R's
// energy::eqdist.etest up to the factor n m / (n + m)):
//   E_{n,m} = 2/(n m) sum_{i,j} |x_i - y_j| - 1/n^2 sum_{i,j} |x_i - x_j| - 1/m^2 sum_{i,j} |y_i -
//   y_j|,
// which is >= 0 for every sample (it is the energy distance of the two empirical laws) and
// biased upward by O(1/n + 1/m). In one dimension it equals 2 int (F_n(t) - G_m(t))^2 dt
// (Székely & Rizzo 2013, sec. 2), which the tests use as an independent check.
//
// The permutation test (machinery and p-value/threshold rules in stats/two_sample_test.hpp)
// rejects equality of the two laws for large E_{n,m}; its threshold is on E_{n,m} itself.
// Cost: O((n + m)^2 d) time for the distance, O((n + m)^2) memory and O(B (n + m)^2) time for
// the test: fine for n + m up to a few thousand.
//
// Contract: x is n x d and y is m x d (one sample per ROW), n, m >= 1, d >= 1, finite
// entries; permutations >= 1, alpha in (0, 1). Misuse throws kolmo::Error.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>

#include "kolmo/stats/two_sample_test.hpp"

namespace kolmo::stats {

/// The V-statistic energy distance E_{n,m} between the rows of x and the rows of y.
[[nodiscard]] double energy_distance(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                     const Eigen::Ref<const Eigen::MatrixXd>& y);

/// E_{n,m} from block sums of the pooled Euclidean distance matrix.
[[nodiscard]] double energy_distance_from_blocks(const BlockSums& sums);

/// Permutation test of P = Q with statistic E_{n,m}; permutations drawn from `seed`.
[[nodiscard]] TwoSampleTestResult energy_test(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                              const Eigen::Ref<const Eigen::MatrixXd>& y,
                                              std::uint64_t seed, std::size_t permutations = 999,
                                              double alpha = 0.05);

}  // namespace kolmo::stats
