#pragma once
// The result of one cross-check between two corners of the triangle (design.md): the test, its
// statistic and p-value, how many samples it used and how many it left out (failed paths are
// NaN rows, never silently fed to a test), and what the p-value assumes — including the error
// bound it allowed the reference (a grid density) to have. A verification case turns it into a
// verdict with verify::p_value_at_least(comparison, alpha).

#include <cstddef>
#include <string>

#include "kolmo/core/status.hpp"

namespace kolmo::compare {

struct Comparison {
  Status status;                       ///< ok; insufficient_data when no test was possible
  std::string test;                    ///< "kolmogorov-smirnov", "chi-square", "energy-distance", "mmd"
  double statistic = 0.0;              ///< D, X², the energy distance, MMD²_u
  double p_value = 1.0;                ///< under the assumption below
  std::size_t samples = 0;             ///< finite samples (rows) the test used
  std::size_t left_out = 0;            ///< non-finite rows (failed paths) excluded before the test
  std::size_t degrees_of_freedom = 0;  ///< χ² only
  double assumed_error = 0.0;          ///< the bound on the reference's error the p-value allows for
  std::string assumption;              ///< what the p-value assumes, in words
};

}  // namespace kolmo::compare
