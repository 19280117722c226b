// kolmo.likelihood: the probability-flow ODE log-likelihood and the variational bounds of a
// diffusion model, per point with their standard errors, and the model's densities on a grid — the
// independent reference (likelihood/*.hpp), NumPy out.

#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "kolmo/core/error.hpp"
#include "kolmo/likelihood/continuous_elbo.hpp"
#include "kolmo/likelihood/ddpm_bound.hpp"
#include "kolmo/likelihood/model_density.hpp"
#include "kolmo/likelihood/ode_log_likelihood.hpp"
#include "kolmo/likelihood/vdm_bound.hpp"
#include "kolmo/sampling/forward_process.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

likelihood::ReverseVariance reverse_variance_of(const py::object& variance) {
  if (py::isinstance<py::str>(variance)) {
    const auto name = variance.cast<std::string>();
    if (name == "beta") return likelihood::BetaVariance{};
    if (name == "posterior") return likelihood::PosteriorVariance{};
    throw kolmo::Error("kolmo.likelihood.ddpm_bound: parameter 'variance' = '" + name +
                       "'; expected beta (σ² = β_i), posterior (σ² = β̃_i) or a sequence of N variances");
  }
  return likelihood::GivenVariance{variance.cast<std::vector<double>>()};
}

likelihood::GridModelOptions grid_model_options(double t_min, double t_max, double cfl, std::size_t steps) {
  likelihood::GridModelOptions options;
  options.t_min = t_min;
  options.t_max = t_max;
  options.continuity_cfl = cfl;
  options.fokker_planck_steps = steps;
  return options;
}

}  // namespace

void bind_likelihood(py::module_& m) {
  py::class_<likelihood::OdeLikelihood>(m, "OdeLikelihood")
      .def_readonly("status", &likelihood::OdeLikelihood::status)
      .def_readonly("log_likelihood", &likelihood::OdeLikelihood::log_likelihood)
      .def_readonly("ode_error", &likelihood::OdeLikelihood::ode_error)
      .def_readonly("prior_log_density", &likelihood::OdeLikelihood::prior_log_density)
      .def_readonly("failed_points", &likelihood::OdeLikelihood::failed_points)
      .def_property_readonly("mean", [](const likelihood::OdeLikelihood& r) { return r.mean.mean; })
      .def_property_readonly("mean_standard_error", [](const likelihood::OdeLikelihood& r) { return r.mean.standard_error; });
  m.def(
      "ode_log_likelihood",
      [](const process::NoiseSchedule& schedule, const score::ScoreModel& score, const distribution::GaussianMixture& prior,
         const Eigen::ArrayXXd& points, double t_min, double t_max, double tolerance, bool estimate_ode_error, int threads) {
        likelihood::OdeLikelihoodOptions options;
        options.t_min = t_min;
        options.t_max = t_max;
        options.method = ode::DormandPrince{tolerance, tolerance};
        options.estimate_ode_error = estimate_ode_error;
        options.threads = threads;
        py::gil_scoped_release release;
        return likelihood::ode_log_likelihood(sampling::ForwardProcess::of(schedule, score.dimension()), score, prior, points, options);
      },
      py::arg("schedule"), py::arg("score"), py::arg("prior"), py::arg("points"), py::kw_only(), py::arg("t_min") = 1e-3,
      py::arg("t_max") = 1.0, py::arg("tolerance") = 1e-5, py::arg("estimate_ode_error") = true, py::arg("threads") = 1,
      "log p(x) at each row of points by the probability-flow ODE (Dormand-Prince, exact divergence: the score must\n"
      "supply it, as mixture_score does), with a per-point ODE error estimate from a solve at tolerance / 100.");

  py::class_<likelihood::ContinuousElbo>(m, "ContinuousElbo")
      .def_readonly("status", &likelihood::ContinuousElbo::status)
      .def_readonly("elbo", &likelihood::ContinuousElbo::elbo)
      .def_readonly("standard_error", &likelihood::ContinuousElbo::standard_error)
      .def_readonly("failed_points", &likelihood::ContinuousElbo::failed_points)
      .def_property_readonly("mean", [](const likelihood::ContinuousElbo& r) { return r.mean.mean; })
      .def_property_readonly("mean_standard_error", [](const likelihood::ContinuousElbo& r) { return r.mean.standard_error; });
  m.def(
      "continuous_elbo",
      [](const process::NoiseSchedule& schedule, const score::ScoreModel& score, const distribution::GaussianMixture& prior,
         const Eigen::ArrayXXd& points, double t_min, std::size_t draws, std::uint64_t seed, int threads) {
        likelihood::ContinuousElboOptions options;
        options.t_min = t_min;
        options.draws = draws;
        options.seed = seed;
        options.threads = threads;
        py::gil_scoped_release release;
        return likelihood::continuous_elbo(schedule, score, prior, points, options);
      },
      py::arg("schedule"), py::arg("score"), py::arg("prior"), py::arg("points"), py::kw_only(), py::arg("t_min") = 1e-3,
      py::arg("draws") = 256, py::arg("seed"), py::arg("threads") = 1,
      "The continuous-time ELBO of the reverse SDE (plug-in form) at each point, with its standard error.");

  py::class_<likelihood::VdmBound>(m, "VdmBound")
      .def_readonly("status", &likelihood::VdmBound::status)
      .def_readonly("bound", &likelihood::VdmBound::bound)
      .def_readonly("standard_error", &likelihood::VdmBound::standard_error)
      .def_readonly("diffusion_loss", &likelihood::VdmBound::diffusion_loss)
      .def_readonly("prior_term", &likelihood::VdmBound::prior_term)
      .def_readonly("reconstruction_term", &likelihood::VdmBound::reconstruction_term)
      .def_property_readonly("mean", [](const likelihood::VdmBound& r) { return r.mean.mean; })
      .def_property_readonly("mean_standard_error", [](const likelihood::VdmBound& r) { return r.mean.standard_error; });
  m.def(
      "vdm_bound",
      [](const process::NoiseSchedule& schedule, const score::ScoreModel& score, const distribution::GaussianMixture& prior,
         const Eigen::ArrayXXd& points, double t_min, std::size_t steps, std::size_t draws, std::uint64_t seed, int threads) {
        likelihood::VdmBoundOptions options;
        options.t_min = t_min;
        options.steps = steps;
        options.draws = draws;
        options.seed = seed;
        options.threads = threads;
        py::gil_scoped_release release;
        return likelihood::vdm_bound(schedule, score, prior, points, options);
      },
      py::arg("schedule"), py::arg("score"), py::arg("prior"), py::arg("points"), py::kw_only(), py::arg("t_min") = 1e-3,
      py::arg("steps") = 0, py::arg("draws") = 256, py::arg("seed"), py::arg("threads") = 1,
      "The VDM bound -L(x) per point (steps = 0: the continuous diffusion loss), with its standard error.");

  py::class_<likelihood::DdpmBound>(m, "DdpmBound")
      .def_readonly("status", &likelihood::DdpmBound::status)
      .def_readonly("bound", &likelihood::DdpmBound::bound, "per point: −L, a lower bound on log p(x_0), nats")
      .def_readonly("standard_error", &likelihood::DdpmBound::standard_error)
      .def_readonly("prior_term", &likelihood::DdpmBound::prior_term)
      .def_readonly("denoising_terms", &likelihood::DdpmBound::denoising_terms)
      .def_readonly("failed_points", &likelihood::DdpmBound::failed_points)
      .def_property_readonly("mean", [](const likelihood::DdpmBound& r) { return r.mean.mean; })
      .def_property_readonly("mean_standard_error", [](const likelihood::DdpmBound& r) { return r.mean.standard_error; });
  m.def(
      "ddpm_bound",
      [](const process::DiscreteSchedule& schedule, const score::ScoreModel& score, const distribution::GaussianMixture& prior,
         const Eigen::ArrayXXd& points, const py::object& variance, std::size_t draws, std::uint64_t seed, int threads) {
        likelihood::DdpmBoundOptions options;
        options.variance = reverse_variance_of(variance);
        options.draws = draws;
        options.seed = seed;
        options.threads = threads;
        py::gil_scoped_release release;
        return likelihood::ddpm_bound(schedule, score, prior, points, options);
      },
      py::arg("schedule"), py::arg("score"), py::arg("prior"), py::arg("points"), py::kw_only(), py::arg("variance") = "posterior",
      py::arg("draws") = 256, py::arg("seed"), py::arg("threads") = 1,
      "The DDPM variational bound −L(x_0) per point (Ho et al. 2020, eq. 5) with reverse variances beta, posterior\n"
      "or given, each point's estimate over `draws` chains with its standard error.");

  py::class_<likelihood::ModelDensity>(m, "ModelDensity", "A diffusion model's density at t_min on a grid")
      .def_readonly("status", &likelihood::ModelDensity::status)
      .def_readonly("density", &likelihood::ModelDensity::density)
      .def_readonly("prior_mass_on_grid", &likelihood::ModelDensity::prior_mass_on_grid)
      .def_readonly("lost_mass", &likelihood::ModelDensity::lost_mass)
      .def_readonly("steps", &likelihood::ModelDensity::steps);
  const auto model_density = [&m](const char* name, auto solve, const char* doc) {
    m.def(
        name,
        [solve](const process::NoiseSchedule& schedule, const score::ScoreModel& score, const distribution::GaussianMixture& prior,
                const pde::Grid& grid, double t_min, double t_max, double cfl, std::size_t steps) {
          const auto forward = sampling::ForwardProcess::of(schedule, score.dimension());
          const auto options = grid_model_options(t_min, t_max, cfl, steps);
          py::gil_scoped_release release;
          return solve(forward, score, prior, grid, options);
        },
        py::arg("schedule"), py::arg("score"), py::arg("prior"), py::arg("grid"), py::kw_only(), py::arg("t_min") = 1e-3,
        py::arg("t_max") = 1.0, py::arg("continuity_cfl") = 0.9, py::arg("fokker_planck_steps") = 1000, doc);
  };
  model_density("ode_model_density",
                [](const auto&... a) { return likelihood::ode_model_density(a...); },
                "p_ODE at t_min: the continuity equation of the probability-flow velocity run from the prior at t_max\n"
                "(MUSCL fluxes, SSPRK(3,3) at `continuity_cfl` of the Courant limit).");
  model_density("sde_model_density",
                [](const auto&... a) { return likelihood::sde_model_density(a...); },
                "p_SDE at t_min: the Fokker–Planck equation of the generative reverse SDE run from the prior at t_max\n"
                "(Crank–Nicolson in 1-D, Douglas ADI in 2-D and 3-D, `fokker_planck_steps` steps).");
  m.def(
      "log_density_at",
      [](const pde::DensityField& density, const Eigen::ArrayXXd& points) { return likelihood::log_density_at(density, points); },
      py::arg("density"), py::arg("points"), "log of a grid density at points (multilinear interpolation of the cell values)");
}

}  // namespace kolmo::python
