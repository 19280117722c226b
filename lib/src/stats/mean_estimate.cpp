#include "kolmo/stats/mean_estimate.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <string_view>

#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

// Below this many samples the interval uses Student-t (see the header).
constexpr std::uint64_t student_t_below = 30;

void check_estimate(const MeanEstimate& estimate, std::string_view where, std::string_view name) {
  const std::string prefix(name);
  require_finite(where, prefix + ".mean", estimate.mean);
  require_non_negative(where, prefix + ".standard_error", estimate.standard_error);
  require_at_least(where, prefix + ".count", estimate.count, 2);
}

}  // namespace

MeanEstimate estimate_mean(std::span<const double> samples) {
  require_at_least("kolmo::stats::estimate_mean", "samples.size()", samples.size(), 2);
  return estimate_mean(moments_of(samples));
}

MeanEstimate estimate_mean(const RunningMoments& moments) {
  require_at_least("kolmo::stats::estimate_mean", "moments.count()", moments.count(), 2);
  return {moments.mean(), moments.standard_error(), moments.count()};
}

double critical_value(std::uint64_t count, double level) {
  constexpr const char* where = "kolmo::stats::critical_value";
  require_at_least(where, "count", count, 2);
  require_open_interval(where, "level", level, 0.0, 1.0);
  const double upper_tail = 0.5 * (1.0 - level);
  if (count < student_t_below) {
    const boost::math::students_t t(static_cast<double>(count - 1));
    return boost::math::quantile(boost::math::complement(t, upper_tail));
  }
  return boost::math::quantile(boost::math::complement(boost::math::normal(), upper_tail));
}

ConfidenceInterval confidence_interval(const MeanEstimate& estimate, double level) {
  constexpr const char* where = "kolmo::stats::confidence_interval";
  check_estimate(estimate, where, "estimate");
  require_open_interval(where, "level", level, 0.0, 1.0);
  const double half_width = critical_value(estimate.count, level) * estimate.standard_error;
  return {estimate.mean - half_width, estimate.mean + half_width, level};
}

double z_score(const MeanEstimate& estimate, double expected) {
  constexpr const char* where = "kolmo::stats::z_score";
  check_estimate(estimate, where, "estimate");
  require_finite(where, "expected", expected);
  require_positive(where, "estimate.standard_error", estimate.standard_error);
  return (estimate.mean - expected) / estimate.standard_error;
}

double difference_standard_error(const MeanEstimate& a, const MeanEstimate& b) {
  constexpr const char* where = "kolmo::stats::difference_standard_error";
  check_estimate(a, where, "a");
  check_estimate(b, where, "b");
  return std::hypot(a.standard_error, b.standard_error);
}

double difference_z_score(const MeanEstimate& a, const MeanEstimate& b,
                          double expected_difference) {
  constexpr const char* where = "kolmo::stats::difference_z_score";
  require_finite(where, "expected_difference", expected_difference);
  const double se = difference_standard_error(a, b);
  require_positive(where, "difference_standard_error(a, b)", se);
  return (a.mean - b.mean - expected_difference) / se;
}

}  // namespace kolmo::stats
