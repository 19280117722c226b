#pragma once
// The grid-oracle score: ∇log p_t from a stored Fokker–Planck time series
// (pde/density_series.hpp), for any forward SDE the grid solver handles — nonlinear drift and
// state-dependent diffusion included — where no closed form exists. The score at t is the grid
// score of the series interpolated in t; points outside the grid get the linear continuation of
// pde/grid_score.hpp. Valid for t in [first_time, last_time] of the series (else kolmo::Error).

#include "kolmo/pde/density_series.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

struct GridOracleOptions {
  pde::TimeInterpolation time_interpolation = pde::TimeInterpolation::cubic;
  pde::ScoreOptions score{};
};

[[nodiscard]] ScoreModel grid_oracle_score(pde::DensitySeries series, GridOracleOptions options = {});

}  // namespace kolmo::score
