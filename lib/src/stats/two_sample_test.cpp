#include "kolmo/stats/two_sample_test.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "kolmo/core/validate.hpp"
#include "kolmo/random/draw_address.hpp"
#include "kolmo/random/uniform.hpp"

namespace kolmo::stats {
namespace {

// The largest count c of permuted statistics >= T_obs that still gives (1 + c)/(B + 1) <= alpha,
// evaluated with the same floating-point expression as the p-value so the two always agree;
// -1 when even c = 0 is too many.
long largest_rejecting_count(std::size_t permutations, double alpha) {
  const double denominator = static_cast<double>(permutations) + 1.0;
  auto p_of = [&](long count) { return (1.0 + static_cast<double>(count)) / denominator; };
  long c = static_cast<long>(alpha * denominator) - 1;
  c = std::clamp(c, -1L, static_cast<long>(permutations));
  while (c + 1 <= static_cast<long>(permutations) && p_of(c + 1) <= alpha) ++c;
  while (c >= 0 && p_of(c) > alpha) --c;
  return c;
}

}  // namespace

BlockSums block_sums(const Eigen::MatrixXd& pooled, const Eigen::VectorXd& row_sums,
                     const Eigen::VectorXd& first_indicator) {
  const Eigen::VectorXd r = pooled * first_indicator;  // r_i = sum over the first group of M(i, j)
  const Eigen::VectorXd second_indicator =
      Eigen::VectorXd::Ones(first_indicator.size()) - first_indicator;
  BlockSums sums;
  sums.within_first = first_indicator.dot(r);
  sums.between = second_indicator.dot(r);
  sums.within_second = second_indicator.dot(row_sums - r);
  sums.trace_first = first_indicator.dot(pooled.diagonal());
  sums.trace_second = second_indicator.dot(pooled.diagonal());
  sums.n = static_cast<std::size_t>(first_indicator.sum() + 0.5);
  sums.m = static_cast<std::size_t>(first_indicator.size()) - sums.n;
  return sums;
}

std::vector<std::size_t> random_permutation(std::size_t size, std::uint64_t seed,
                                            std::uint64_t permutation_number) {
  std::vector<std::size_t> order(size);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = 0; i + 1 < size; ++i) {
    const random::DrawAddress address{seed, random::Purpose::resampling, permutation_number, i, 0};
    const auto j = i + static_cast<std::size_t>(random::uniform_index(address, size - i));
    std::swap(order[i], order[j]);
  }
  return order;
}

void check_two_samples(const Eigen::Ref<const Eigen::MatrixXd>& x,
                       const Eigen::Ref<const Eigen::MatrixXd>& y, std::size_t minimum_rows,
                       const char* where) {
  require_at_least(where, "x.rows()", static_cast<std::uint64_t>(x.rows()), minimum_rows);
  require_at_least(where, "y.rows()", static_cast<std::uint64_t>(y.rows()), minimum_rows);
  require_at_least(where, "x.cols()", static_cast<std::uint64_t>(x.cols()), 1);
  require(y.cols() == x.cols(), where, "y.cols()", y.cols(),
          "x.cols() = " + describe_value(x.cols()) + " (same dimension)");
  require(x.allFinite(), where, "x", "a non-finite entry", "finite entries only");
  require(y.allFinite(), where, "y", "a non-finite entry", "finite entries only");
}

Eigen::MatrixXd pooled_matrix(
    const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y,
    const std::function<double(const Eigen::Ref<const Eigen::VectorXd>&,
                               const Eigen::Ref<const Eigen::VectorXd>&)>& f,
    const char* where) {
  check_two_samples(x, y, 1, where);
  // Samples as contiguous columns of a d x N matrix, so each pair reads two short columns.
  Eigen::MatrixXd z(x.cols(), x.rows() + y.rows());
  z.leftCols(x.rows()) = x.transpose();
  z.rightCols(y.rows()) = y.transpose();
  const Eigen::Index total = z.cols();
  Eigen::MatrixXd pooled(total, total);
  for (Eigen::Index j = 0; j < total; ++j) {
    for (Eigen::Index i = j; i < total; ++i) {
      pooled(i, j) = f(z.col(i), z.col(j));
      pooled(j, i) = pooled(i, j);
    }
  }
  return pooled;
}

void check_permutation_arguments(std::size_t permutations, double alpha, const char* where) {
  require_at_least(where, "permutations", permutations, 1);
  require_open_interval(where, "alpha", alpha, 0.0, 1.0);
}

double permutation_threshold(std::vector<double> permuted, double alpha) {
  const long c = largest_rejecting_count(permuted.size(), alpha);
  if (c < 0) return std::numeric_limits<double>::infinity();
  // The (c+1)-th largest value: index B - 1 - c in ascending order.
  const auto index = permuted.size() - 1 - static_cast<std::size_t>(c);
  std::nth_element(permuted.begin(), permuted.begin() + static_cast<std::ptrdiff_t>(index),
                   permuted.end());
  return permuted[index];
}

TwoSampleTestResult permutation_test(const Eigen::MatrixXd& pooled, std::size_t n,
                                     const BlockStatistic& statistic, std::uint64_t seed,
                                     std::size_t permutations, double alpha, const char* where) {
  check_permutation_arguments(permutations, alpha, where);
  const auto total = static_cast<std::size_t>(pooled.rows());
  const Eigen::VectorXd row_sums = pooled.rowwise().sum();

  Eigen::VectorXd indicator = Eigen::VectorXd::Zero(pooled.rows());
  indicator.head(static_cast<Eigen::Index>(n)).setOnes();
  const double observed = statistic(block_sums(pooled, row_sums, indicator));

  std::vector<double> permuted(permutations);
  std::size_t at_least_observed = 0;
  for (std::size_t b = 0; b < permutations; ++b) {
    const std::vector<std::size_t> order = random_permutation(total, seed, b);
    indicator.setZero();
    for (std::size_t i = 0; i < n; ++i) indicator(static_cast<Eigen::Index>(order[i])) = 1.0;
    permuted[b] = statistic(block_sums(pooled, row_sums, indicator));
    if (permuted[b] >= observed) ++at_least_observed;
  }

  TwoSampleTestResult result;
  result.statistic = observed;
  result.p_value =
      (1.0 + static_cast<double>(at_least_observed)) / (static_cast<double>(permutations) + 1.0);
  result.alpha = alpha;
  result.reject = result.p_value <= alpha;
  result.threshold = permutation_threshold(std::move(permuted), alpha);
  result.permutations = permutations;
  result.seed = seed;
  return result;
}

}  // namespace kolmo::stats
