// kolmo.likelihood: the probability-flow ODE log-likelihood and the variational bounds of a
// diffusion model, per point with their standard errors (likelihood/*.hpp), NumPy out.

#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "kolmo/likelihood/continuous_elbo.hpp"
#include "kolmo/likelihood/ode_log_likelihood.hpp"
#include "kolmo/likelihood/vdm_bound.hpp"
#include "kolmo/sampling/forward_process.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {

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
}

}  // namespace kolmo::python
