#include "jackknife.hpp"

#include <cmath>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::stats::detail {

void validate_groups(std::string_view where, std::size_t points, const std::vector<std::vector<double>>& group_means,
                     std::span<const std::size_t> group_sizes) {
  const std::size_t groups = group_means.size();
  require(groups >= 2, where, "group_means.size()", groups, "at least 2 path groups");
  require(group_sizes.size() == groups, where, "group_sizes.size()", group_sizes.size(),
          "group_means.size() = " + describe_value(groups));
  for (std::size_t g = 0; g < groups; ++g) {
    require(group_means[g].size() == points, where, "group_means[" + std::to_string(g) + "].size()",
            group_means[g].size(), "h.size() = " + describe_value(points));
    require(group_sizes[g] > 0, where, "group_sizes[" + std::to_string(g) + "]", group_sizes[g], "at least 1 path");
  }
}

Replicates leave_one_group_out(const std::vector<std::vector<double>>& group_means,
                               std::span<const std::size_t> group_sizes,
                               const std::function<double(double)>& error_of_mean) {
  const std::size_t groups = group_means.size(), points = group_means.front().size();
  std::vector<double> totals(points, 0.0);
  double paths = 0.0;
  for (std::size_t g = 0; g < groups; ++g) {
    const auto size = static_cast<double>(group_sizes[g]);
    paths += size;
    for (std::size_t i = 0; i < points; ++i) totals[i] += size * group_means[g][i];
  }
  Replicates replicates;
  replicates.errors.assign(groups, std::vector<double>(points));
  for (std::size_t g = 0; g < groups; ++g) {
    const auto size = static_cast<double>(group_sizes[g]);
    for (std::size_t i = 0; i < points; ++i) {
      const double e = error_of_mean((totals[i] - size * group_means[g][i]) / (paths - size));
      replicates.errors[g][i] = e;
      if (!(e > 0) && !replicates.unresolved) replicates.unresolved = std::pair{g, i};
    }
  }
  return replicates;
}

Status unresolved_status(std::span<const double> h, const Replicates& replicates) {
  const auto [g, i] = *replicates.unresolved;
  return Status::failure(StatusCode::within_noise, "h = " + describe_value(h[i]),
                         "the error without path group " + std::to_string(g) + " is " +
                             describe_value(replicates.errors[g][i]) + ": not resolved above the noise of one group");
}

double jackknife_standard_error(const std::vector<double>& replicates) {
  const auto g = static_cast<double>(replicates.size());
  double mean = 0.0;
  for (double value : replicates) mean += value / g;
  double spread = 0.0;
  for (double value : replicates) spread += (value - mean) * (value - mean);
  return std::sqrt((g - 1) / g * spread);
}

}  // namespace kolmo::stats::detail
