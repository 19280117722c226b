#include "kolmo/stats/energy_distance.hpp"

#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

// Sum over all ordered pairs (i, j) of |a_i - b_j|, samples as columns.
double distance_sum(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  double sum = 0.0;
  for (Eigen::Index j = 0; j < b.cols(); ++j)
    for (Eigen::Index i = 0; i < a.cols(); ++i) sum += (a.col(i) - b.col(j)).norm();
  return sum;
}

// Sum over ordered pairs within one sample: twice the sum over i < j (the diagonal is 0).
double within_distance_sum(const Eigen::MatrixXd& a) {
  double sum = 0.0;
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (Eigen::Index i = j + 1; i < a.cols(); ++i) sum += (a.col(i) - a.col(j)).norm();
  return 2.0 * sum;
}

}  // namespace

double energy_distance_from_blocks(const BlockSums& sums) {
  const double n = static_cast<double>(sums.n), m = static_cast<double>(sums.m);
  return 2.0 * sums.between / (n * m) - sums.within_first / (n * n) - sums.within_second / (m * m);
}

double energy_distance(const Eigen::Ref<const Eigen::MatrixXd>& x,
                       const Eigen::Ref<const Eigen::MatrixXd>& y) {
  check_two_samples(x, y, 1, "kolmo::stats::energy_distance");
  const Eigen::MatrixXd a = x.transpose(), b = y.transpose();  // samples as columns
  BlockSums sums;
  sums.n = static_cast<std::size_t>(a.cols());
  sums.m = static_cast<std::size_t>(b.cols());
  sums.between = distance_sum(a, b);
  sums.within_first = within_distance_sum(a);
  sums.within_second = within_distance_sum(b);
  return energy_distance_from_blocks(sums);
}

TwoSampleTestResult energy_test(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                const Eigen::Ref<const Eigen::MatrixXd>& y, std::uint64_t seed,
                                std::size_t permutations, double alpha) {
  constexpr const char* where = "kolmo::stats::energy_test";
  check_permutation_arguments(permutations, alpha, where);
  const Eigen::MatrixXd distances = pooled_matrix(
      x, y,
      [](const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b) {
        return (a - b).norm();
      },
      where);
  return permutation_test(distances, static_cast<std::size_t>(x.rows()),
                          energy_distance_from_blocks, seed, permutations, alpha, where);
}

}  // namespace kolmo::stats
