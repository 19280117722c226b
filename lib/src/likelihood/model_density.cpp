#include "kolmo/likelihood/model_density.hpp"

#include <cmath>
#include <string>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/pde/continuity.hpp"
#include "kolmo/pde/fokker_planck.hpp"
#include "kolmo/pde/ssp_runge_kutta.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/sampling/reverse_sde.hpp"

namespace kolmo::likelihood {
namespace {

void check(const char* where, const sampling::ForwardProcess& forward, const score::ScoreModel& score,
           const distribution::GaussianMixture& prior, const pde::Grid& grid, const GridModelOptions& options) {
  const std::size_t d = forward.dimension();
  require(grid.dimension() == d, where, "grid.dimension()", grid.dimension(), "the forward process's dimension " + describe_value(d));
  require(score.dimension() == d, where, "score.dimension()", score.dimension(), "the forward process's dimension " + describe_value(d));
  require(prior.dimension() == d, where, "prior.dimension()", prior.dimension(), "the forward process's dimension " + describe_value(d));
  require(std::isfinite(options.t_min) && options.t_min > 0.0, where, "options.t_min", options.t_min, "a finite t_min > 0");
  require(std::isfinite(options.t_max) && options.t_max > options.t_min, where, "options.t_max", options.t_max,
          "a finite t_max > t_min = " + describe_value(options.t_min));
  require(options.prior_mass_tolerance >= 0.0 && options.prior_mass_tolerance < 1.0, where, "options.prior_mass_tolerance",
          options.prior_mass_tolerance, "in [0, 1)");
}

/// π's cell averages at τ = 0, refusing a grid that leaves out more of π than the tolerance.
pde::DensityField prior_on(const char* where, const distribution::GaussianMixture& prior, const pde::Grid& grid,
                           const GridModelOptions& options) {
  pde::DensityField start = distribution::Law::mixture(prior).on(grid);
  const double captured = start.mass_before_normalisation();
  require(captured >= 1.0 - options.prior_mass_tolerance, where, "grid",
          "a domain holding " + describe_value(captured) + " of the prior's mass",
          "a grid that holds all but " + describe_value(options.prior_mass_tolerance) +
              " of it (widen the domain: it does not cover the model)");
  return start;
}

ModelDensity finish(const pde::DensityField& solved, Status status, double prior_mass, double lost, std::uint64_t steps,
                    double t_min) {
  return {std::move(status), pde::DensityField::computed(solved.grid(), solved.values(), t_min), prior_mass, lost, steps};
}

/// The generative reverse SDE in τ = T − t: drift −b(T − τ, y), diffusion g(T − τ, y).
process::Sde generative_in_tau(const sampling::ForwardProcess& forward, const score::ScoreModel& score, double horizon) {
  const process::Sde reverse = sampling::reverse_sde(forward, score);
  const std::string name = "generative SDE in tau = T - t [" + reverse.name() + "]";
  const process::BatchCoefficient drift = [reverse, horizon](double tau, const process::StateView& y) -> Eigen::ArrayXXd {
    return -reverse.drift(horizon - tau, y);
  };
  const std::size_t d = reverse.dimension();
  switch (reverse.noise()) {
    case process::NoiseKind::additive:
      return process::Sde::additive(name, d, reverse.noise_dimension(), drift,
                                    [reverse, horizon](double tau) -> Eigen::MatrixXd { return reverse.diffusion_matrix(horizon - tau); });
    case process::NoiseKind::diagonal:
      return process::Sde::diagonal(name, d, drift, [reverse, horizon](double tau, const process::StateView& y) -> Eigen::ArrayXXd {
        return reverse.diffusion(horizon - tau, y);
      });
    default:
      return process::Sde::general(name, d, reverse.noise_dimension(), drift,
                                   [reverse, horizon](double tau, const process::StateView& y) -> Eigen::ArrayXXd {
                                     return reverse.diffusion(horizon - tau, y);
                                   });
  }
}

}  // namespace

ModelDensity ode_model_density(const sampling::ForwardProcess& forward, const score::ScoreModel& score,
                               const distribution::GaussianMixture& prior, const pde::Grid& grid,
                               const GridModelOptions& options) {
  constexpr const char* where = "kolmo::likelihood::ode_model_density";
  check(where, forward, score, prior, grid, options);
  require(options.continuity_cfl > 0.0 && options.continuity_cfl <= 1.0, where, "options.continuity_cfl",
          options.continuity_cfl, "in (0, 1]");
  const pde::DensityField start = prior_on(where, prior, grid, options);
  const ode::Flow flow = sampling::probability_flow(forward, score);
  const double horizon = options.t_max;
  const pde::Continuity equation(
      [flow, horizon](double tau, const process::StateView& x) -> Eigen::ArrayXXd { return -flow.velocity(horizon - tau, x); },
      grid);
  const pde::ContinuitySolution run = pde::solve({equation, start, options.t_max - options.t_min},
                                                 pde::SspRungeKutta{.order = 3, .adaptive = true, .cfl = options.continuity_cfl});
  return finish(run.density, run.status, start.mass_before_normalisation(), run.absorbed_mass, run.stats.steps, options.t_min);
}

ModelDensity sde_model_density(const sampling::ForwardProcess& forward, const score::ScoreModel& score,
                               const distribution::GaussianMixture& prior, const pde::Grid& grid,
                               const GridModelOptions& options) {
  constexpr const char* where = "kolmo::likelihood::sde_model_density";
  check(where, forward, score, prior, grid, options);
  require_at_least(where, "options.fokker_planck_steps", options.fokker_planck_steps, 1);
  const pde::DensityField start = prior_on(where, prior, grid, options);
  const double span = options.t_max - options.t_min;
  const pde::FokkerPlanckSolution run =
      pde::solve({pde::FokkerPlanck(generative_in_tau(forward, score, options.t_max), grid), start, span},
                 pde::ThetaMethod{.scheme = grid.dimension() == 1 ? pde::TimeScheme::crank_nicolson : pde::TimeScheme::douglas_adi,
                                  .dt = span / static_cast<double>(options.fokker_planck_steps)});
  return finish(run.density, run.status, start.mass_before_normalisation(), run.absorbed_mass, run.stats.steps, options.t_min);
}

Eigen::ArrayXd log_density_at(const pde::DensityField& density, const Eigen::ArrayXXd& points, pde::Interpolation interpolation) {
  constexpr const char* where = "kolmo::likelihood::log_density_at";
  const pde::Grid& grid = density.grid();
  require(points.cols() == static_cast<Eigen::Index>(grid.dimension()), where, "points",
          describe_value(points.rows()) + "x" + describe_value(points.cols()), "d = " + describe_value(grid.dimension()) + " columns");
  require_all_finite(where, "points", points);
  for (Eigen::Index i = 0; i < points.rows(); ++i) {
    if (grid.cell_of(points, i)) continue;
    require(false, where, "points(" + describe_value(i) + ", :)",
            std::string_view("a point outside the grid's domain"), "points inside the grid (the grid does not cover the data)");
  }
  return pde::interpolate(density, points, interpolation).log();
}

}  // namespace kolmo::likelihood
