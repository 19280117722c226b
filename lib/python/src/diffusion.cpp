// kolmo.schedule, kolmo.score, kolmo.sampling: noise schedules, a mixture diffused by one (its
// exact marginals and score), score models — exact, or a vectorised Python callable s(t, X) — and
// the discrete samplers DDPM, DDIM and DPM-Solver++(2M), NumPy out.

#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <string>

#include "callable.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/ensemble/initial_law.hpp"
#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/sampling/ddim.hpp"
#include "kolmo/sampling/ddpm.hpp"
#include "kolmo/sampling/dpm_solver_plus_plus.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "kolmo/score/score_model.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

sampling::StepSpacing spacing_of(const std::string& name) {
  if (name == "uniform_time") return sampling::StepSpacing::uniform_time;
  if (name == "uniform_lambda") return sampling::StepSpacing::uniform_lambda;
  throw kolmo::Error("kolmo.sampling.sample: parameter 'spacing' = '" + name + "'; expected uniform_time or uniform_lambda");
}

sampling::SampleSolution sample_with(const std::string& sampler, const sampling::SamplingProblem& problem, std::size_t steps,
                                     double eta, const std::string& spacing, bool denoise_final,
                                     const sampling::SamplerOptions& options) {
  // An empty spacing takes the sampler's own default (uniform in t; DPM-Solver++ uniform in λ).
  const auto spaced = [&](const char* fallback) { return spacing_of(spacing.empty() ? fallback : spacing); };
  if (sampler == "ddpm") return sampling::sample(problem, sampling::Ddpm{steps, spaced("uniform_time"), denoise_final}, options);
  if (sampler == "ddim") return sampling::sample(problem, sampling::Ddim{steps, eta, spaced("uniform_time"), denoise_final}, options);
  if (sampler == "dpm-solver++") {
    return sampling::sample(problem, sampling::DpmSolverPlusPlus2M{steps, spaced("uniform_lambda"), denoise_final}, options);
  }
  throw kolmo::Error("kolmo.sampling.sample: parameter 'sampler' = '" + sampler + "'; expected ddpm, ddim or dpm-solver++");
}

}  // namespace

void bind_diffusion(py::module_& schedule_module, py::module_& score_module, py::module_& sampling_module) {
  using process::NoiseSchedule;
  py::class_<NoiseSchedule>(schedule_module, "NoiseSchedule", "x_t = α(t) x_0 + σ(t) ε on [0, T]")
      .def_static("vp_linear", &NoiseSchedule::vp_linear, py::arg("beta_min") = 0.1, py::arg("beta_max") = 20.0, py::arg("horizon") = 1.0)
      .def_static("vp_cosine", &NoiseSchedule::vp_cosine, py::arg("offset") = 0.008, py::arg("horizon") = 0.9946)
      .def_static("ve_geometric", &NoiseSchedule::ve_geometric, py::arg("sigma_min") = 0.01, py::arg("sigma_max") = 50.0,
                  py::arg("horizon") = 1.0)
      .def_static("sub_vp", &NoiseSchedule::sub_vp, py::arg("beta_min") = 0.1, py::arg("beta_max") = 20.0, py::arg("horizon") = 1.0)
      .def_static("edm", &NoiseSchedule::edm, py::arg("sigma_max") = 80.0)
      .def_property_readonly("name", &NoiseSchedule::name)
      .def_property_readonly("horizon", &NoiseSchedule::horizon)
      .def("alpha", py::vectorize(&NoiseSchedule::alpha))
      .def("sigma", py::vectorize(&NoiseSchedule::sigma))
      .def("snr", py::vectorize(&NoiseSchedule::snr))
      .def("lambda_", py::vectorize(&NoiseSchedule::lambda), "λ(t) = log(α/σ)")
      .def("sde", &NoiseSchedule::sde, py::arg("dimension"), "The forward SDE dX = f(t) X dt + g(t) dW")
      .def("__repr__", [](const NoiseSchedule& s) { return "NoiseSchedule('" + s.name() + "')"; });

  using distribution::DiffusedMixture;
  py::class_<DiffusedMixture>(schedule_module, "DiffusedMixture", "A Gaussian mixture's law under a noise schedule, exactly")
      .def(py::init<distribution::GaussianMixture, NoiseSchedule>(), py::arg("data"), py::arg("schedule"))
      .def_property_readonly("schedule", &DiffusedMixture::schedule)
      .def("marginal", &DiffusedMixture::marginal, py::arg("t"), "p_t as a GaussianMixture");

  using score::ScoreModel;
  py::class_<ScoreModel>(score_module, "ScoreModel", "s(t, X) ≈ ∇ log p_t(X), rows of X (paths, d)")
      .def_property_readonly("name", &ScoreModel::name)
      .def_property_readonly("dimension", &ScoreModel::dimension)
      .def(
          "__call__", [](const ScoreModel& s, double t, const Eigen::ArrayXXd& x) { return s.score(t, x); }, py::arg("t"), py::arg("x"),
          py::call_guard<py::gil_scoped_release>());
  score_module.def("mixture_score", &score::mixture_score, py::arg("diffused"), "The exact score ∇ log p_t of a diffused mixture");
  score_module.def(
      "from_callable",
      [](std::string name, std::size_t dimension, py::function score) {
        return ScoreModel(std::move(name), dimension, batch_coefficient(std::move(score), "score", dimension));
      },
      py::arg("name"), py::arg("dimension"), py::arg("score"),
      "A score model from a vectorised Python callable score(t, X) -> (paths, d), called once per batch under the GIL");

  py::class_<sampling::SampleSolution>(sampling_module, "SampleSolution")
      .def_readonly("status", &sampling::SampleSolution::status)
      .def_readonly("sampler", &sampling::SampleSolution::sampler)
      .def_readonly("times", &sampling::SampleSolution::times)
      .def_readonly("samples", &sampling::SampleSolution::samples)
      .def_property_readonly("model_evaluations", [](const sampling::SampleSolution& s) { return s.stats.model_evaluations; })
      .def_property_readonly("wall_seconds", [](const sampling::SampleSolution& s) { return s.stats.wall_seconds; });
  sampling_module.def(
      "sample",
      [](const ScoreModel& model, const NoiseSchedule& schedule, const distribution::GaussianMixture& prior, double t_max, double t_min,
         std::uint64_t seed, const std::string& sampler, std::size_t steps, std::uint64_t paths, double eta, const std::string& spacing,
         bool denoise_final, int threads) {
        const sampling::SamplingProblem problem(model, schedule, ensemble::InitialLaw::from(distribution::Law::mixture(prior)), t_max,
                                                t_min, seed);
        py::gil_scoped_release release;
        return sample_with(sampler, problem, steps, eta, spacing, denoise_final, {.paths = paths, .threads = threads});
      },
      py::arg("model"), py::arg("schedule"), py::arg("prior"), py::kw_only(), py::arg("t_max"), py::arg("t_min"), py::arg("seed"),
      py::arg("sampler"), py::arg("steps"), py::arg("paths"), py::arg("eta") = 0.0, py::arg("spacing") = "",
      py::arg("denoise_final") = false, py::arg("threads") = 1,
      "Samples from t_max (x ~ prior) to t_min with ddpm, ddim (eta) or dpm-solver++ in `steps` steps; spacing\n"
      "uniform_time or uniform_lambda (default: the sampler's own). Bit-identical for any `threads`.");
}

}  // namespace kolmo::python
