#pragma once
// The nonlinear, state-dependent forward SDE of the grid-oracle cases (grid_oracle_cases.cpp)
// and of the score-learning case that trains on its samples (score_learning_cases.cpp): a
// forward process with no closed-form marginal, whose p_t only a Fokker–Planck grid gives.
//
//   dX = f(X) dt + g(X) dW,   f(x) = −x/2 − x³/10 (nonlinear, confining),
//                             g(x)² = 1 + ½ sin x  (state-dependent, in [½, 3/2]),
// from p_0 = 0.4 N(−1, 0.3²) + 0.6 N(0.8, 0.45²) to T = 1, on [−4.5, 4.5] with zero-flux walls
// (p_t there stays below 1e-9 of its peak).

#include <cstddef>

#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/density_series.hpp"
#include "kolmo/process/sde.hpp"
#include "kolmo/sampling/forward_process.hpp"

namespace kolmo::verification::nonlinear {

inline constexpr double horizon = 1.0;
inline constexpr double half_width = 4.5;

double drift(double x);
double diffusion_squared(double x);
double diffusion_squared_slope(double x);  ///< d(g²)/dx = ∇·(g gᵀ) in 1-D

process::Sde forward_sde();
/// The forward process as the samplers see it: ∇·(g gᵀ) = d(g²)/dx enters the reverse drift.
sampling::ForwardProcess forward_process();
/// p_0, the data law.
const distribution::GaussianMixture& data_law();

struct ForwardSolution {
  pde::DensityField start;
  pde::DensityField end;
  pde::DensitySeries series;  ///< p_0 and the snapshots every 0.02 up to T
};

/// One resolution: Crank–Nicolson with dt = 4/cells ∝ h (its O(dt²) time error is then O(h²)
/// too; `cells` a multiple of 200 so that dt divides the snapshot spacing), snapshots every 0.02
/// (cubic interpolation in t: O(0.02⁴) ≈ 1.6e-7 relative).
ForwardSolution solve_forward(std::size_t cells);

}  // namespace kolmo::verification::nonlinear
