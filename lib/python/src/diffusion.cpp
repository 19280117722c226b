// kolmo.schedule, kolmo.score, kolmo.sampling: noise schedules, a mixture diffused by one (its
// exact marginals and score), score models — exact, a grid oracle, or a vectorised Python callable
// s(t, X) — and the samplers: DDPM, DDIM, DPM-Solver(-1/2/3), DPM-Solver++(2M), predictor–corrector
// and annealed Langevin, NumPy out.

#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <limits>
#include <optional>
#include <string>

#include "callable.hpp"
#include "initial_law.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/ensemble/initial_law.hpp"
#include "kolmo/process/discrete_schedule.hpp"
#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/pde/density_series.hpp"
#include "kolmo/sampling/annealed_langevin.hpp"
#include "kolmo/sampling/ddim.hpp"
#include "kolmo/sampling/ddpm.hpp"
#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/dpm_solver_adaptive.hpp"
#include "kolmo/sampling/dpm_solver_ancestral.hpp"
#include "kolmo/sampling/dpm_solver_multistep.hpp"
#include "kolmo/sampling/dpm_solver_plus_plus.hpp"
#include "kolmo/sampling/edm.hpp"
#include "kolmo/sampling/predictor_corrector.hpp"
#include "kolmo/sampling/sde_dpm_solver.hpp"
#include "kolmo/sampling/uni_pc.hpp"
#include "kolmo/score/grid_oracle_score.hpp"
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

/// The options of every sampler, as the Python call passes them.
struct SamplerChoice {
  std::string sampler;
  std::size_t steps = 0;
  double eta = 0.0;
  std::string spacing;
  bool denoise_final = false;
  int order = 2;
  std::size_t corrector_steps = 1;
  double snr = 0.16;
  std::string predictor;
  std::size_t steps_per_level = 0;
  double epsilon = 0.0;
  std::string prediction;
  std::string inner_points;
  bool lower_order_final = true;
  double rho = 7.0;
  double churn = 0.0, churn_min = 0.0, churn_max = std::numeric_limits<double>::infinity();
  double noise_inflation = 1.0;
  std::string variant;
  std::string form;
  double absolute_tolerance = 0.0078, relative_tolerance = 0.05;
};

sampling::Prediction prediction_of(const std::string& name, const char* fallback) {
  const std::string& chosen = name.empty() ? std::string(fallback) : name;
  if (chosen == "noise") return sampling::Prediction::noise;
  if (chosen == "data") return sampling::Prediction::data;
  throw kolmo::Error("kolmo.sampling.sample: parameter 'prediction' = '" + chosen + "'; expected noise or data");
}

sampling::InnerPoints inner_points_of(const std::string& name, const char* fallback) {
  const std::string& chosen = name.empty() ? std::string(fallback) : name;
  if (chosen == "lambda") return sampling::InnerPoints::lambda;
  if (chosen == "spacing") return sampling::InnerPoints::spacing;
  throw kolmo::Error("kolmo.sampling.sample: parameter 'inner_points' = '" + chosen + "'; expected lambda or spacing");
}

sampling::Predictor predictor_of(const std::string& name) {
  if (name == "reverse-diffusion") return sampling::Predictor::reverse_diffusion;
  if (name == "euler-maruyama") return sampling::Predictor::euler_maruyama;
  throw kolmo::Error("kolmo.sampling.sample: parameter 'predictor' = '" + name + "'; expected reverse-diffusion or euler-maruyama");
}

sampling::SampleSolution sample_with(const SamplerChoice& c, const sampling::SamplingProblem& problem,
                                     const sampling::SamplerOptions& options) {
  // An empty spacing takes the sampler's own default (uniform in t; the DPM-Solvers uniform in λ).
  const auto spaced = [&](const char* fallback) { return spacing_of(c.spacing.empty() ? fallback : c.spacing); };
  const std::string& name = c.sampler;
  if (name == "ddpm") return sampling::sample(problem, sampling::Ddpm{c.steps, spaced("uniform_time"), c.denoise_final}, options);
  if (name == "ddim") {
    return sampling::sample(problem, sampling::Ddim{c.steps, c.eta, spaced("uniform_time"), c.denoise_final}, options);
  }
  if (name == "dpm-solver") {
    return sampling::sample(problem,
                            sampling::DpmSolver{c.order, c.steps, spaced("uniform_lambda"), c.denoise_final,
                                                prediction_of(c.prediction, "noise"), inner_points_of(c.inner_points, "lambda")},
                            options);
  }
  if (name == "dpm-solver-fast") {
    return sampling::sample(problem,
                            sampling::DpmSolverFast{c.order, c.steps, spaced("uniform_lambda"), prediction_of(c.prediction, "noise"),
                                                    inner_points_of(c.inner_points, "spacing"), c.denoise_final},
                            options);
  }
  if (name == "dpm-solver-multistep") {
    return sampling::sample(problem,
                            sampling::DpmSolverMultistep{c.order, c.steps, spaced("uniform_lambda"), prediction_of(c.prediction, "data"),
                                                         c.lower_order_final, c.denoise_final},
                            options);
  }
  if (name == "unipc") {
    if (!c.variant.empty() && c.variant != "bh1" && c.variant != "bh2") {
      throw kolmo::Error("kolmo.sampling.sample: parameter 'variant' = '" + c.variant + "'; expected bh1 or bh2");
    }
    return sampling::sample(problem,
                            sampling::UniPc{c.order, c.steps, spaced("uniform_lambda"), prediction_of(c.prediction, "data"),
                                            c.variant == "bh2" ? sampling::UniPcVariant::bh2 : sampling::UniPcVariant::bh1,
                                            c.lower_order_final, c.denoise_final},
                            options);
  }
  if (name == "sde-dpm-solver++") {
    if (!c.form.empty() && c.form != "midpoint" && c.form != "heun") {
      throw kolmo::Error("kolmo.sampling.sample: parameter 'form' = '" + c.form + "'; expected midpoint or heun");
    }
    return sampling::sample(problem,
                            sampling::SdeDpmSolverPlusPlus2M{c.steps, c.eta, c.noise_inflation,
                                                             c.form == "heun" ? sampling::SecondOrderForm::heun
                                                                              : sampling::SecondOrderForm::midpoint,
                                                             spaced("uniform_lambda"), c.denoise_final},
                            options);
  }
  if (name == "dpm-solver++-2s-ancestral") {
    return sampling::sample(problem,
                            sampling::DpmSolverPlusPlus2SAncestral{c.steps, c.eta, c.noise_inflation, spaced("uniform_lambda"),
                                                                   c.denoise_final},
                            options);
  }
  if (name == "dpm-solver-adaptive") {
    sampling::DpmSolverAdaptive adaptive;
    adaptive.order = c.order;
    adaptive.absolute_tolerance = c.absolute_tolerance;
    adaptive.relative_tolerance = c.relative_tolerance;
    adaptive.prediction = prediction_of(c.prediction, "noise");
    return sampling::sample(problem, adaptive, options);
  }
  if (name == "edm") {
    return sampling::sample(problem, sampling::EdmHeun{c.steps, c.rho, c.churn, c.churn_min, c.churn_max, c.noise_inflation},
                            options);
  }
  if (name == "dpm-solver++") {
    return sampling::sample(problem, sampling::DpmSolverPlusPlus2M{c.steps, spaced("uniform_lambda"), c.denoise_final}, options);
  }
  if (name == "predictor-corrector") {
    sampling::PredictorCorrector pc;
    pc.steps = c.steps;
    pc.predictor = predictor_of(c.predictor.empty() ? "reverse-diffusion" : c.predictor);
    pc.corrector_steps = c.corrector_steps;
    pc.snr = c.snr;
    pc.spacing = spaced("uniform_time");
    pc.denoise_final = c.denoise_final;
    return sampling::sample(problem, pc, options);
  }
  if (name == "annealed-langevin") {
    return sampling::sample(
        problem, sampling::AnnealedLangevin{c.steps, c.steps_per_level, c.epsilon, spaced("uniform_time"), c.denoise_final},
        options);
  }
  throw kolmo::Error("kolmo.sampling.sample: parameter 'sampler' = '" + name +
                     "'; expected ddpm, ddim, dpm-solver, dpm-solver-fast, dpm-solver-multistep, dpm-solver-adaptive, "
                     "dpm-solver++, dpm-solver++-2s-ancestral, sde-dpm-solver++, unipc, predictor-corrector, "
                     "annealed-langevin or edm");
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

  using process::DiscreteSchedule;
  py::class_<DiscreteSchedule>(schedule_module, "DiscreteSchedule", "A DDPM chain β_1..β_N on t_i = i T / N")
      .def(py::init<std::vector<double>, double>(), py::arg("betas"), py::arg("horizon") = 1.0)
      .def_static("linear", &DiscreteSchedule::linear, py::arg("steps") = 1000, py::arg("beta_first") = 1e-4,
                  py::arg("beta_last") = 0.02, py::arg("horizon") = 1.0, "Ho et al. (2020)")
      .def_static("cosine", &DiscreteSchedule::cosine, py::arg("steps") = 1000, py::arg("offset") = 0.008,
                  py::arg("max_beta") = 0.999, py::arg("horizon") = 1.0, "Nichol & Dhariwal (2021, eq. 17)")
      .def_property_readonly("steps", &DiscreteSchedule::steps)
      .def_property_readonly("horizon", &DiscreteSchedule::horizon)
      .def("beta", &DiscreteSchedule::beta, py::arg("i"), "β_i, i = 1..N")
      .def("alpha_bar", &DiscreteSchedule::alpha_bar, py::arg("i"), "ᾱ_i, i = 0..N")
      .def("time_of", &DiscreteSchedule::time_of, py::arg("i"))
      .def("as_continuous", &DiscreteSchedule::as_continuous, "The continuous VP schedule through the discrete levels");

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
      [](const ScoreModel& model, const NoiseSchedule& schedule, const py::object& prior, double t_max, double t_min,
         std::int64_t seed, const std::string& sampler, std::int64_t steps, std::int64_t paths, std::optional<double> eta,
         const std::string& spacing, bool denoise_final, std::optional<int> order, std::int64_t corrector_steps, double snr, const std::string& predictor,
         std::int64_t steps_per_level, double epsilon, const std::string& prediction, const std::string& inner_points,
         bool lower_order_final, double rho, double churn, double churn_min, double churn_max, double noise_inflation,
         const std::string& variant, const std::string& form, double absolute_tolerance, double relative_tolerance,
         int threads) {
        const std::string where = "kolmo.sampling.sample";
        const sampling::SamplingProblem problem(model, schedule, initial_law(prior, where, "prior"), t_max, t_min,
                                                non_negative(seed, where, "seed"));
        // η and the order default per sampler, as in C++: η = 1 for SDE-DPM-Solver++ and the ancestral
        // DPM-Solver++(2S), 0 for DDIM;
        // order 3 for DPM-Solver-fast and the adaptive solver, 2 for the others.
        const double eta_value = eta.value_or(sampler == "sde-dpm-solver++" || sampler == "dpm-solver++-2s-ancestral" ? 1.0 : 0.0);
        const int order_value = order.value_or(sampler == "dpm-solver-fast" || sampler == "dpm-solver-adaptive" ? 3 : 2);
        const SamplerChoice choice{sampler,    non_negative(steps, where, "steps"), eta_value, spacing, denoise_final, order_value,
                                   non_negative(corrector_steps, where, "corrector_steps"), snr, predictor,
                                   non_negative(steps_per_level, where, "steps_per_level"), epsilon, prediction,
                                   inner_points, lower_order_final, rho,    churn,   churn_min,         churn_max,
                                   noise_inflation, variant, form, absolute_tolerance, relative_tolerance};
        py::gil_scoped_release release;
        const sampling::SamplerOptions options{.paths = non_negative(paths, where, "paths"), .threads = threads};
        return sample_with(choice, problem, options);
      },
      py::arg("model"), py::arg("schedule"), py::arg("prior"), py::kw_only(), py::arg("t_max"), py::arg("t_min"), py::arg("seed"),
      py::arg("sampler"), py::arg("steps"), py::arg("paths"), py::arg("eta") = py::none(), py::arg("spacing") = "",
      py::arg("denoise_final") = false, py::arg("order") = py::none(), py::arg("corrector_steps") = 1, py::arg("snr") = 0.16,
      py::arg("predictor") = "", py::arg("steps_per_level") = 0, py::arg("epsilon") = 0.0, py::arg("prediction") = "",
      py::arg("inner_points") = "", py::arg("lower_order_final") = true, py::arg("rho") = 7.0, py::arg("churn") = 0.0,
      py::arg("churn_min") = 0.0, py::arg("churn_max") = std::numeric_limits<double>::infinity(),
      py::arg("noise_inflation") = 1.0, py::arg("variant") = "", py::arg("form") = "", py::arg("absolute_tolerance") = 0.0078,
      py::arg("relative_tolerance") = 0.05, py::arg("threads") = 1,
      "Samples from t_max (x ~ prior: a GaussianMixture, or start points (paths, d)) to t_min in `steps` steps with\n"
      "  ddpm; ddim (eta); dpm-solver (order 1-3, prediction noise|data, inner_points lambda|spacing; Lu et al. 2022);\n"
      "  dpm-solver-fast (order mixing: steps = NFE, the official default); dpm-solver-multistep (order 1-3,\n"
      "  prediction, lower_order_final); dpm-solver++ (2M); edm (steps = noise levels, rho, churn, churn_min,\n"
      "  churn_max, noise_inflation; Karras et al. 2022, Alg. 1-2, ending at sigma = 0); unipc (order 1-3,\n"
      "  variant bh1|bh2, prediction; Zhao et al. 2023); sde-dpm-solver++ (eta, noise_inflation, form\n"
      "  midpoint|heun); dpm-solver++-2s-ancestral (eta, noise_inflation; k-diffusion's ancestral 2S);\n"
      "  dpm-solver-adaptive (order 2|3, absolute_tolerance, relative_tolerance; steps unused);\n"
      "  predictor-corrector (predictor reverse-diffusion or euler-maruyama, corrector_steps Langevin steps at\n"
      "  signal-to-noise snr; Song et al. 2021, Alg. 2-3); annealed-langevin (steps = levels, steps_per_level,\n"
      "  epsilon; Song & Ermon 2019, Alg. 1).\n"
      "spacing uniform_time or uniform_lambda (default: the sampler's own). Bit-identical for any `threads`.");

  score_module.def(
      "grid_oracle",
      [](std::vector<pde::DensityField> snapshots, const std::string& time_interpolation, std::size_t cached_times) {
        if (time_interpolation != "linear" && time_interpolation != "cubic") {
          throw kolmo::Error("kolmo.score.grid_oracle: parameter 'time_interpolation' = '" + time_interpolation +
                             "'; expected linear or cubic");
        }
        score::GridOracleOptions options;
        options.time_interpolation =
            time_interpolation == "linear" ? pde::TimeInterpolation::linear : pde::TimeInterpolation::cubic;
        options.cached_times = cached_times;
        return score::grid_oracle_score(pde::DensitySeries(std::move(snapshots)), options);
      },
      py::arg("snapshots"), py::kw_only(), py::arg("time_interpolation") = "cubic", py::arg("cached_times") = 4,
      "∇log p_t from a Fokker–Planck time series (DensityFields at increasing times on one grid, e.g. a\n"
      "solve_fokker_planck's snapshots), interpolated in t: the score of any forward SDE the grid solver handles.");
}

}  // namespace kolmo::python
