#pragma once
// Cross-checks as library calls: particles against a grid density or an exact law, a grid
// density against another, and two particle clouds against each other. Each returns its
// statistic, p-value (or distances) and what it assumed; the verification cases use them, so
// the sort → CDF → KS glue is written once, here.
//
// compare(samples, field | law) — goodness of fit of samples (n × d, rows; non-finite rows are
// left out and counted) to a reference law:
//   Kolmogorov–Smirnov (1-D, the default there): D against the reference CDF (a grid field's is
//     piecewise linear, exact for its piecewise-constant density; stats/ks_test.hpp). With a
//     bound ε on the reference's L1 error (options.grid_error), sup|F_ref − F_true| ≤ ε/2 (the
//     CDF difference integrates a signed density of total mass 0), so D_true ≥ D − ε/2 and
//     p = P(D_n ≥ D − ε/2) is a valid p-value for "the samples' law is within ε of the
//     reference"; ε = 0 is the plain test.
//   chi-square (grid fields, any d): counts of samples in the grid's cells (and outside the grid)
//     against N p_i |cell| with Pearson's test and pooling to 5 expected (stats/chi_square.hpp).
//     Takes the cell masses as exact: with a grid error it can reject a correct solver once the
//     sample is large enough to see the error, which the assumption says.
//   energy distance (the default in d ≥ 2): a permutation test (stats/energy_distance.hpp) of the
//     first max_samples finite samples against reference_draws exact draws of the reference (a
//     field through distribution::Law::grid) at `seed`. Takes the reference as exact.
//
// compare(a, b) for two fields on the same grid: L1, total variation, KL(a‖b), Hellinger
// (stats/grid_divergence.hpp), the differences of mass, mean and covariance, and whether the L1
// distance is within the sum of the two fields' error bounds when they are given (for instance
// from richardson_l1_error).
//
// compare(a, b) for two samples: energy-distance and MMD permutation tests (the Gaussian kernel
// at the median-heuristic width) on the first max_samples finite rows of each, and in 1-D the
// two-sample KS test on all finite rows.
//
// Misuse (dimensions that differ, a test the reference cannot serve, bad options) throws
// kolmo::Error naming the parameter.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "kolmo/compare/comparison.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/pde/density_field.hpp"

namespace kolmo::compare {

enum class SampleTest { kolmogorov_smirnov, chi_square, energy_distance };

struct SampleTestOptions {
  std::optional<SampleTest> test{};      ///< unset: KS in 1-D, energy distance in d ≥ 2
  double grid_error = 0.0;               ///< KS: bound on the reference's L1 error (≥ 0)
  std::uint64_t seed = 0;                ///< energy: reference draws and permutations
  std::size_t reference_draws = 1000;    ///< energy: exact draws of the reference
  std::size_t permutations = 499;        ///< energy
  /// energy: first finite rows used. The test holds an (n + m)² matrix of distances: 32 MB at the
  /// defaults, 128 MB at 2000 + 2000.
  std::size_t max_samples = 1000;
  double minimum_expected = 5.0;         ///< χ²: pooling threshold
};

/// Samples against a grid density (see the header comment).
[[nodiscard]] Comparison compare(const Eigen::ArrayXXd& samples, const pde::DensityField& field,
                                 const SampleTestOptions& options = {});
/// Samples against an exact law: KS needs law.has_cdf(); chi-square needs a grid (compare with
/// law.on(grid) instead).
[[nodiscard]] Comparison compare(const Eigen::ArrayXXd& samples, const distribution::Law& law,
                                 const SampleTestOptions& options = {});

struct FieldOptions {
  double a_error = 0.0;  ///< bound on a's L1 error (≥ 0; 0 when unknown)
  double b_error = 0.0;  ///< bound on b's L1 error
};

struct FieldComparison {
  double l1 = 0.0;
  double total_variation = 0.0;
  double kl = 0.0;                        ///< KL(a ‖ b), nats; +inf where b = 0 < a
  double hellinger = 0.0;
  double mass_difference = 0.0;           ///< mass(a) − mass(b)
  Eigen::VectorXd mean_difference;        ///< mean(a) − mean(b)
  Eigen::MatrixXd covariance_difference;  ///< cov(a) − cov(b)
  double error_bound = 0.0;               ///< a_error + b_error
  bool within_error_bound = false;        ///< l1 ≤ error_bound (meaningful when bounds were given)
};

/// Two fields on the same grid (negative round-off in either read as 0 for KL and Hellinger).
[[nodiscard]] FieldComparison compare(const pde::DensityField& a, const pde::DensityField& b,
                                      const FieldOptions& options = {});

/// Richardson estimate of the L1 error of `fine` from a solution of the same method on a grid
/// with half as many cells per axis over the same domain: ‖R(fine) − coarse‖₁ / (2^order − 1),
/// R summing each 2^d block of fine cells. Valid in the asymptotic range of a method of that
/// order (a larger estimate than the truth when the coarse grid is pre-asymptotic).
[[nodiscard]] double richardson_l1_error(const pde::DensityField& fine, const pde::DensityField& coarse, double order);

struct TwoSampleOptions {
  std::uint64_t seed = 0;           ///< permutations
  std::size_t permutations = 499;
  std::size_t max_samples = 1000;   ///< energy and MMD: first finite rows of each ((n + m)² memory)
};

struct TwoSampleComparison {
  Comparison energy;
  Comparison mmd;
  std::optional<Comparison> kolmogorov_smirnov;  ///< 1-D only, on every finite row
};

/// Two samples (n × d and m × d) from the same law? Non-finite rows are left out and counted.
[[nodiscard]] TwoSampleComparison compare(const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b,
                                          const TwoSampleOptions& options = {});

/// The rows of `samples` with every entry finite, and how many were left out.
struct FiniteRows {
  Eigen::ArrayXXd rows;
  std::size_t left_out = 0;
};
[[nodiscard]] FiniteRows finite_rows(const Eigen::ArrayXXd& samples);

}  // namespace kolmo::compare
