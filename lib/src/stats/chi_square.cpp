#include "kolmo/stats/chi_square.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

constexpr double probability_sum_tolerance = 1e-9;

struct Cell {
  double observed = 0.0;
  double expected = 0.0;
};

void require_whole_count(double count, const char* where, const char* parameter) {
  require_non_negative(where, parameter, count);
  require(count == std::floor(count), where, parameter, count, "a whole number (a count)");
}

void validate_options(const ChiSquareOptions& options, const char* where) {
  require_positive(where, "options.minimum_expected", options.minimum_expected);
}

// Probabilities: finite, >= 0, summing to 1 (or to at most 1 with an outside cell).
// Returns the outside probability.
double validate_probabilities(std::span<const double> probabilities, bool outside_cell,
                              const char* where) {
  for (double p : probabilities) require_non_negative(where, "probabilities", p);
  const double sum = std::accumulate(probabilities.begin(), probabilities.end(), 0.0);
  if (outside_cell) {
    require(sum <= 1.0 + probability_sum_tolerance, where, "sum of probabilities", sum,
            "at most 1 (within 1e-9) with an outside cell");
    return std::max(0.0, 1.0 - sum);
  }
  require(std::abs(sum - 1.0) <= probability_sum_tolerance, where, "sum of probabilities", sum,
          "1 within 1e-9 (or set options.outside_cell)");
  return 0.0;
}

// The pooling rule of the header: groups of consecutive cells reaching minimum_expected.
std::vector<Cell> pool(const std::vector<Cell>& cells, double minimum_expected) {
  std::vector<Cell> groups;
  Cell open;
  bool has_open = false;
  for (const Cell& cell : cells) {
    open.observed += cell.observed;
    open.expected += cell.expected;
    has_open = true;
    if (open.expected >= minimum_expected) {
      groups.push_back(open);
      open = Cell{};
      has_open = false;
    }
  }
  if (has_open) {
    if (groups.empty()) {
      groups.push_back(open);
    } else {
      groups.back().observed += open.observed;
      groups.back().expected += open.expected;
    }
  }
  return groups;
}

ChiSquareResult evaluate(const std::vector<Cell>& cells, double total, double outside_probability,
                         const ChiSquareOptions& options) {
  ChiSquareResult result;
  result.cells = cells.size();
  result.total_count = total;
  result.outside_probability = outside_probability;
  const std::vector<Cell> groups = pool(cells, options.minimum_expected);
  result.pooled_cells = groups.size();
  if (groups.size() < options.fitted_parameters + 2) {
    result.status = Status::failure(
        StatusCode::insufficient_data, "all cells",
        describe_value(groups.size()) + " cell(s) after pooling to an expected count of " +
            describe_value(options.minimum_expected) + " leave no degree of freedom with " +
            describe_value(options.fitted_parameters) + " fitted parameter(s)");
    result.statistic = result.p_value = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  result.degrees_of_freedom = groups.size() - 1 - options.fitted_parameters;
  double statistic = 0.0;
  for (const Cell& group : groups) {
    const double difference = group.observed - group.expected;
    statistic += difference * difference / group.expected;
  }
  result.statistic = statistic;
  const boost::math::chi_squared law(static_cast<double>(result.degrees_of_freedom));
  result.p_value = boost::math::cdf(boost::math::complement(law, statistic));
  result.status = Status::success();
  return result;
}

ChiSquareResult test_counts(std::span<const double> counts, std::span<const double> probabilities,
                            const ChiSquareOptions& options, const char* where) {
  require_at_least(where, "counts.size()", counts.size(), 1);
  require(probabilities.size() == counts.size(), where, "probabilities.size()",
          probabilities.size(), "counts.size() = " + describe_value(counts.size()));
  validate_options(options, where);
  for (double c : counts) require_whole_count(c, where, "counts");
  require_whole_count(options.outside_count, where, "options.outside_count");
  require(options.outside_cell || options.outside_count == 0.0, where, "options.outside_count",
          options.outside_count, "0 unless options.outside_cell is set");
  const double outside_probability =
      validate_probabilities(probabilities, options.outside_cell, where);

  const double total = std::accumulate(counts.begin(), counts.end(), 0.0) + options.outside_count;
  require(total > 0.0, where, "total count", total, "> 0");
  std::vector<Cell> cells;
  cells.reserve(counts.size() + 1);
  for (std::size_t i = 0; i < counts.size(); ++i)
    cells.push_back({counts[i], total * probabilities[i]});
  if (options.outside_cell) cells.push_back({options.outside_count, total * outside_probability});
  return evaluate(cells, total, outside_probability, options);
}

}  // namespace

ChiSquareResult chi_square_test(std::span<const double> counts,
                                std::span<const double> probabilities,
                                const ChiSquareOptions& options) {
  return test_counts(counts, probabilities, options, "kolmo::stats::chi_square_test");
}

ChiSquareResult chi_square_test_samples(std::span<const double> samples,
                                        std::span<const double> edges,
                                        std::span<const double> probabilities,
                                        const ChiSquareOptions& options) {
  constexpr const char* where = "kolmo::stats::chi_square_test_samples";
  require_at_least(where, "samples.size()", samples.size(), 1);
  require_at_least(where, "edges.size()", edges.size(), 2);
  require(probabilities.size() + 1 == edges.size(), where, "probabilities.size()",
          probabilities.size(), "edges.size() - 1 = " + describe_value(edges.size() - 1));
  require(options.outside_count == 0.0, where, "options.outside_count", options.outside_count,
          "0 (the samples form counts the outside cell itself)");
  for (double e : edges) require_finite(where, "edges", e);
  for (std::size_t i = 1; i < edges.size(); ++i)
    require(edges[i] > edges[i - 1], where, "edges", edges[i], "strictly increasing edges");

  std::vector<double> counts(probabilities.size(), 0.0);
  double outside = 0.0;
  for (double x : samples) {
    require_finite(where, "samples", x);
    if (x < edges.front() || x > edges.back()) {
      require(options.outside_cell, where, "samples", x,
              "a value inside [edges.front(), edges.back()] (or set options.outside_cell)");
      outside += 1.0;
      continue;
    }
    // Cell i holds [edges[i], edges[i+1]); the right end of the range goes to the last cell.
    const auto above = std::upper_bound(edges.begin(), edges.end(), x);
    const auto cell =
        std::min(static_cast<std::size_t>(above - edges.begin()) - 1, counts.size() - 1);
    counts[cell] += 1.0;
  }
  ChiSquareOptions with_outside = options;
  with_outside.outside_count = outside;
  return test_counts(counts, probabilities, with_outside, where);
}

}  // namespace kolmo::stats
