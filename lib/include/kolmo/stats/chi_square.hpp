#pragma once
// Pearson's chi-square goodness-of-fit test of observed cell counts against cell probabilities.
//
// Statistic (Pearson 1900): X^2 = sum_cells (O - E)^2 / E with E = N p, N the total count;
// under H0 and for large expected counts X^2 ~ chi^2 with (cells - 1 - fitted_parameters)
// degrees of freedom (Fisher 1924 for the parameter reduction, which holds for parameters
// estimated from the grouped counts). p-value = P(chi^2_dof >= X^2) (Boost.Math chi_squared).
//
// Pooling rule (expected counts only, so it is fixed before looking at the observations and
// keeps the test valid): cells are walked in order -- the given cells, then the outside cell if
// any -- and accumulated into a group until the group's expected count reaches
// minimum_expected (default 5, the classical rule of thumb; Cochran 1954, Biometrics 10, 417);
// a trailing group that stays below it is merged into the previous group. pooled_cells reports
// the number of groups the statistic uses. The outside cell (both tails of the binned range)
// is therefore merged with the last bins when its expected count is small.
//
// Outside cell: with options.outside_cell the probabilities may sum to less than 1 and the
// missing mass 1 - sum p becomes one extra cell, observed with options.outside_count (counts
// form) or with the samples that fall outside [edges.front(), edges.back()] (samples form).
//
// Contract (misuse throws kolmo::Error): counts finite whole numbers >= 0 with a positive total;
// probabilities finite, >= 0, as many as the cells, summing to 1 within 1e-9 (at most 1 + 1e-9
// with an outside cell); minimum_expected finite > 0; edges finite and strictly increasing,
// one more than the probabilities; samples finite and (without an outside cell) inside the
// edges. Too few pooled cells for a positive number of degrees of freedom is a numerical
// refusal: status insufficient_data, statistic and p-value NaN.

#include <cstddef>
#include <span>

#include "kolmo/core/status.hpp"

namespace kolmo::stats {

struct ChiSquareOptions {
  double minimum_expected = 5.0;      ///< pool cells until each group expects at least this
  std::size_t fitted_parameters = 0;  ///< parameters of the probabilities fitted to these data
  bool outside_cell = false;          ///< add a cell for the probability mass 1 - sum p
  double outside_count = 0.0;         ///< observations in the outside cell (counts form only)
};

struct ChiSquareResult {
  Status status;                       ///< ok, or insufficient_data (dof would be < 1)
  double statistic = 0.0;              ///< Pearson X^2 over the pooled cells
  std::size_t degrees_of_freedom = 0;  ///< pooled_cells - 1 - fitted_parameters
  double p_value = 1.0;                ///< P(chi^2_dof >= X^2)
  std::size_t cells = 0;               ///< cells before pooling (the outside cell included)
  std::size_t pooled_cells = 0;        ///< cells after pooling
  double total_count = 0.0;            ///< N, the outside count included
  double outside_probability = 0.0;    ///< 1 - sum p when outside_cell, else 0
};

/// Test of `counts` (one per cell) against `probabilities` (one per cell).
[[nodiscard]] ChiSquareResult chi_square_test(std::span<const double> counts,
                                              std::span<const double> probabilities,
                                              const ChiSquareOptions& options = {});

/// Test of raw `samples` binned on `edges` (cell i = [edges[i], edges[i+1]), the last cell
/// closed on the right) against `probabilities` (edges.size() - 1 of them).
[[nodiscard]] ChiSquareResult chi_square_test_samples(std::span<const double> samples,
                                                      std::span<const double> edges,
                                                      std::span<const double> probabilities,
                                                      const ChiSquareOptions& options = {});

}  // namespace kolmo::stats
