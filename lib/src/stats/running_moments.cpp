#include "kolmo/stats/running_moments.hpp"

#include <algorithm>
#include <cmath>

#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

constexpr const char* covariance_where = "kolmo::stats::RunningCovariance";

void require_count(std::uint64_t count, std::uint64_t minimum, const char* where) {
  require_at_least(where, "count", count, minimum);
}

}  // namespace

// ---- RunningMoments --------------------------------------------------------------------------

void RunningMoments::add(double x) {
  require_finite("kolmo::stats::RunningMoments::add", "x", x);
  ++count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  // delta * (x - new mean) equals delta^2 (n-1)/n but keeps Welford's cancellation-free form.
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void RunningMoments::add(std::span<const double> samples) {
  for (double x : samples) add(x);
}

RunningMoments RunningMoments::from_sums(std::uint64_t count, double mean, double m2, double min, double max) {
  constexpr const char* where = "kolmo::stats::RunningMoments::from_sums";
  RunningMoments result;
  if (count == 0) return result;
  require_finite(where, "mean", mean);
  require(std::isfinite(m2) && m2 >= 0.0, where, "m2", m2, "finite and non-negative");
  result.count_ = count;
  result.mean_ = mean;
  result.m2_ = m2;
  result.min_ = min;
  result.max_ = max;
  return result;
}

void RunningMoments::merge(const RunningMoments& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double n_a = static_cast<double>(count_);
  const double n_b = static_cast<double>(other.count_);
  const double n = n_a + n_b;
  const double delta = other.mean_ - mean_;
  mean_ += delta * (n_b / n);
  m2_ += other.m2_ + delta * delta * (n_a * n_b / n);
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double RunningMoments::mean() const {
  require_count(count_, 1, "kolmo::stats::RunningMoments::mean");
  return mean_;
}

double RunningMoments::variance() const {
  require_count(count_, 2, "kolmo::stats::RunningMoments::variance");
  return m2_ / static_cast<double>(count_ - 1);
}

double RunningMoments::standard_error() const {
  require_count(count_, 2, "kolmo::stats::RunningMoments::standard_error");
  return std::sqrt(variance() / static_cast<double>(count_));
}

double RunningMoments::min() const {
  require_count(count_, 1, "kolmo::stats::RunningMoments::min");
  return min_;
}

double RunningMoments::max() const {
  require_count(count_, 1, "kolmo::stats::RunningMoments::max");
  return max_;
}

RunningMoments moments_of(std::span<const double> samples) {
  require_at_least("kolmo::stats::moments_of", "samples.size()", samples.size(), 1);
  RunningMoments moments;
  moments.add(samples);
  return moments;
}

// ---- RunningCovariance -----------------------------------------------------------------------

RunningCovariance::RunningCovariance(std::size_t dimension) {
  require_at_least(covariance_where, "dimension", dimension, 1);
  const auto d = static_cast<Eigen::Index>(dimension);
  mean_ = Eigen::VectorXd::Zero(d);
  co_moment_ = Eigen::MatrixXd::Zero(d, d);
  scratch_ = Eigen::VectorXd::Zero(d);
}

void RunningCovariance::add(std::span<const double> x) {
  constexpr const char* where = "kolmo::stats::RunningCovariance::add";
  require(x.size() == dimension(), where, "x.size()", x.size(),
          "the accumulator's dimension " + describe_value(dimension()));
  for (double value : x) require_finite(where, "x", value);
  add_checked(Eigen::Map<const Eigen::VectorXd>(x.data(), static_cast<Eigen::Index>(x.size())));
}

void RunningCovariance::add_rows(const Eigen::Ref<const Eigen::MatrixXd>& samples) {
  constexpr const char* where = "kolmo::stats::RunningCovariance::add_rows";
  require(static_cast<std::size_t>(samples.cols()) == dimension(), where, "samples.cols()",
          samples.cols(), "the accumulator's dimension " + describe_value(dimension()));
  require(samples.allFinite(), where, "samples", "a non-finite entry", "finite entries only");
  for (Eigen::Index i = 0; i < samples.rows(); ++i) add_checked(samples.row(i).transpose());
}

void RunningCovariance::add_checked(const Eigen::Ref<const Eigen::VectorXd>& x) {
  ++count_;
  const double n = static_cast<double>(count_);
  scratch_ = x - mean_;  // delta
  mean_ += scratch_ / n;
  // delta (x - mean_new)^T = (n-1)/n delta delta^T; writing it as u u^T with
  // u = sqrt((n-1)/n) delta keeps the co-moment matrix exactly symmetric.
  scratch_ *= std::sqrt((n - 1.0) / n);
  co_moment_.noalias() += scratch_ * scratch_.transpose();
}

RunningCovariance RunningCovariance::from_sums(std::uint64_t count, const Eigen::VectorXd& mean,
                                                const Eigen::MatrixXd& co_moment) {
  constexpr const char* where = "kolmo::stats::RunningCovariance::from_sums";
  RunningCovariance result(static_cast<std::size_t>(mean.size()));
  require(co_moment.rows() == mean.size() && co_moment.cols() == mean.size(), where, "co_moment size",
          describe_value(co_moment.rows()) + " x " + describe_value(co_moment.cols()),
          "d x d with d = mean.size() = " + describe_value(mean.size()));
  require(mean.allFinite() && co_moment.allFinite(), where, "mean, co_moment", std::string("a non-finite entry"),
          "finite entries only");
  result.count_ = count;
  result.mean_ = mean;
  result.co_moment_ = co_moment;
  return result;
}

void RunningCovariance::merge(const RunningCovariance& other) {
  require(other.dimension() == dimension(), "kolmo::stats::RunningCovariance::merge",
          "other.dimension()", other.dimension(),
          "the accumulator's dimension " + describe_value(dimension()));
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double n_a = static_cast<double>(count_);
  const double n_b = static_cast<double>(other.count_);
  const double n = n_a + n_b;
  const Eigen::VectorXd delta = other.mean_ - mean_;
  mean_ += delta * (n_b / n);
  const Eigen::VectorXd u = std::sqrt(n_a * n_b / n) * delta;
  co_moment_ += other.co_moment_;
  co_moment_.noalias() += u * u.transpose();
  count_ += other.count_;
}

const Eigen::VectorXd& RunningCovariance::mean() const {
  require_count(count_, 1, "kolmo::stats::RunningCovariance::mean");
  return mean_;
}

Eigen::MatrixXd RunningCovariance::covariance() const {
  require_count(count_, 2, "kolmo::stats::RunningCovariance::covariance");
  return co_moment_ / static_cast<double>(count_ - 1);
}

Eigen::VectorXd RunningCovariance::standard_error() const {
  require_count(count_, 2, "kolmo::stats::RunningCovariance::standard_error");
  return (covariance().diagonal() / static_cast<double>(count_)).cwiseSqrt();
}

}  // namespace kolmo::stats
