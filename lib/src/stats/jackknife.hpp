#pragma once
// The delete-one-group jackknife shared by the Monte Carlo order estimates (order_fit.cpp,
// local_orders.cpp): G disjoint, independent groups of paths, each with the mean of a per-path
// error quantity at every step size; a statistic is recomputed with each group left out, and
//   se² = (G − 1)/G · Σ_g (θ_(g) − θ̄)²          (Quenouille 1956; Efron & Stein 1981).

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "kolmo/core/status.hpp"

namespace kolmo::stats::detail {

/// Throws kolmo::Error naming `where` unless there are at least 2 groups, as many sizes (each
/// ≥ 1) as groups, and `points` means in every group.
void validate_groups(std::string_view where, std::size_t points, const std::vector<std::vector<double>>& group_means,
                     std::span<const std::size_t> group_sizes);

struct Replicates {
  std::vector<std::vector<double>> errors;  ///< errors[g][i]: the error at point i without group g
  /// The first (group, point) whose replicate error is not positive: not resolved above the
  /// noise of one group, so no logarithm exists.
  std::optional<std::pair<std::size_t, std::size_t>> unresolved;
};

/// The within_noise status for replicates.unresolved, naming the step size h[point].
Status unresolved_status(std::span<const double> h, const Replicates& replicates);

/// error_of_mean of the mean over all groups but g, for every g and point.
Replicates leave_one_group_out(const std::vector<std::vector<double>>& group_means,
                               std::span<const std::size_t> group_sizes,
                               const std::function<double(double)>& error_of_mean);

/// The jackknife standard error of a statistic from its G leave-one-out values.
double jackknife_standard_error(const std::vector<double>& replicates);

}  // namespace kolmo::stats::detail
