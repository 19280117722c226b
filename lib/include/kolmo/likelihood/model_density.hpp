#pragma once
// The densities of a diffusion model on a grid: the independent reference its likelihoods are
// checked against. A model (forward process, score s, prior π at T) defines two densities at
// t_min, equal only when s is the true score (Song, Durkan, Murray & Ermon 2021, §4; Lu et al.
// 2022, "Maximum likelihood training for score-based diffusion ODEs", §3):
//
//   p_ODE  what the probability-flow ODE carries π to. In τ = T − t the density moves by the
//          continuity equation ∂q/∂τ = −∇·(u q) with u(τ, x) = −v(T − τ, x), v = f − ½∇·(g gᵀ)
//          − ½ g gᵀ s (sampling::probability_flow), from q(0) = π: MUSCL fluxes with
//          SSPRK(3,3), adaptive steps at the Courant limit (pde/continuity.hpp, ssp_runge_kutta.hpp).
//   p_SDE  the law at t_min of the generative reverse SDE (Anderson 1982) run from π: in τ,
//          dY = −b(T − τ, Y) dτ + g(T − τ, Y) dW with b = f − ∇·(g gᵀ) − g gᵀ s
//          (sampling::reverse_sde), whose Fokker–Planck equation is solved by Crank–Nicolson in
//          1-D and Douglas ADI in 2-D and 3-D (pde/theta_method.hpp), second order in h and dt.
//
// π enters as its cell averages (distribution::Law::on); the grid must hold all but
// options.prior_mass_tolerance of π's mass, or the grid is refused (it does not cover the
// model). Any ScoreModel serves — exact, grid oracle, learned, or a deliberately perturbed one —
// as long as it accepts the grid's face centres (Continuity) or cell centres (Fokker–Planck).
// The result's DensityField carries the time t_min.

#include <Eigen/Core>
#include <cstddef>

#include "kolmo/core/status.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/grid.hpp"
#include "kolmo/pde/interpolation.hpp"
#include "kolmo/sampling/forward_process.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::likelihood {

struct GridModelOptions {
  double t_min = 1e-3;
  double t_max = 1.0;
  double continuity_cfl = 0.9;          ///< p_ODE: the fraction of the largest stable step, in (0, 1]
  std::size_t fokker_planck_steps = 1000;  ///< p_SDE: θ-method steps over [t_min, t_max]
  double prior_mass_tolerance = 1e-6;   ///< the largest share of π's mass the grid may leave out
};

struct ModelDensity {
  Status status;                 ///< the solver's: a failure names the time τ = T − t where it stopped
  pde::DensityField density;     ///< at t_min
  double prior_mass_on_grid = 1.0;  ///< the share of π's mass in the grid's cells
  double lost_mass = 0.0;        ///< mass that left through absorbing boundaries (0 for zero-flux grids)
  std::uint64_t steps = 0;
};

/// p_ODE at t_min on `grid`. Throws kolmo::Error on misuse: a grid, score or prior of another
/// dimension than the forward process, t_min ≤ 0 or t_min ≥ t_max, a cfl outside (0, 1], or a
/// grid that leaves out more than prior_mass_tolerance of π.
[[nodiscard]] ModelDensity ode_model_density(const sampling::ForwardProcess& forward, const score::ScoreModel& score,
                                             const distribution::GaussianMixture& prior, const pde::Grid& grid,
                                             const GridModelOptions& options = {});

/// p_SDE at t_min on `grid` (1 to 3 dimensions); throws as ode_model_density, and for 0 steps.
[[nodiscard]] ModelDensity sde_model_density(const sampling::ForwardProcess& forward, const score::ScoreModel& score,
                                             const distribution::GaussianMixture& prior, const pde::Grid& grid,
                                             const GridModelOptions& options = {});

/// log p at each point (n × d) of a grid density, interpolated between cell centres. Throws
/// kolmo::Error naming the first point outside the grid's domain (the grid does not cover the data).
[[nodiscard]] Eigen::ArrayXd log_density_at(const pde::DensityField& density, const Eigen::ArrayXXd& points,
                                            pde::Interpolation interpolation = pde::Interpolation::multilinear);

}  // namespace kolmo::likelihood
