// kolmo.sde.solve: a Monte Carlo ensemble of an SDE with any of the general schemes, NumPy out.
// The GIL is released for the whole solve (Python callables take it back per batch).

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>

#include "kolmo/core/error.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/milstein.hpp"
#include "kolmo/sde/platen_weak2.hpp"
#include "kolmo/sde/rossler_sra1.hpp"
#include "kolmo/sde/stochastic_heun.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

/// The schemes a user names: scheme(dt) for solve.
sde::EnsembleSolution solve_with(const std::string& scheme, const sde::SdeProblem& problem, double dt,
                                 const sde::EnsembleOptions& options) {
  if (scheme == "euler-maruyama") return sde::solve(problem, sde::EulerMaruyama{dt}, options);
  if (scheme == "milstein") return sde::solve(problem, sde::Milstein{dt}, options);
  if (scheme == "stochastic-heun") return sde::solve(problem, sde::StochasticHeun{dt}, options);
  if (scheme == "platen-weak2") return sde::solve(problem, sde::PlatenWeak2{dt}, options);
  if (scheme == "rossler-sra1") return sde::solve(problem, sde::RosslerSra1{dt}, options);
  throw kolmo::Error("kolmo.sde.solve: parameter 'scheme' = '" + scheme +
                     "'; expected one of euler-maruyama, milstein, stochastic-heun, platen-weak2, rossler-sra1");
}

/// x0 as a point (d entries: every path starts there), per-path states (paths × d), or a GaussianMixture.
ensemble::InitialLaw initial_law(const py::object& x0) {
  if (py::isinstance<distribution::GaussianMixture>(x0)) {
    return ensemble::InitialLaw::from(distribution::Law::mixture(x0.cast<distribution::GaussianMixture>()));
  }
  const auto array = py::array_t<double, py::array::forcecast>::ensure(x0);
  if (array && array.ndim() == 2) return ensemble::InitialLaw::points(x0.cast<Eigen::ArrayXXd>());
  if (array && array.ndim() <= 1) return ensemble::InitialLaw::point(x0.cast<Eigen::VectorXd>());
  throw kolmo::Error("kolmo.sde.solve: parameter 'x0' has the wrong type; expected a point (d,), states (paths, d) or a "
                     "GaussianMixture");
}

}  // namespace

void bind_sde(py::module_& m) {
  using sde::EnsembleSolution;
  py::class_<ensemble::SolveStats>(m, "SolveStats")
      .def_readonly("steps", &ensemble::SolveStats::steps)
      .def_readonly("paths", &ensemble::SolveStats::paths)
      .def_readonly("drift_evaluations", &ensemble::SolveStats::drift_evaluations)
      .def_readonly("diffusion_evaluations", &ensemble::SolveStats::diffusion_evaluations)
      .def_readonly("wall_seconds", &ensemble::SolveStats::wall_seconds);
  py::class_<EnsembleSolution>(m, "EnsembleSolution", "Terminal states (NaN rows for failed paths), status and stats")
      .def_readonly("status", &EnsembleSolution::status)
      .def_readonly("scheme", &EnsembleSolution::scheme)
      .def_readonly("t0", &EnsembleSolution::t0)
      .def_readonly("t1", &EnsembleSolution::t1)
      .def_readonly("dt", &EnsembleSolution::dt)
      .def_readonly("terminal", &EnsembleSolution::terminal)
      .def_property_readonly("failed_paths", [](const EnsembleSolution& s) {
        std::vector<std::uint64_t> paths;
        for (const auto& f : s.failures) paths.push_back(f.path);
        return paths;
      })
      .def_readonly("stats", &EnsembleSolution::stats)
      .def("__repr__", [](const EnsembleSolution& s) {
        return "EnsembleSolution(scheme='" + s.scheme + "', paths=" + std::to_string(s.stats.paths) +
               ", steps=" + std::to_string(s.stats.steps) + ", status=" + std::string(to_string(s.status.code)) + ")";
      });

  m.def(
      "solve",
      [](const process::Sde& equation, const py::object& x0, double t0, double t1, double dt, std::uint64_t paths,
         std::uint64_t seed, const std::string& scheme, int threads, std::uint64_t brownian_fine_steps) {
        const sde::SdeProblem problem(equation, initial_law(x0), t0, t1, seed);
        py::gil_scoped_release release;
        return solve_with(scheme, problem, dt,
                          {.paths = paths, .threads = threads, .brownian_fine_steps = brownian_fine_steps});
      },
      py::arg("sde"), py::arg("x0"), py::arg("t0"), py::arg("t1"), py::kw_only(), py::arg("dt"), py::arg("paths"),
      py::arg("seed"), py::arg("scheme") = "euler-maruyama", py::arg("threads") = 1, py::arg("brownian_fine_steps") = 0,
      "Solves dX = f dt + g dW from x0 on [t0, t1] for `paths` paths with `scheme` at step dt. Every draw is a function\n"
      "of (seed, path, step): the result is bit-identical for any `threads`. Bad input raises kolmo.Error; a numerical\n"
      "failure is the returned status (failed paths are NaN rows of `terminal`).");
}

}  // namespace kolmo::python
