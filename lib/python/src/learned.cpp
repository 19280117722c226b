// kolmo.score, continued: the learned score network (score/mlp.hpp) and its training by
// continuous-time denoising score matching (score/train.hpp, score/objective.hpp), and the
// explicit score-matching distance of any model to a reference score at one time.

#include <pybind11/eigen.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <string>

#include "kolmo/core/error.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/score/mlp.hpp"
#include "kolmo/score/objective.hpp"
#include "kolmo/score/train.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

score::Activation activation_of(const std::string& name) {
  if (name == "silu") return score::Activation::silu;
  if (name == "tanh") return score::Activation::tanh;
  throw kolmo::Error("kolmo.score.Mlp: parameter 'activation' = '" + name + "'; expected silu or tanh");
}

score::Parameterisation output_of(const std::string& name) {
  if (name == "epsilon") return score::Parameterisation::epsilon;
  if (name == "score") return score::Parameterisation::score;
  if (name == "data") return score::Parameterisation::data;
  if (name == "velocity") return score::Parameterisation::velocity;
  throw kolmo::Error("kolmo.score.Mlp: parameter 'output' = '" + name + "'; expected epsilon, score, data or velocity");
}

score::Weighting weighting_of(const std::string& name) {
  if (name == "likelihood") return score::Weighting::likelihood();
  if (name == "sigma_squared") return score::Weighting::sigma_squared();
  throw kolmo::Error("kolmo.score.train: parameter 'weighting' = '" + name + "'; expected likelihood (g²) or sigma_squared (σ²)");
}

/// Data as training input: samples (n, d), or a GaussianMixture drawn afresh at every step.
score::TrainingData training_data(const py::object& data) {
  if (py::isinstance<distribution::GaussianMixture>(data)) {
    return distribution::Law::mixture(data.cast<distribution::GaussianMixture>());
  }
  return data.cast<Eigen::ArrayXXd>();
}

}  // namespace

void bind_learned(py::module_& m) {
  using score::Mlp;
  py::class_<Mlp>(m, "Mlp",
                  "A time-conditioned MLP score network with exact gradients (Fourier features of t, SiLU or tanh)")
      .def(py::init([](std::size_t dimension, process::NoiseSchedule schedule, std::vector<std::size_t> hidden,
                       const std::string& activation, std::size_t time_frequencies, double max_frequency,
                       const std::string& output, std::uint64_t seed) {
             return Mlp({dimension, std::move(hidden), activation_of(activation), time_frequencies, max_frequency,
                         output_of(output)},
                        std::move(schedule), seed);
           }),
           py::arg("dimension"), py::arg("schedule"), py::kw_only(), py::arg("hidden") = std::vector<std::size_t>{64, 64},
           py::arg("activation") = "silu", py::arg("time_frequencies") = 8, py::arg("max_frequency") = 32.0,
           py::arg("output") = "epsilon", py::arg("seed") = 0)
      .def_static("load", &Mlp::load, py::arg("file"), py::arg("schedule"))
      .def("save", &Mlp::save, py::arg("file"))
      .def_property_readonly("dimension", &Mlp::dimension)
      .def_property_readonly("parameter_count", &Mlp::parameter_count)
      .def_property_readonly("parameters", &Mlp::parameters)
      .def("set_parameters", &Mlp::set_parameters, py::arg("parameters"))
      .def(
          "score",
          [](const Mlp& mlp, double t, const Eigen::ArrayXXd& x) { return mlp.score(Eigen::ArrayXd::Constant(x.rows(), t), x); },
          py::arg("t"), py::arg("x"), py::call_guard<py::gil_scoped_release>(), "s(t, x) at each row of x")
      .def("score_model", &Mlp::score_model, py::arg("name") = "",
           "A ScoreModel of the current parameters (a copy: later training does not change it)");

  py::class_<score::LossRecord>(m, "LossRecord")
      .def_readonly("first_step", &score::LossRecord::first_step)
      .def_readonly("steps", &score::LossRecord::steps)
      .def_readonly("loss", &score::LossRecord::loss)
      .def_readonly("standard_error", &score::LossRecord::standard_error)
      .def_readonly("learning_rate", &score::LossRecord::learning_rate);
  py::class_<score::TrainingSolution>(m, "TrainingSolution")
      .def_readonly("status", &score::TrainingSolution::status)
      .def_readonly("loss_curve", &score::TrainingSolution::loss_curve)
      .def_readonly("ema_parameters", &score::TrainingSolution::ema_parameters)
      .def_readonly("steps_taken", &score::TrainingSolution::steps_taken);
  m.def(
      "train",
      [](Mlp& model, const py::object& data, double t_min, const std::string& weighting, std::size_t steps, std::size_t batch,
         double learning_rate, std::size_t warmup_steps, double ema_decay, std::uint64_t seed, int threads,
         std::size_t record_every) {
        const score::Objective objective =
            score::ContinuousScoreMatching{model.schedule(), weighting_of(weighting), t_min, score::TimeSampling::uniform(), {}};
        score::TrainOptions options;
        options.steps = steps;
        options.batch = batch;
        options.learning_rate = warmup_steps == 0 ? score::LearningRate::constant(learning_rate)
                                                  : score::LearningRate::warmup_cosine(learning_rate, warmup_steps, steps);
        options.ema_decay = ema_decay;
        options.seed = seed;
        options.threads = threads;
        options.record_every = record_every;
        const auto input = training_data(data);
        py::gil_scoped_release release;
        return score::train(model, objective, input, options);
      },
      py::arg("model"), py::arg("data"), py::kw_only(), py::arg("t_min") = 1e-3, py::arg("weighting") = "likelihood",
      py::arg("steps") = 1000, py::arg("batch") = 256, py::arg("learning_rate") = 1e-3, py::arg("warmup_steps") = 0,
      py::arg("ema_decay") = 0.999, py::arg("seed") = 0, py::arg("threads") = 1, py::arg("record_every") = 10,
      "Trains `model` in place by Adam on ½ ∫ λ(t) E|s(x_t, t) − ∇log q(x_t | x_0)|² dt over its schedule (Song et al.\n"
      "2021, eq. 7) with λ = g² (likelihood) or σ², t uniform on [t_min, T]; `data` is samples (n, d) or a\n"
      "GaussianMixture drawn afresh each step. warmup_steps > 0: linear warm-up then cosine decay. The model ends\n"
      "at the final parameters; the EMA average is returned (model.set_parameters(result.ema_parameters)).");

  py::class_<score::ObjectiveEstimate>(m, "ObjectiveEstimate")
      .def_readonly("status", &score::ObjectiveEstimate::status)
      .def_readonly("value", &score::ObjectiveEstimate::value)
      .def_readonly("standard_error", &score::ObjectiveEstimate::standard_error)
      .def_readonly("points", &score::ObjectiveEstimate::points);
  m.def(
      "explicit_score_matching",
      [](const score::ScoreModel& model, const score::ScoreModel& reference, const Eigen::ArrayXXd& points, double t) {
        py::gil_scoped_release release;
        return score::evaluate(score::ExplicitScoreMatching{reference, t}, model, points, 0);
      },
      py::arg("model"), py::arg("reference"), py::arg("points"), py::arg("t"),
      "½ E_p |s − s_ref|² at time t over `points` (samples of p_t), with its standard error (Hyvärinen 2005, eq. 2)");
}

}  // namespace kolmo::python
