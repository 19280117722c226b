#include "kolmo/stats/order_fit.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "jackknife.hpp"
#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

constexpr const char* where = "kolmo::stats::fit_order";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// An error below this many standard errors is not resolved above its noise (the brief's rule:
// at error = 2 se the delta-method relative error of log(error) is already 1/2).
constexpr double resolution_in_standard_errors = 2.0;

void validate(std::span<const double> h, std::span<const double> error, std::span<const double> se,
              double level) {
  require_at_least(where, "h.size()", h.size(), 1);
  require(error.size() == h.size(), where, "error.size()", error.size(),
          "h.size() = " + describe_value(h.size()));
  require(se.empty() || se.size() == h.size(), where, "error_standard_error.size()", se.size(),
          "0 (unknown variances) or h.size() = " + describe_value(h.size()));
  for (double value : h) require_positive(where, "h", value);
  for (double value : error) require_finite(where, "error", value);
  for (double value : se) require_positive(where, "error_standard_error", value);
  require_open_interval(where, "level", level, 0.0, 1.0);
}

OrderFit refused(StatusCode code, std::string at, std::string message, double level,
                 bool variances_known) {
  OrderFit fit;
  fit.status = Status::failure(code, std::move(at), std::move(message));
  fit.slope = fit.slope_standard_error = fit.ci_lower = fit.ci_upper = nan;
  fit.intercept = fit.chi2 = fit.reduced_chi2 = fit.birge_ratio = nan;
  fit.level = level;
  fit.variances_known = variances_known;
  return fit;
}

// The first point whose error is not resolved: error <= 0, or error < 2 se.
std::optional<std::size_t> first_unresolved(std::span<const double> error,
                                            std::span<const double> se) {
  for (std::size_t i = 0; i < error.size(); ++i) {
    const double floor = se.empty() ? 0.0 : resolution_in_standard_errors * se[i];
    if (!(error[i] > 0.0) || error[i] < floor) return i;
  }
  return std::nullopt;
}

std::string unresolved_message(std::span<const double> h, std::span<const double> error,
                               std::span<const double> se, std::size_t i) {
  std::string message =
      "error " + describe_value(error[i]) + " at step size h = " + describe_value(h[i]);
  if (error[i] <= 0.0) return message + " is not positive, so its logarithm cannot be fitted";
  return message + " is below " + describe_value(resolution_in_standard_errors) +
         " standard errors (se = " + describe_value(se[i]) +
         "): it is not resolved above Monte Carlo noise";
}

struct LineFit {
  double slope, intercept, slope_variance, chi2;
};

// Weighted least squares about the weighted means (no normal-equation cancellation).
LineFit weighted_line(const std::vector<double>& x, const std::vector<double>& y,
                      const std::vector<double>& w) {
  double sw = 0, swx = 0, swy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sw += w[i];
    swx += w[i] * x[i];
    swy += w[i] * y[i];
  }
  const double x_bar = swx / sw, y_bar = swy / sw;
  double s_xx = 0, s_xy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    s_xx += w[i] * (x[i] - x_bar) * (x[i] - x_bar);
    s_xy += w[i] * (x[i] - x_bar) * (y[i] - y_bar);
  }
  LineFit fit{s_xy / s_xx, 0.0, 1.0 / s_xx, 0.0};
  fit.intercept = y_bar - fit.slope * x_bar;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - fit.intercept - fit.slope * x[i];
    fit.chi2 += w[i] * r * r;
  }
  return fit;
}

double two_sided_quantile(double level, std::optional<double> student_dof) {
  const double upper_tail = 0.5 * (1.0 - level);
  if (student_dof) {
    return boost::math::quantile(
        boost::math::complement(boost::math::students_t(*student_dof), upper_tail));
  }
  return boost::math::quantile(boost::math::complement(boost::math::normal(), upper_tail));
}

}  // namespace

OrderFit fit_order(std::span<const double> h, std::span<const double> error,
                   std::span<const double> error_standard_error, double level) {
  const auto& se = error_standard_error;
  validate(h, error, se, level);
  const bool known = !se.empty();
  const std::size_t n = h.size();

  if (const auto bad = first_unresolved(error, se)) {
    return refused(StatusCode::within_noise, "h = " + describe_value(h[*bad]),
                   unresolved_message(h, error, se, *bad), level, known);
  }
  const std::size_t needed = known ? 2 : 3;
  if (n < needed) {
    return refused(StatusCode::insufficient_data, "all points",
                   describe_value(n) + " point(s) given; an order fit needs at least " +
                       describe_value(needed) +
                       (known ? " with standard errors" : " without standard errors"),
                   level, known);
  }
  if (std::all_of(h.begin(), h.end(), [&](double value) { return value == h[0]; })) {
    return refused(StatusCode::insufficient_data, "h = " + describe_value(h[0]),
                   "every point has the same step size; the order is not identifiable", level,
                   known);
  }

  std::vector<double> x(n), y(n), w(n, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = std::log(h[i]);
    y[i] = std::log(error[i]);
    if (known) w[i] = (error[i] / se[i]) * (error[i] / se[i]);  // 1 / var(log e), delta method
  }
  const LineFit line = weighted_line(x, y, w);

  OrderFit fit;
  fit.level = level;
  fit.variances_known = known;
  fit.slope = line.slope;
  fit.intercept = line.intercept;
  fit.points_used = n;
  fit.degrees_of_freedom = n - 2;
  fit.chi2 = line.chi2;
  const double dof = static_cast<double>(fit.degrees_of_freedom);
  fit.reduced_chi2 = fit.degrees_of_freedom > 0 ? line.chi2 / dof : nan;

  double quantile = 0.0;
  if (known) {
    fit.birge_ratio = fit.degrees_of_freedom > 0 ? std::max(1.0, std::sqrt(fit.reduced_chi2)) : 1.0;
    fit.slope_standard_error = std::sqrt(line.slope_variance) * fit.birge_ratio;
    quantile = two_sided_quantile(level, std::nullopt);
  } else {
    fit.birge_ratio = 1.0;
    fit.slope_standard_error = std::sqrt(fit.reduced_chi2 * line.slope_variance);
    quantile = two_sided_quantile(level, dof);
    fit.interval_dof = fit.degrees_of_freedom;
  }
  fit.ci_lower = fit.slope - quantile * fit.slope_standard_error;
  fit.ci_upper = fit.slope + quantile * fit.slope_standard_error;
  fit.status = Status::success();
  return fit;
}

OrderFit fit_order_grouped(std::span<const double> h, std::span<const double> error,
                           std::span<const double> error_standard_error,
                           const std::vector<std::vector<double>>& group_means, std::span<const std::size_t> group_sizes,
                           const std::function<double(double)>& error_of_mean, double level) {
  detail::validate_groups("kolmo::stats::fit_order_grouped", h.size(), group_means, group_sizes);
  OrderFit fit = fit_order(h, error, error_standard_error, level);
  if (!fit.status.ok()) return fit;

  const std::size_t n = h.size();
  std::vector<double> x(n), w(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = std::log(h[i]);
    w[i] = error_standard_error.empty() ? 1.0 : (error[i] / error_standard_error[i]) * (error[i] / error_standard_error[i]);
  }
  const detail::Replicates leave_out = detail::leave_one_group_out(group_means, group_sizes, error_of_mean);
  if (leave_out.unresolved) {
    const Status status = detail::unresolved_status(h, leave_out);
    return refused(status.code, status.where, status.message, level, fit.variances_known);
  }
  std::vector<double> replicates;
  for (const std::vector<double>& e : leave_out.errors) {
    for (std::size_t i = 0; i < n; ++i) y[i] = std::log(e[i]);
    replicates.push_back(weighted_line(x, y, w).slope);
  }
  fit.slope_standard_error = detail::jackknife_standard_error(replicates);
  fit.interval_dof = group_means.size() - 1;
  fit.jackknife_groups = group_means.size();
  std::tie(fit.ci_lower, fit.ci_upper) = order_interval(fit, level);
  return fit;
}

std::pair<double, double> order_interval(const OrderFit& fit, double level) {
  require_open_interval("kolmo::stats::order_interval", "level", level, 0.0, 1.0);
  if (!fit.status.ok()) return {nan, nan};
  const double quantile = two_sided_quantile(
      level, fit.interval_dof > 0 ? std::optional<double>(static_cast<double>(fit.interval_dof)) : std::nullopt);
  return {fit.slope - quantile * fit.slope_standard_error, fit.slope + quantile * fit.slope_standard_error};
}

}  // namespace kolmo::stats
