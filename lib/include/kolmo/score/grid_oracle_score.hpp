#pragma once
// The grid-oracle score: ∇log p_t from a stored Fokker–Planck time series
// (pde/density_series.hpp), for any forward SDE the grid solver handles — nonlinear drift and
// state-dependent diffusion included — where no closed form exists. The score at t is the grid
// score of the series interpolated in t; points outside the grid get the linear continuation of
// pde/grid_score.hpp. Valid for t in [first_time, last_time] of the series (else kolmo::Error).
//
// Cost. Building the grid score of the field at t is O(cells) and dominates a small batch; a
// sampler asks at one t several times (predictor and corrector, or one batch split over OpenMP
// threads), so the model keeps the grid scores of the last `cached_times` distinct times, shared
// by its copies behind a mutex (the first caller at a new t builds, the others wait and reuse).
// A cached grid score is the one that would be built again, so results are bit-identical to
// pde::DensitySeries::score for any thread count and call order.

#include <cstddef>

#include "kolmo/pde/density_series.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

struct GridOracleOptions {
  pde::TimeInterpolation time_interpolation = pde::TimeInterpolation::cubic;
  pde::ScoreOptions score{};
  std::size_t cached_times = 4;  ///< grid scores kept (most recently used times); at least 1
};

/// Throws kolmo::Error when cached_times is 0 or cubic interpolation has fewer than 4 fields.
[[nodiscard]] ScoreModel grid_oracle_score(pde::DensitySeries series, GridOracleOptions options = {});

}  // namespace kolmo::score
