#include "kolmo/stats/mmd.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

// Gaussian kernel bound: 0 < k <= K = 1 (the K of Gretton et al. 2012, Theorem 10).
constexpr double kernel_bound = 1.0;

struct GaussianKernel {
  double inverse_two_sigma_squared;
  explicit GaussianKernel(double sigma) : inverse_two_sigma_squared(0.5 / (sigma * sigma)) {}
  [[nodiscard]] double operator()(const Eigen::Ref<const Eigen::VectorXd>& a,
                                  const Eigen::Ref<const Eigen::VectorXd>& b) const {
    return std::exp(-(a - b).squaredNorm() * inverse_two_sigma_squared);
  }
};

// Sum of k over ordered pairs i != j of one sample (columns).
double within_kernel_sum(const Eigen::MatrixXd& a, const GaussianKernel& k) {
  double sum = 0.0;
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (Eigen::Index i = j + 1; i < a.cols(); ++i) sum += k(a.col(i), a.col(j));
  return 2.0 * sum;
}

// Sum of k over all pairs (i, j) across two samples (columns).
double between_kernel_sum(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                          const GaussianKernel& k) {
  double sum = 0.0;
  for (Eigen::Index j = 0; j < b.cols(); ++j)
    for (Eigen::Index i = 0; i < a.cols(); ++i) sum += k(a.col(i), b.col(j));
  return sum;
}

void check_bandwidth(double bandwidth, const char* where) {
  require_positive(where, "bandwidth", bandwidth);
}

}  // namespace

double median_heuristic_bandwidth(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                  const Eigen::Ref<const Eigen::MatrixXd>& y) {
  constexpr const char* where = "kolmo::stats::median_heuristic_bandwidth";
  check_two_samples(x, y, 1, where);
  Eigen::MatrixXd z(x.cols(), x.rows() + y.rows());
  z.leftCols(x.rows()) = x.transpose();
  z.rightCols(y.rows()) = y.transpose();
  std::vector<double> distances;
  distances.reserve(static_cast<std::size_t>(z.cols() * (z.cols() - 1) / 2));
  for (Eigen::Index j = 0; j < z.cols(); ++j)
    for (Eigen::Index i = j + 1; i < z.cols(); ++i)
      distances.push_back((z.col(i) - z.col(j)).norm());
  const std::size_t pairs = distances.size();
  const auto upper = distances.begin() + static_cast<std::ptrdiff_t>(pairs / 2);
  std::nth_element(distances.begin(), upper, distances.end());
  double median = *upper;
  if (pairs % 2 == 0) {
    const double lower = *std::max_element(distances.begin(), upper);
    median = 0.5 * (lower + median);
  }
  require(median > 0.0, where, "median pairwise distance", median,
          "> 0 (more than half of the pooled points coincide; give a bandwidth instead)");
  return median;
}

double mmd_squared_from_blocks(const BlockSums& sums) {
  const double n = static_cast<double>(sums.n), m = static_cast<double>(sums.m);
  return (sums.within_first - sums.trace_first) / (n * (n - 1.0)) +
         (sums.within_second - sums.trace_second) / (m * (m - 1.0)) - 2.0 * sums.between / (n * m);
}

double mmd_squared_unbiased(const Eigen::Ref<const Eigen::MatrixXd>& x,
                            const Eigen::Ref<const Eigen::MatrixXd>& y, double bandwidth) {
  constexpr const char* where = "kolmo::stats::mmd_squared_unbiased";
  check_two_samples(x, y, 2, where);
  check_bandwidth(bandwidth, where);
  const GaussianKernel k(bandwidth);
  const Eigen::MatrixXd a = x.transpose(), b = y.transpose();  // samples as columns
  BlockSums sums;  // diagonals excluded from the within sums, so the traces stay 0
  sums.n = static_cast<std::size_t>(a.cols());
  sums.m = static_cast<std::size_t>(b.cols());
  sums.within_first = within_kernel_sum(a, k);
  sums.within_second = within_kernel_sum(b, k);
  sums.between = between_kernel_sum(a, b, k);
  return mmd_squared_from_blocks(sums);
}

TwoSampleTestResult mmd_permutation_test(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                         const Eigen::Ref<const Eigen::MatrixXd>& y,
                                         double bandwidth, std::uint64_t seed,
                                         std::size_t permutations, double alpha) {
  constexpr const char* where = "kolmo::stats::mmd_permutation_test";
  check_two_samples(x, y, 2, where);
  check_bandwidth(bandwidth, where);
  check_permutation_arguments(permutations, alpha, where);
  const Eigen::MatrixXd kernel_matrix = pooled_matrix(x, y, GaussianKernel(bandwidth), where);
  return permutation_test(kernel_matrix, static_cast<std::size_t>(x.rows()),
                          mmd_squared_from_blocks, seed, permutations, alpha, where);
}

TwoSampleTestResult mmd_bound_test(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                   const Eigen::Ref<const Eigen::MatrixXd>& y, double bandwidth,
                                   double alpha) {
  constexpr const char* where = "kolmo::stats::mmd_bound_test";
  check_two_samples(x, y, 2, where);
  require(y.rows() == x.rows(), where, "y.rows()", y.rows(),
          "x.rows() = " + describe_value(x.rows()) + " (the bound is for equal sample sizes)");
  check_bandwidth(bandwidth, where);
  require_open_interval(where, "alpha", alpha, 0.0, 1.0);

  const GaussianKernel k(bandwidth);
  const Eigen::MatrixXd a = x.transpose(), b = y.transpose();
  const double m = static_cast<double>(a.cols());
  double paired_cross = 0.0;  // sum_i k(x_i, y_i): excluded from the paired U-statistic
  for (Eigen::Index i = 0; i < a.cols(); ++i) paired_cross += k(a.col(i), b.col(i));
  const double h_sum = within_kernel_sum(a, k) + within_kernel_sum(b, k) -
                       2.0 * (between_kernel_sum(a, b, k) - paired_cross);

  TwoSampleTestResult result;
  result.statistic = h_sum / (m * (m - 1.0));
  const double m2 = std::floor(m / 2.0);
  const double scale = 8.0 * kernel_bound * kernel_bound / m2;  // t^2 = scale * log(1/alpha)
  result.threshold = std::sqrt(scale * std::log(1.0 / alpha));
  result.p_value = result.statistic > 0.0
                       ? std::min(1.0, std::exp(-result.statistic * result.statistic / scale))
                       : 1.0;
  result.alpha = alpha;
  result.reject = result.p_value <= alpha;  // <=> statistic >= threshold
  result.permutations = 0;
  result.seed = 0;
  return result;
}

}  // namespace kolmo::stats
