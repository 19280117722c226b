#include "kolmo/stats/local_orders.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

#include "jackknife.hpp"
#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

constexpr const char* where = "kolmo::stats::local_orders";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

LocalOrders refused(StatusCode code, std::string at, std::string message, std::vector<double> orders) {
  LocalOrders result;
  result.status = Status::failure(code, std::move(at), std::move(message));
  result.orders = std::move(orders);
  result.estimate = result.drift_bound = result.uncertainty_term = result.ratio = result.observed_ratio =
      result.refinement_ratio = nan;
  return result;
}

/// Indices of the points by decreasing h; throws unless the step sizes are distinct.
std::vector<std::size_t> coarse_to_fine(std::span<const double> h, const char* caller) {
  std::vector<std::size_t> order(h.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return h[a] > h[b]; });
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    require(h[order[i]] != h[order[i + 1]], caller, "h", h[order[i]], "distinct step sizes");
  }
  return order;
}

/// The study sorted coarse to fine, after the checks both estimators share; `status` is
/// within_noise at the first error that is not positive.
struct SortedStudy {
  std::vector<std::size_t> order;
  std::vector<double> h, error;
  Status status;
};

SortedStudy sorted_study(std::span<const double> h, std::span<const double> error, const char* caller) {
  require(h.size() >= 3, caller, "h.size()", h.size(), "at least 3 step sizes (two local orders)");
  require(error.size() == h.size(), caller, "error.size()", error.size(), "h.size() = " + describe_value(h.size()));
  for (double value : h) require_positive(caller, "h", value);
  for (double value : error) require_finite(caller, "error", value);
  SortedStudy study;
  study.order = coarse_to_fine(h, caller);
  for (std::size_t i : study.order) {
    study.h.push_back(h[i]);
    study.error.push_back(error[i]);
    if (!(error[i] > 0) && study.status.ok()) {
      study.status = Status::failure(StatusCode::within_noise, "h = " + describe_value(h[i]),
                                     "error " + describe_value(error[i]) +
                                         " is not positive, so its logarithm cannot be taken");
    }
  }
  return study;
}

/// p_k = log(e_k / e_{k+1}) / log(h_k / h_{k+1}) of a study sorted coarse to fine.
double local_order(const std::vector<double>& h, const std::vector<double>& e, std::size_t k) {
  return std::log(e[k] / e[k + 1]) / std::log(h[k] / h[k + 1]);
}

}  // namespace

LocalOrders local_orders(std::span<const double> h, std::span<const double> error, double error_uncertainty) {
  require_non_negative(where, "error_uncertainty", error_uncertainty);
  const SortedStudy study = sorted_study(h, error, where);
  if (!study.status.ok()) return refused(study.status.code, study.status.where, study.status.message, {});

  // Local orders and their uncertainties δ_k, coarsest pair first.
  LocalOrders result;
  std::vector<double> delta;
  const auto relative = [&](std::size_t k) {
    return error_uncertainty / study.error[k] + 4 * std::numeric_limits<double>::epsilon();
  };
  for (std::size_t k = 0; k + 1 < study.h.size(); ++k) {
    result.orders.push_back(local_order(study.h, study.error, k));
    delta.push_back((relative(k) + relative(k + 1)) / std::log(study.h[k] / study.h[k + 1]));
  }
  const std::size_t m = result.orders.size();
  std::vector<double> change;  // change[k] = p_{k+1} − p_k, with its noise level
  std::vector<double> change_noise;
  for (std::size_t k = 0; k + 1 < m; ++k) {
    change.push_back(result.orders[k + 1] - result.orders[k]);
    change_noise.push_back(delta[k] + delta[k + 1]);
  }

  result.estimate = result.orders.back();
  result.uncertainty_term = delta.back();
  result.refinement_ratio = study.h.back() / study.h[study.h.size() - 2];
  result.ratio = result.refinement_ratio;
  result.observed_ratio = nan;
  // The observed ratio of the last two changes (the three finest local orders), where both
  // changes exceed their noise.
  if (change.size() >= 2) {
    const std::size_t k = change.size() - 1;
    if (std::abs(change[k]) > change_noise[k] && std::abs(change[k - 1]) > change_noise[k - 1]) {
      result.observed_ratio = std::abs(change[k] / change[k - 1]);
    }
  }
  if (result.observed_ratio >= 1.0) {
    return refused(StatusCode::not_converged, "the finest local orders",
                   "the local orders do not settle (changes of the last local orders grow, ratio " +
                       describe_value(result.observed_ratio) + "): the study is not in its asymptotic range",
                   result.orders);
  }
  if (result.observed_ratio > result.ratio) result.ratio = result.observed_ratio;
  result.drift_bound = std::abs(change.back()) * result.ratio / (1.0 - result.ratio) + result.uncertainty_term;
  result.status = Status::success();
  return result;
}

namespace {

/// The last local order and its last change, of one set of errors (sorted coarse to fine).
struct Tail {
  double estimate, change;
};

Tail tail_of(const std::vector<double>& h, const std::vector<double>& e) {
  const std::size_t n = h.size();
  const double estimate = local_order(h, e, n - 2);
  return {estimate, estimate - local_order(h, e, n - 3)};
}

std::pair<double, double> drift_ends(const Tail& tail, double rho) {
  const double bound = std::abs(tail.change) * rho / (1.0 - rho);
  return {tail.estimate - bound, tail.estimate + bound};
}

}  // namespace

std::pair<double, double> LocalOrderInterval::interval(double level) const {
  require_open_interval("kolmo::stats::LocalOrderInterval::interval", "level", level, 0.0, 1.0);
  if (!status.ok()) return {nan, nan};
  const boost::math::students_t t_distribution(static_cast<double>(groups - 1));
  const double t = boost::math::quantile(boost::math::complement(t_distribution, 0.5 * (1.0 - level)));
  return {lower_end - t * lower_standard_error, upper_end + t * upper_standard_error};
}

LocalOrderInterval local_order_interval(std::span<const double> h, std::span<const double> error,
                                        const std::vector<std::vector<double>>& group_means,
                                        std::span<const std::size_t> group_sizes,
                                        const std::function<double(double)>& error_of_mean, double correction_order) {
  constexpr const char* interval_where = "kolmo::stats::local_order_interval";
  require_positive(interval_where, "correction_order", correction_order);
  detail::validate_groups(interval_where, h.size(), group_means, group_sizes);
  LocalOrderInterval result;
  result.groups = group_means.size();
  result.correction_order = correction_order;
  result.lower_end = result.upper_end = result.lower_standard_error = result.upper_standard_error = nan;
  result.local.estimate = result.local.drift_bound = result.local.observed_ratio = nan;
  const SortedStudy study = sorted_study(h, error, interval_where);
  result.status = study.status;
  if (!result.status.ok()) return result;
  for (std::size_t k = 0; k + 1 < study.h.size(); ++k) result.local.orders.push_back(local_order(study.h, study.error, k));
  result.local.refinement_ratio = study.h.back() / study.h[study.h.size() - 2];
  const Tail tail = tail_of(study.h, study.error);
  result.local.estimate = tail.estimate;

  const detail::Replicates leave_out = detail::leave_one_group_out(group_means, group_sizes, error_of_mean);
  if (leave_out.unresolved) {
    result.status = detail::unresolved_status(h, leave_out);
    return result;
  }
  std::vector<Tail> tails;
  std::vector<double> e(study.order.size());
  for (const std::vector<double>& replicate : leave_out.errors) {
    for (std::size_t k = 0; k < study.order.size(); ++k) e[k] = replicate[study.order[k]];
    tails.push_back(tail_of(study.h, e));
  }
  // ρ = r^q from theory. The observed ratio of changes is not used: in a Monte Carlo study it is
  // mostly noise, and the jackknife margins below carry what the noise does to the ends.
  const double rho = std::pow(result.local.refinement_ratio, correction_order);
  result.local.ratio = rho;
  std::tie(result.lower_end, result.upper_end) = drift_ends(tail, rho);
  result.local.drift_bound = 0.5 * (result.upper_end - result.lower_end);
  std::vector<double> lower_replicates, upper_replicates;
  for (const Tail& t : tails) {
    const auto [lower, upper] = drift_ends(t, rho);
    lower_replicates.push_back(lower);
    upper_replicates.push_back(upper);
  }
  result.lower_standard_error = detail::jackknife_standard_error(lower_replicates);
  result.upper_standard_error = detail::jackknife_standard_error(upper_replicates);
  return result;
}

}  // namespace kolmo::stats
