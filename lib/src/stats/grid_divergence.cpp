#include "kolmo/stats/grid_divergence.hpp"

#include <cmath>
#include <limits>

#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

void validate_density(std::span<const double> p, const char* where, const char* name) {
  require_at_least(where, std::string(name) + ".size()", p.size(), 1);
  for (double value : p) require_non_negative(where, name, value);
}

void validate_pair(std::span<const double> p, std::span<const double> q, double cell_measure,
                   const char* where) {
  validate_density(p, where, "p");
  require(q.size() == p.size(), where, "q.size()", q.size(),
          "p.size() = " + describe_value(p.size()));
  validate_density(q, where, "q");
  require_positive(where, "cell_measure", cell_measure);
}

// Sum of |p - q| over the cells (no measure).
double absolute_difference_sum(std::span<const double> p, std::span<const double> q) {
  double sum = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) sum += std::abs(p[i] - q[i]);
  return sum;
}

}  // namespace

double l1_distance(std::span<const double> p, std::span<const double> q, double cell_measure) {
  validate_pair(p, q, cell_measure, "kolmo::stats::l1_distance");
  return absolute_difference_sum(p, q) * cell_measure;
}

double total_variation(std::span<const double> p, std::span<const double> q, double cell_measure) {
  validate_pair(p, q, cell_measure, "kolmo::stats::total_variation");
  return 0.5 * absolute_difference_sum(p, q) * cell_measure;
}

double kl_divergence(std::span<const double> p, std::span<const double> q, double cell_measure) {
  validate_pair(p, q, cell_measure, "kolmo::stats::kl_divergence");
  double sum = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == 0.0) continue;  // 0 log(0 / q) = 0, including q = 0
    if (q[i] == 0.0) return std::numeric_limits<double>::infinity();
    sum += p[i] * (std::log(p[i]) - std::log(q[i]));  // no overflow of p / q for tiny q
  }
  return sum * cell_measure;
}

double hellinger_distance(std::span<const double> p, std::span<const double> q,
                          double cell_measure) {
  validate_pair(p, q, cell_measure, "kolmo::stats::hellinger_distance");
  double sum = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double difference = std::sqrt(p[i]) - std::sqrt(q[i]);
    sum += difference * difference;
  }
  return std::sqrt(0.5 * sum * cell_measure);
}

double grid_mass(std::span<const double> p, double cell_measure) {
  constexpr const char* where = "kolmo::stats::grid_mass";
  validate_density(p, where, "p");
  require_positive(where, "cell_measure", cell_measure);
  double sum = 0.0;
  for (double value : p) sum += value;
  return sum * cell_measure;
}

}  // namespace kolmo::stats
