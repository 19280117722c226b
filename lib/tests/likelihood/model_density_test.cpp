#include "kolmo/likelihood/model_density.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::likelihood {
namespace {

constexpr double t_min = 0.05;

struct Model1d {
  distribution::DiffusedMixture diffused{test_support::bimodal_mixture_1d(), process::NoiseSchedule::vp_linear()};
  sampling::ForwardProcess forward = sampling::ForwardProcess::of(diffused.schedule(), 1);
  score::ScoreModel exact = score::mixture_score(diffused);
  distribution::GaussianMixture p_T = diffused.marginal(1.0);
};

/// The exact score plus ε·h with h(x, t) = sin(x): a model whose two densities differ.
score::ScoreModel perturbed(const score::ScoreModel& exact, double epsilon) {
  return score::ScoreModel("perturbed", 1, [exact, epsilon](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    return exact.score(t, x) + epsilon * x.sin();
  });
}

double l1_to_exact(const pde::DensityField& field, const distribution::GaussianMixture& exact) {
  const pde::DensityField reference = distribution::Law::mixture(exact).on(field.grid());
  return (field.values() - reference.values()).cwiseAbs().sum() * field.grid().cell_measure();
}

TEST(ModelDensity, WithTheExactScoreBothModelDensitiesAreTheForwardMarginalToSecondOrder) {
  const Model1d m;
  const GridModelOptions options{.t_min = t_min, .fokker_planck_steps = 400};
  for (const auto solve : {&ode_model_density, &sde_model_density}) {
    double previous = 0.0;
    for (const std::size_t cells : {200u, 400u}) {
      GridModelOptions o = options;
      o.fokker_planck_steps = 2 * cells;  // dt ∝ h: the time error falls with the space error
      const ModelDensity model = solve(m.forward, m.exact, m.p_T, pde::Grid({{-7.0, 7.0, cells}}), o);
      ASSERT_TRUE(model.status.ok()) << model.status.message;
      EXPECT_EQ(model.density.time(), t_min);
      EXPECT_GT(model.prior_mass_on_grid, 1.0 - 1e-9);
      const double l1 = l1_to_exact(model.density, m.diffused.marginal(t_min));
      EXPECT_LT(l1, 2e-2);
      if (previous > 0.0) EXPECT_GT(previous / l1, 3.0) << "L1 " << previous << " -> " << l1;  // ~4 at second order
      previous = l1;
    }
  }
}

TEST(ModelDensity, APerturbedScoreSeparatesTheOdeAndSdeModels) {
  const Model1d m;
  const pde::Grid grid({{-7.0, 7.0, 400}});
  const GridModelOptions options{.t_min = t_min, .fokker_planck_steps = 800};
  const score::ScoreModel model = perturbed(m.exact, 0.5);
  const ModelDensity ode = ode_model_density(m.forward, model, m.p_T, grid, options);
  const ModelDensity sde = sde_model_density(m.forward, model, m.p_T, grid, options);
  const ModelDensity exact = ode_model_density(m.forward, m.exact, m.p_T, grid, options);
  const double between = (ode.density.values() - sde.density.values()).cwiseAbs().sum() * grid.cell_measure();
  const double grid_error = l1_to_exact(exact.density, m.diffused.marginal(t_min));
  EXPECT_GT(between, 20.0 * grid_error) << "L1(p_ODE, p_SDE) " << between << ", grid error " << grid_error;
}

TEST(ModelDensity, LogDensityAtPointsInterpolatesAndRefusesPointsOffTheGrid) {
  const Model1d m;
  const pde::Grid grid({{-7.0, 7.0, 800}});
  const ModelDensity model = ode_model_density(m.forward, m.exact, m.p_T, grid, {.t_min = t_min});
  Eigen::ArrayXXd x(3, 1);
  x << -1.5, 0.0, 1.2;
  const Eigen::ArrayXd exact = m.diffused.marginal(t_min).log_density(x);
  EXPECT_LT((log_density_at(model.density, x) - exact).abs().maxCoeff(), 1e-2);
  Eigen::ArrayXXd outside(2, 1);
  outside << 0.0, 9.0;
  KOLMO_EXPECT_THROW_NAMING((void)log_density_at(model.density, outside), "points(1, :)");
}

TEST(ModelDensity, InTwoDimensionsBothAreTheForwardMarginalWithTheExactScore) {
  // The 2-D anisotropic bimodal mixture at t_min = 0.2 (the narrowest direction's standard
  // deviation 0.46) on 80² and 160² cells of [−6, 6]²: the L1 distance to the exact cell averages
  // falls by more than 3 (second order in h, with dt ∝ h for the Fokker–Planck solve).
  const distribution::DiffusedMixture diffused = test_support::bimodal_vp_linear();
  const auto forward = sampling::ForwardProcess::of(diffused.schedule(), 2);
  const score::ScoreModel exact = score::mixture_score(diffused);
  for (const auto solve : {&ode_model_density, &sde_model_density}) {
    double previous = 0.0;
    for (const std::size_t cells : {80u, 160u}) {
      const ModelDensity model = solve(forward, exact, diffused.marginal(1.0), pde::Grid({{-6.0, 6.0, cells}, {-6.0, 6.0, cells}}),
                                       {.t_min = 0.2, .fokker_planck_steps = 2 * cells});
      ASSERT_TRUE(model.status.ok()) << model.status.message;
      const double l1 = l1_to_exact(model.density, diffused.marginal(0.2));
      if (previous > 0.0) EXPECT_GT(previous / l1, 3.0) << "L1 " << previous << " -> " << l1;
      previous = l1;
    }
    EXPECT_LT(previous, 2e-2);
  }
}

TEST(ModelDensity, BadInputIsAClearError) {
  const Model1d m;
  const pde::Grid grid({{-7.0, 7.0, 100}});
  KOLMO_EXPECT_THROW_NAMING((void)ode_model_density(m.forward, m.exact, m.p_T, pde::Grid({{-1.0, 1.0, 100}})), "grid");
  KOLMO_EXPECT_THROW_NAMING((void)sde_model_density(m.forward, m.exact, m.p_T, pde::Grid({{-7.0, 7.0, 50}, {-7.0, 7.0, 50}})),
                            "grid.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)ode_model_density(m.forward, m.exact, m.p_T, grid, {.t_min = 1.0}), "options.t_max");
  KOLMO_EXPECT_THROW_NAMING((void)ode_model_density(m.forward, m.exact, m.p_T, grid, {.continuity_cfl = 1.5}),
                            "options.continuity_cfl");
  KOLMO_EXPECT_THROW_NAMING((void)sde_model_density(m.forward, m.exact, m.p_T, grid, {.fokker_planck_steps = 0}),
                            "options.fokker_planck_steps");
  KOLMO_EXPECT_THROW_NAMING((void)ode_model_density(m.forward, m.exact, test_support::bimodal_mixture(), grid), "prior.dimension()");
}

}  // namespace
}  // namespace kolmo::likelihood
