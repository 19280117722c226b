#include "kolmo/random/brownian_increments.hpp"

#include <cmath>
#include <vector>

#include "batch_fill.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/philox.hpp"

namespace kolmo::random {
namespace {

constexpr const char* class_name = "kolmo::random::BrownianIncrements";

/// Depth of the summation tree for a group of `count` fine steps: ceil(log2(count)).
std::size_t tree_depth(std::uint64_t count) {
  std::size_t depth = 0;
  while ((std::uint64_t{1} << depth) < count) ++depth;
  return depth;
}

}  // namespace

BrownianIncrements::BrownianIncrements(std::uint64_t seed, double t0, double t1, std::uint64_t fine_steps,
                                       std::size_t dimension, Purpose purpose)
    : seed_(seed), t0_(t0), t1_(t1), fine_steps_(fine_steps), dimension_(dimension), purpose_(purpose) {
  require_finite(class_name, "t0", t0);
  require_finite(class_name, "t1", t1);
  require(t1 != t0, class_name, "t1", t1, "t1 != t0 = " + describe_value(t0));
  require(fine_steps >= 1 && fine_steps - 1 <= max_step, class_name, "fine_steps", fine_steps,
          "between 1 and 2^32");
  require_at_least(class_name, "dimension", dimension, 1);
  // Area normals live at components [dimension, 2 dimension): both halves must be addressable.
  require(dimension <= (max_component + 1) / 2, class_name, "dimension", dimension, "at most 2^31");
  fine_length_ = std::abs(t1 - t0) / static_cast<double>(fine_steps);
  sqrt_fine_dt_ = std::sqrt(fine_length_);
}

std::uint64_t BrownianIncrements::steps(std::uint64_t factor) const {
  require(factor >= 1 && fine_steps_ % factor == 0, "kolmo::random::BrownianIncrements::steps", "factor",
          factor, "a divisor of fine_steps = " + describe_value(fine_steps_));
  return fine_steps_ / factor;
}

double BrownianIncrements::dt(std::uint64_t factor) const {
  return (t1_ - t0_) * (static_cast<double>(factor) / static_cast<double>(fine_steps_));
}

double BrownianIncrements::time(std::uint64_t step, std::uint64_t factor) const {
  const std::uint64_t n = steps(factor);
  require(step <= n, "kolmo::random::BrownianIncrements::time", "step", step,
          "at most steps(factor) = " + describe_value(n));
  if (step == n) return t1_;  // land on the end point exactly, not up to rounding
  return t0_ + (t1_ - t0_) * (static_cast<double>(step) / static_cast<double>(n));
}

void BrownianIncrements::check_step(std::uint64_t step, std::uint64_t factor, const char* where) const {
  // Called on every fill (the ensembles' hot loop): messages are built only on failure.
  if (factor == 0 || fine_steps_ % factor != 0) {
    throw_bad_argument(where, "factor", describe_value(factor), "a divisor of fine_steps = " + describe_value(fine_steps_));
  }
  if (step >= fine_steps_ / factor) {
    throw_bad_argument(where, "step", describe_value(step),
                       "less than steps(factor) = " + describe_value(fine_steps_ / factor));
  }
}

double BrownianIncrements::fine_increment(std::uint64_t path, std::size_t component,
                                          std::uint64_t fine_step) const {
  return sqrt_fine_dt_ * standard_normal({seed_, purpose_, path, fine_step, component});
}

double BrownianIncrements::tree_sum(std::uint64_t path, std::size_t component, std::uint64_t first_fine,
                                    std::uint64_t count) const {
  if (count == 1) return fine_increment(path, component, first_fine);
  const std::uint64_t left = count / 2;
  return tree_sum(path, component, first_fine, left) +
         tree_sum(path, component, first_fine + left, count - left);
}

void BrownianIncrements::check_single(std::uint64_t path, std::size_t component, std::uint64_t step,
                                      std::uint64_t factor, const char* where) const {
  check_step(step, factor, where);
  require(component < dimension_, where, "component", component,
          "less than dimension = " + describe_value(dimension_));
  require(path <= max_path, where, "path", path, "at most 2^49 - 1");
}

double BrownianIncrements::increment(std::uint64_t path, std::size_t component, std::uint64_t step,
                                     std::uint64_t factor) const {
  constexpr const char* where = "kolmo::random::BrownianIncrements::increment";
  check_single(path, component, step, factor, where);
  return tree_sum(path, component, step * factor, factor);
}

BrownianIncrements::IncrementAndArea BrownianIncrements::tree_sum_with_area(
    std::uint64_t path, std::size_t component, std::uint64_t first_fine, std::uint64_t count) const {
  if (count == 1) {
    const double dw = fine_increment(path, component, first_fine);
    const double z = standard_normal({seed_, purpose_, path, first_fine, dimension_ + component});
    return {dw, 0.5 * fine_length_ * (dw + std::sqrt(fine_length_ / 3.0) * z)};
  }
  const std::uint64_t left = count / 2;
  const IncrementAndArea l = tree_sum_with_area(path, component, first_fine, left);
  const IncrementAndArea r = tree_sum_with_area(path, component, first_fine + left, count - left);
  const double right_length = static_cast<double>(count - left) * fine_length_;
  return {l.increment + r.increment, l.area + r.area + right_length * l.increment};
}

double BrownianIncrements::area(std::uint64_t path, std::size_t component, std::uint64_t step,
                                std::uint64_t factor) const {
  constexpr const char* where = "kolmo::random::BrownianIncrements::area";
  check_single(path, component, step, factor, where);
  return tree_sum_with_area(path, component, step * factor, factor).area;
}

// The batch form of tree_sum: the same additions in the same order, a row of paths at a time.
// `scratch` holds one row per remaining tree level for the right-hand partial sums.
void BrownianIncrements::fill_tree_sum(std::size_t component, std::uint64_t first_path,
                                       std::span<double> row, std::uint64_t first_fine,
                                       std::uint64_t count, std::span<double> scratch) const {
  if (count == 1) {
    fill_normals({seed_, purpose_, first_fine, first_path, row.size(), 1, component}, row, sqrt_fine_dt_);
    return;
  }
  const std::uint64_t left = count / 2;
  const std::span<double> right = scratch.first(row.size());
  fill_tree_sum(component, first_path, row, first_fine, left, scratch.subspan(row.size()));
  fill_tree_sum(component, first_path, right, first_fine + left, count - left, scratch.subspan(row.size()));
  for (std::size_t i = 0; i < row.size(); ++i) row[i] += right[i];
}

void BrownianIncrements::fill(std::uint64_t first_path, std::size_t paths, std::uint64_t step,
                              std::uint64_t factor, std::span<double> out, int threads) const {
  constexpr const char* where = "kolmo::random::BrownianIncrements::fill";
  check_step(step, factor, where);
  const BatchAddress batch{seed_, purpose_, step, first_path, paths, dimension_};
  check_batch(batch, out.size(), where);
  require(threads >= 1, where, "threads", threads, "at least 1");

  const std::size_t depth = tree_depth(factor);
  detail::for_each_chunk(batch, out, threads,
                         [&](std::size_t component, std::uint64_t chunk_first, std::span<double> row) {
                           std::vector<double> scratch(depth * row.size());
                           fill_tree_sum(component, chunk_first, row, step * factor, factor, scratch);
                         });
}

// The batch form of tree_sum_with_area; `scratch` holds two rows (increment, area) per level.
void BrownianIncrements::fill_tree_sum_with_area(std::size_t component, std::uint64_t first_path,
                                                 std::span<double> row, std::span<double> area_row,
                                                 std::uint64_t first_fine, std::uint64_t count,
                                                 std::span<double> scratch) const {
  const std::size_t n = row.size();
  if (count == 1) {
    fill_normals({seed_, purpose_, first_fine, first_path, n, 1, component}, row, sqrt_fine_dt_);
    fill_normals({seed_, purpose_, first_fine, first_path, n, 1, dimension_ + component}, area_row,
                 std::sqrt(fine_length_ / 3.0));
    for (std::size_t i = 0; i < n; ++i) area_row[i] = 0.5 * fine_length_ * (row[i] + area_row[i]);
    return;
  }
  const std::uint64_t left = count / 2;
  const std::span<double> right = scratch.first(n);
  const std::span<double> right_area = scratch.subspan(n, n);
  const std::span<double> deeper = scratch.subspan(2 * n);
  fill_tree_sum_with_area(component, first_path, row, area_row, first_fine, left, deeper);
  fill_tree_sum_with_area(component, first_path, right, right_area, first_fine + left, count - left, deeper);
  const double right_length = static_cast<double>(count - left) * fine_length_;
  for (std::size_t i = 0; i < n; ++i) {
    area_row[i] = area_row[i] + right_area[i] + right_length * row[i];
    row[i] += right[i];
  }
}

void BrownianIncrements::fill_with_area(std::uint64_t first_path, std::size_t paths, std::uint64_t step,
                                        std::uint64_t factor, std::span<double> increments,
                                        std::span<double> areas, int threads) const {
  constexpr const char* where = "kolmo::random::BrownianIncrements::fill_with_area";
  check_step(step, factor, where);
  const BatchAddress batch{seed_, purpose_, step, first_path, paths, dimension_};
  check_batch(batch, increments.size(), where);
  require(areas.size() == increments.size(), where, "areas.size()", areas.size(),
          "increments.size() = " + describe_value(increments.size()));
  require(threads >= 1, where, "threads", threads, "at least 1");

  const std::size_t depth = tree_depth(factor);
  detail::for_each_chunk(batch, increments, threads,
                         [&](std::size_t component, std::uint64_t chunk_first, std::span<double> row) {
                           const auto offset = static_cast<std::size_t>(row.data() - increments.data());
                           std::vector<double> scratch(2 * depth * row.size());
                           fill_tree_sum_with_area(component, chunk_first, row, areas.subspan(offset, row.size()),
                                                   step * factor, factor, scratch);
                         });
}

}  // namespace kolmo::random
