#include "kolmo/compare/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <utility>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/stats/chi_square.hpp"
#include "kolmo/stats/energy_distance.hpp"
#include "kolmo/stats/grid_divergence.hpp"
#include "kolmo/stats/ks_test.hpp"
#include "kolmo/stats/mmd.hpp"

namespace kolmo::compare {
namespace {

constexpr const char* compare_name = "kolmo::compare::compare";

/// Three significant digits: enough for a sentence that states an assumption.
std::string short_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

/// A Comparison with nothing to test: status insufficient_data, p-value NaN.
Comparison refused(std::string test, std::size_t left_out, std::string why) {
  Comparison c;
  c.status = Status::failure(StatusCode::insufficient_data, "compare", std::move(why));
  c.test = std::move(test);
  c.statistic = std::numeric_limits<double>::quiet_NaN();
  c.p_value = std::numeric_limits<double>::quiet_NaN();
  c.left_out = left_out;
  return c;
}

void require_dimension(const Eigen::ArrayXXd& samples, std::size_t dimension, const char* reference) {
  require(samples.cols() == static_cast<Eigen::Index>(dimension), compare_name, "samples.cols()", samples.cols(),
          "the " + std::string(reference) + "'s dimension " + describe_value(dimension));
}

void require_options(const SampleTestOptions& o) {
  require(std::isfinite(o.grid_error) && o.grid_error >= 0.0, compare_name, "options.grid_error", o.grid_error,
          "a finite L1 error bound >= 0");
  require_at_least(compare_name, "options.reference_draws", o.reference_draws, 2);
  require_at_least(compare_name, "options.permutations", o.permutations, 1);
  require_at_least(compare_name, "options.max_samples", o.max_samples, 2);
}

/// KS of 1-D finite samples against a CDF, with the error-bound shift of the header comment.
Comparison kolmogorov_smirnov(const FiniteRows& x, const distribution::Law::Cdf& cdf, double grid_error,
                              const std::string& reference) {
  if (x.rows.rows() == 0) return refused("kolmogorov-smirnov", x.left_out, "no finite samples");
  std::vector<double> sorted(x.rows.data(), x.rows.data() + x.rows.rows());
  std::sort(sorted.begin(), sorted.end());
  const Eigen::ArrayXd values = cdf(Eigen::Map<const Eigen::ArrayXd>(sorted.data(), x.rows.rows()));
  const stats::KsResult ks = stats::ks_one_sample_from_cdf_values({values.data(), static_cast<std::size_t>(values.size())});
  Comparison c;
  c.test = "kolmogorov-smirnov";
  c.statistic = ks.statistic;
  c.samples = ks.n;
  c.left_out = x.left_out;
  c.assumed_error = grid_error;
  c.p_value = grid_error > 0.0 ? stats::ks_p_value(std::max(0.0, ks.statistic - 0.5 * grid_error), ks.n) : ks.p_value;
  c.assumption = grid_error > 0.0
                     ? "i.i.d. samples from a law within L1 distance " + short_number(grid_error) + " of the " + reference +
                           " (p-value at D - " + short_number(0.5 * grid_error) + ")"
                     : "i.i.d. samples, the " + reference + " exact";
  return c;
}

/// Energy-distance permutation test of finite samples against exact draws of `reference`.
Comparison energy(const FiniteRows& x, const distribution::Law& reference, const SampleTestOptions& o,
                  const std::string& what) {
  if (x.rows.rows() < 2) return refused("energy-distance", x.left_out, "fewer than 2 finite samples");
  const Eigen::Index n = std::min<Eigen::Index>(x.rows.rows(), static_cast<Eigen::Index>(o.max_samples));
  const Eigen::MatrixXd draws = reference.sample(o.seed, 0, o.reference_draws).matrix();
  const stats::TwoSampleTestResult test =
      stats::energy_test(x.rows.topRows(n).matrix(), draws, o.seed, o.permutations);
  Comparison c;
  c.test = "energy-distance";
  c.statistic = test.statistic;
  c.p_value = test.p_value;
  c.samples = static_cast<std::size_t>(n);
  c.left_out = x.left_out;
  c.assumption = "i.i.d. samples; the " + what + " exact (" + std::to_string(o.reference_draws) + " exact draws at seed " +
                 std::to_string(o.seed) + ", " + std::to_string(o.permutations) + " permutations)";
  return c;
}

/// Pearson's test of the samples' cell counts (and the count outside the grid) against the
/// field's cell masses.
Comparison chi_square(const FiniteRows& x, const pde::DensityField& field, double minimum_expected) {
  if (x.rows.rows() == 0) return refused("chi-square", x.left_out, "no finite samples");
  const pde::Grid& grid = field.grid();
  std::vector<double> counts(grid.cells(), 0.0), probabilities(grid.cells());
  double outside = 0.0;
  for (Eigen::Index r = 0; r < x.rows.rows(); ++r) {
    const std::optional<std::size_t> cell = grid.cell_of(x.rows, r);
    (cell ? counts[*cell] : outside) += 1.0;
  }
  double total = 0.0;
  for (std::size_t i = 0; i < grid.cells(); ++i) {
    total += probabilities[i] = std::max(field.values()[static_cast<Eigen::Index>(i)], 0.0) * grid.cell_measure();
  }
  for (double& p : probabilities) p /= std::max(total, 1.0);  // a mass above 1 by round-off, scaled back
  const stats::ChiSquareResult test = stats::chi_square_test(
      counts, probabilities, {.minimum_expected = minimum_expected, .outside_cell = true, .outside_count = outside});
  Comparison c;
  c.status = test.status;
  c.test = "chi-square";
  c.statistic = test.statistic;
  c.p_value = test.p_value;
  c.samples = static_cast<std::size_t>(x.rows.rows());
  c.left_out = x.left_out;
  c.degrees_of_freedom = test.degrees_of_freedom;
  c.assumption = "i.i.d. samples; the grid's cell masses exact (" + std::to_string(test.pooled_cells) +
                 " pooled cells, outside the grid one more)";
  return c;
}

SampleTest default_test(std::size_t dimension, const SampleTestOptions& o) {
  return o.test.value_or(dimension == 1 ? SampleTest::kolmogorov_smirnov : SampleTest::energy_distance);
}

}  // namespace

FiniteRows finite_rows(const Eigen::ArrayXXd& samples) {
  std::vector<Eigen::Index> keep;
  keep.reserve(static_cast<std::size_t>(samples.rows()));
  for (Eigen::Index r = 0; r < samples.rows(); ++r) {
    if (samples.row(r).allFinite()) keep.push_back(r);
  }
  FiniteRows out{Eigen::ArrayXXd(static_cast<Eigen::Index>(keep.size()), samples.cols()),
                 static_cast<std::size_t>(samples.rows()) - keep.size()};
  for (std::size_t i = 0; i < keep.size(); ++i) out.rows.row(static_cast<Eigen::Index>(i)) = samples.row(keep[i]);
  return out;
}

Comparison compare(const Eigen::ArrayXXd& samples, const pde::DensityField& field, const SampleTestOptions& options) {
  const std::size_t d = field.grid().dimension();
  require_dimension(samples, d, "grid");
  require_options(options);
  const FiniteRows x = finite_rows(samples);
  switch (default_test(d, options)) {
    case SampleTest::kolmogorov_smirnov:
      require(d == 1, compare_name, "options.test", std::string_view("kolmogorov_smirnov"),
              "a test defined in " + describe_value(d) + " dimensions (chi_square or energy_distance)");
      return kolmogorov_smirnov(x, [&field](const Eigen::ArrayXd& v) { return field.cdf(v); }, options.grid_error,
                                "grid density");
    case SampleTest::chi_square: return chi_square(x, field, options.minimum_expected);
    case SampleTest::energy_distance: return energy(x, distribution::Law::grid(field), options, "grid density");
  }
  return refused("unknown", x.left_out, "unknown test");
}

Comparison compare(const Eigen::ArrayXXd& samples, const distribution::Law& law, const SampleTestOptions& options) {
  const std::size_t d = law.dimension();
  require_dimension(samples, d, "law");
  require_options(options);
  const FiniteRows x = finite_rows(samples);
  switch (default_test(d, options)) {
    case SampleTest::kolmogorov_smirnov:
      require(law.has_cdf(), compare_name, "law", law.name(),
              "a one-dimensional law with a CDF for the KS test (or options.test = energy_distance)");
      return kolmogorov_smirnov(x, [&law](const Eigen::ArrayXd& v) { return law.cdf(v); }, options.grid_error,
                                "law '" + law.name() + "'");
    case SampleTest::chi_square:
      throw_bad_argument(compare_name, "options.test", "chi_square",
                         "kolmogorov_smirnov or energy_distance for a law (chi-square needs cells: compare with law.on(grid))");
    case SampleTest::energy_distance: return energy(x, law, options, "law '" + law.name() + "'");
  }
  return refused("unknown", x.left_out, "unknown test");
}

FieldComparison compare(const pde::DensityField& a, const pde::DensityField& b, const FieldOptions& options) {
  require(a.grid() == b.grid(), compare_name, "b.grid()", std::string_view("a different grid"),
          "the grid of a (bring b onto it with distribution::Law::grid(b).on(a.grid()))");
  require(std::isfinite(options.a_error) && options.a_error >= 0.0, compare_name, "options.a_error", options.a_error,
          "a finite L1 error bound >= 0");
  require(std::isfinite(options.b_error) && options.b_error >= 0.0, compare_name, "options.b_error", options.b_error,
          "a finite L1 error bound >= 0");
  const double h = a.grid().cell_measure();
  const Eigen::VectorXd p = a.values().cwiseMax(0.0), q = b.values().cwiseMax(0.0);
  const std::span<const double> ps(p.data(), static_cast<std::size_t>(p.size())), qs(q.data(), static_cast<std::size_t>(q.size()));
  FieldComparison c;
  c.l1 = (a.values() - b.values()).cwiseAbs().sum() * h;  // signed values: a dip below 0 counts
  c.total_variation = 0.5 * c.l1;
  c.kl = stats::kl_divergence(ps, qs, h);
  c.hellinger = stats::hellinger_distance(ps, qs, h);
  c.mass_difference = a.mass() - b.mass();
  c.mean_difference = a.mean() - b.mean();
  c.covariance_difference = a.covariance() - b.covariance();
  c.error_bound = options.a_error + options.b_error;
  c.within_error_bound = c.l1 <= c.error_bound;
  return c;
}

double richardson_l1_error(const pde::DensityField& fine, const pde::DensityField& coarse, double order) {
  constexpr const char* where = "kolmo::compare::richardson_l1_error";
  require(std::isfinite(order) && order > 0.0, where, "order", order, "a finite order > 0");
  const pde::Grid &f = fine.grid(), &g = coarse.grid();
  require(f.dimension() == g.dimension(), where, "coarse.grid().dimension()", g.dimension(),
          "the fine grid's " + describe_value(f.dimension()));
  for (std::size_t k = 0; k < f.dimension(); ++k) {
    const pde::Axis &a = f.axis(k), &b = g.axis(k);
    require(a.lower == b.lower && a.upper == b.upper && a.cells == 2 * b.cells, where,
            "coarse.grid().axis(" + std::to_string(k) + ").cells", b.cells,
            "half the fine grid's " + describe_value(a.cells) + " over the same interval");
  }
  // R(fine): each coarse cell averages its 2^d fine cells.
  Eigen::VectorXd restricted = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(g.cells()));
  for (std::size_t cell = 0; cell < f.cells(); ++cell) {
    std::size_t target = 0;
    for (std::size_t k = 0; k < f.dimension(); ++k) target += (f.coordinate(cell, k) / 2) * g.stride(k);
    restricted[static_cast<Eigen::Index>(target)] += fine.values()[static_cast<Eigen::Index>(cell)];
  }
  restricted /= static_cast<double>(f.cells() / g.cells());
  const double difference = (restricted - coarse.values()).cwiseAbs().sum() * g.cell_measure();
  return difference / (std::pow(2.0, order) - 1.0);
}

TwoSampleComparison compare(const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b, const TwoSampleOptions& options) {
  require(a.cols() == b.cols() && a.cols() >= 1, compare_name, "b.cols()", b.cols(),
          "a.cols() = " + describe_value(a.cols()) + " (>= 1)");
  require_at_least(compare_name, "options.permutations", options.permutations, 1);
  require_at_least(compare_name, "options.max_samples", options.max_samples, 2);
  const FiniteRows x = finite_rows(a), y = finite_rows(b);
  const std::size_t left_out = x.left_out + y.left_out;
  TwoSampleComparison out;
  if (x.rows.rows() < 2 || y.rows.rows() < 2) {
    out.energy = refused("energy-distance", left_out, "fewer than 2 finite rows in a sample");
    out.mmd = refused("mmd", left_out, "fewer than 2 finite rows in a sample");
    return out;
  }
  const auto cap = static_cast<Eigen::Index>(options.max_samples);
  const Eigen::MatrixXd xs = x.rows.topRows(std::min(cap, x.rows.rows())).matrix();
  const Eigen::MatrixXd ys = y.rows.topRows(std::min(cap, y.rows.rows())).matrix();
  const std::string used = std::to_string(xs.rows()) + " and " + std::to_string(ys.rows()) + " finite rows, " +
                           std::to_string(options.permutations) + " permutations at seed " + std::to_string(options.seed);
  const auto as_comparison = [&](std::string test, const stats::TwoSampleTestResult& r, std::string what) {
    Comparison c;
    c.test = std::move(test);
    c.statistic = r.statistic;
    c.p_value = r.p_value;
    c.samples = static_cast<std::size_t>(xs.rows() + ys.rows());
    c.left_out = left_out;
    c.assumption = std::move(what);
    return c;
  };
  out.energy = as_comparison("energy-distance", stats::energy_test(xs, ys, options.seed, options.permutations),
                             "two i.i.d. samples (" + used + ")");
  const double bandwidth = stats::median_heuristic_bandwidth(xs, ys);
  out.mmd = as_comparison("mmd", stats::mmd_permutation_test(xs, ys, bandwidth, options.seed, options.permutations),
                          "two i.i.d. samples (" + used + "; Gaussian kernel, median-heuristic width " +
                              short_number(bandwidth) + ")");
  if (a.cols() == 1) {
    const stats::KsResult ks = stats::ks_two_sample({x.rows.data(), static_cast<std::size_t>(x.rows.rows())},
                                                    {y.rows.data(), static_cast<std::size_t>(y.rows.rows())});
    Comparison c;
    c.test = "kolmogorov-smirnov";
    c.statistic = ks.statistic;
    c.p_value = ks.p_value;
    c.samples = static_cast<std::size_t>(x.rows.rows() + y.rows.rows());
    c.left_out = left_out;
    c.assumption = "two independent i.i.d. samples (asymptotic p-value, effective size " + short_number(ks.effective_n) + ")";
    out.kolmogorov_smirnov = c;
  }
  return out;
}

}  // namespace kolmo::compare
