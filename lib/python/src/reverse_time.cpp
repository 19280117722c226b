// kolmo.sampling, continued: the reverse-time SDE and the probability-flow ODE of a noise
// schedule and a score model (sampling/reverse_sde.hpp), solved by the general SDE and ODE
// engines; and Langevin Markov chains, ULA and MALA, for a fixed target (sampling/langevin_mcmc.hpp).

#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <string>

#include "callable.hpp"
#include "initial_law.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/ode/ensemble.hpp"
#include "kolmo/sampling/forward_process.hpp"
#include "kolmo/sampling/langevin_mcmc.hpp"
#include "kolmo/sampling/reverse_sde.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

ode::Method flow_method(const std::string& method, std::size_t steps, double span, double tolerance) {
  const double dt = steps == 0 ? 0.0 : span / static_cast<double>(steps);
  if (method == "euler") return ode::Euler{dt};
  if (method == "heun") return ode::Heun{dt};
  if (method == "rk4") return ode::Rk4{dt};
  if (method == "dormand-prince") return ode::DormandPrince{tolerance, tolerance};
  throw kolmo::Error("kolmo.sampling.probability_flow: parameter 'method' = '" + method +
                     "'; expected euler, heun, rk4 (with steps) or dormand-prince (with tolerance)");
}

/// The target of a Langevin chain: a GaussianMixture (its exact score and log density), or
/// Python callables score(X) -> (n, d) and log_density(X) -> (n,) (MALA needs the latter).
sampling::LangevinTarget langevin_target(const py::object& target, const py::object& log_density, std::size_t dimension) {
  if (py::isinstance<distribution::GaussianMixture>(target)) {
    const auto mixture = target.cast<distribution::GaussianMixture>();
    return {"mixture", mixture.dimension(), [mixture](const process::StateView& x) { return mixture.score(x); },
            [mixture](const process::StateView& x) { return mixture.log_density(x); }};
  }
  if (!PyCallable_Check(target.ptr())) {
    throw kolmo::Error("kolmo.sampling.langevin: parameter 'target' has the wrong type; expected a GaussianMixture or a "
                       "callable score(X) -> (n, d)");
  }
  sampling::LangevinTarget result{"python", dimension, state_map(target.cast<py::function>(), "score", dimension), {}};
  if (!log_density.is_none()) result.log_density = state_function(log_density.cast<py::function>(), "log_density");
  return result;
}

}  // namespace

void bind_reverse_time(py::module_& m) {
  m.def(
      "reverse_sde",
      [](const process::NoiseSchedule& schedule, const score::ScoreModel& score, double k) {
        return sampling::reverse_sde(sampling::ForwardProcess::of(schedule, score.dimension()), score, k);
      },
      py::arg("schedule"), py::arg("score"), py::arg("k") = 1.0,
      "dx = [f − (1 + k²)/2 g² s] dt + k g dW̄ as a kolmo.process.Sde, for kolmo.sde.solve from t0 = T down to t1 = t_min:\n"
      "k = 1 is Anderson's reverse-time SDE (Song et al. 2021, eq. 6), k = 0 the probability-flow ODE (eq. 13).");

  py::class_<ode::FlowEnsembleSolution>(m, "FlowSolution", "Terminal states of an ODE ensemble")
      .def_property_readonly("status", [](const ode::FlowEnsembleSolution& s) { return s.ensemble.status; })
      .def_property_readonly("samples", [](const ode::FlowEnsembleSolution& s) { return s.ensemble.terminal; })
      .def_property_readonly("steps", [](const ode::FlowEnsembleSolution& s) { return s.ensemble.stats.steps; })
      .def_readonly("velocity_evaluations", &ode::FlowEnsembleSolution::velocity_evaluations, "over all paths")
      .def_property_readonly("wall_seconds", [](const ode::FlowEnsembleSolution& s) { return s.ensemble.stats.wall_seconds; });
  m.def(
      "probability_flow",
      [](const score::ScoreModel& model, const process::NoiseSchedule& schedule, const py::object& x, double t_max,
         double t_min, std::int64_t seed, const std::string& method, std::int64_t steps, double tolerance, std::int64_t paths,
         int threads) {
        const std::string where = "kolmo.sampling.probability_flow";
        if (!(t_min > 0.0 && t_min < t_max && t_max <= schedule.horizon())) {
          throw kolmo::Error(where + ": parameters 't_max' = " + std::to_string(t_max) + " and 't_min' = " + std::to_string(t_min) +
                             "; expected 0 < t_min < t_max <= the schedule's horizon " + std::to_string(schedule.horizon()));
        }
        if (method != "dormand-prince" && steps == 0) {
          throw kolmo::Error(where + ": parameter 'steps' = 0; expected at least 1 for the fixed-step method '" + method + "'");
        }
        ode::FlowProblem problem{sampling::probability_flow(sampling::ForwardProcess::of(schedule, model.dimension()), model),
                                 initial_law(x, where, "x"), t_max, t_min, non_negative(seed, where, "seed")};
        const auto chosen = flow_method(method, non_negative(steps, where, "steps"), t_min - t_max, tolerance);
        const ode::FlowEnsembleOptions options{.paths = non_negative(paths, where, "paths"), .threads = threads};
        py::gil_scoped_release release;
        return ode::solve(problem, chosen, options);
      },
      py::arg("model"), py::arg("schedule"), py::arg("x"), py::kw_only(), py::arg("t_max"), py::arg("t_min"),
      py::arg("seed") = 0, py::arg("method") = "rk4", py::arg("steps") = 0, py::arg("tolerance") = 1e-8,
      py::arg("paths"), py::arg("threads") = 1,
      "The probability-flow ODE dx/dt = f − ½ g² s from t_max (x: states (paths, d), a point, or a GaussianMixture\n"
      "to draw from with `seed`) down to t_min, with euler/heun/rk4 in `steps` steps or adaptive dormand-prince.");

  py::class_<sampling::ChainSolution>(m, "ChainSolution", "The final states of Langevin chains")
      .def_readonly("status", &sampling::ChainSolution::status)
      .def_readonly("method", &sampling::ChainSolution::method)
      .def_readonly("samples", &sampling::ChainSolution::samples)
      .def_readonly("acceptance_rate", &sampling::ChainSolution::acceptance_rate)
      .def_property_readonly("score_evaluations", [](const sampling::ChainSolution& s) { return s.stats.score_evaluations; })
      .def_property_readonly("wall_seconds", [](const sampling::ChainSolution& s) { return s.stats.wall_seconds; });
  m.def(
      "langevin",
      [](const py::object& target, const py::object& x0, std::int64_t seed, const std::string& method, double step,
         std::int64_t iterations, std::int64_t paths, const py::object& log_density, std::int64_t dimension, int threads) {
        const std::string where = "kolmo.sampling.langevin";
        if (dimension == 0 && !py::isinstance<distribution::GaussianMixture>(target)) {
          throw kolmo::Error(where + ": parameter 'dimension' = 0; expected the dimension of the callable target's states");
        }
        const auto pi = langevin_target(target, log_density, non_negative(dimension, where, "dimension"));
        const auto initial = initial_law(x0, where);
        const sampling::ChainOptions options{.paths = non_negative(paths, where, "paths"), .threads = threads};
        const std::uint64_t chain_seed = non_negative(seed, where, "seed");
        const std::uint64_t chain_iterations = non_negative(iterations, where, "iterations");
        if (method != "ula" && method != "mala") {
          throw kolmo::Error(where + ": parameter 'method' = '" + method + "'; expected ula or mala");
        }
        py::gil_scoped_release release;
        if (method == "ula") return sampling::run_chains(pi, initial, chain_seed, sampling::Ula{step, chain_iterations}, options);
        return sampling::run_chains(pi, initial, chain_seed, sampling::Mala{step, chain_iterations}, options);
      },
      py::arg("target"), py::arg("x0"), py::kw_only(), py::arg("seed"), py::arg("method"), py::arg("step"),
      py::arg("iterations"), py::arg("paths"), py::arg("log_density") = py::none(), py::arg("dimension") = 0,
      py::arg("threads") = 1,
      "`paths` Langevin chains x' = x + h ∇log π(x) + √(2h) z for a GaussianMixture target, or a callable score(X)\n"
      "with `dimension` (and log_density(X) for MALA): ula, or mala with its Metropolis correction (Roberts &\n"
      "Tweedie 1996). Bit-identical for any `threads`.");
}

}  // namespace kolmo::python
