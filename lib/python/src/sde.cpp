// kolmo.sde.solve: a Monte Carlo ensemble of an SDE with any of the general schemes, NumPy out.
// The GIL is released for the whole solve (Python callables take it back per batch).

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>

#include "kolmo/core/error.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/process/geometric_brownian_motion.hpp"
#include "kolmo/process/kloeden_platen.hpp"
#include "kolmo/sde/convergence.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/milstein.hpp"
#include "kolmo/sde/platen_weak2.hpp"
#include "kolmo/sde/rossler_sra1.hpp"
#include "kolmo/sde/stochastic_heun.hpp"
#include "callable.hpp"
#include "initial_law.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

/// Calls visit(scheme) with the scheme a user names, at step dt.
template <class Visitor>
auto with_scheme(const std::string& scheme, double dt, const std::string& where, Visitor&& visit) {
  if (scheme == "euler-maruyama") return visit(sde::EulerMaruyama{dt});
  if (scheme == "milstein") return visit(sde::Milstein{dt});
  if (scheme == "stochastic-heun") return visit(sde::StochasticHeun{dt});
  if (scheme == "platen-weak2") return visit(sde::PlatenWeak2{dt});
  if (scheme == "rossler-sra1") return visit(sde::RosslerSra1{dt});
  throw kolmo::Error(where + ": parameter 'scheme' = '" + scheme +
                     "'; expected one of euler-maruyama, milstein, stochastic-heun, platen-weak2, rossler-sra1");
}

/// The exact solution on a path: None, a catalogue process with one, or a callable f(t0, t1, X0, W).
sde::PathSolution exact_solution(const py::object& exact, std::size_t dimension) {
  if (exact.is_none()) return {};
  if (py::isinstance<process::GeometricBrownianMotion>(exact)) {
    return [gbm = exact.cast<process::GeometricBrownianMotion>()](double t0, double t1, const process::StateView& x0,
                                                                  const process::StateView& w) {
      return gbm.solution(t0, t1, x0, w);
    };
  }
  if (py::isinstance<process::AdditiveTestSde>(exact)) {
    return [sde = exact.cast<process::AdditiveTestSde>()](double t0, double t1, const process::StateView& x0,
                                                          const process::StateView& w) { return sde.solution(t0, t1, x0, w); };
  }
  if (PyCallable_Check(exact.ptr())) return path_solution(exact.cast<py::function>(), dimension);
  throw kolmo::Error("kolmo.sde.study_convergence: parameter 'exact' has the wrong type; expected None, a "
                     "GeometricBrownianMotion, an AdditiveTestSde or a callable exact(t0, t1, X0, W) -> (paths, d)");
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
      .def_property_readonly("snapshots",
                             [](const EnsembleSolution& s) {
                               py::list snapshots;
                               for (const auto& snapshot : s.snapshots) snapshots.append(py::make_tuple(snapshot.time, snapshot.states));
                               return snapshots;
                             }, "[(time, states (paths, d)), ...] in request order; failed paths are NaN rows")
      .def("__repr__", [](const EnsembleSolution& s) {
        return "EnsembleSolution(scheme='" + s.scheme + "', paths=" + std::to_string(s.stats.paths) +
               ", steps=" + std::to_string(s.stats.steps) + ", status=" + std::string(to_string(s.status.code)) + ")";
      });

  m.def(
      "solve",
      [](const process::Sde& equation, const py::object& x0, double t0, double t1, double dt, std::int64_t paths,
         std::int64_t seed, const std::string& scheme, int threads, std::int64_t brownian_fine_steps,
         std::vector<double> snapshot_times) {
        const std::string where = "kolmo.sde.solve";
        const sde::SdeProblem problem(equation, initial_law(x0, where), t0, t1, non_negative(seed, where, "seed"));
        sde::EnsembleOptions options{.paths = non_negative(paths, where, "paths"),
                                     .threads = threads,
                                     .brownian_fine_steps = non_negative(brownian_fine_steps, where, "brownian_fine_steps")};
        py::gil_scoped_release release;
        options.observe.snapshot_times = std::move(snapshot_times);
        return with_scheme(scheme, dt, "kolmo.sde.solve", [&](const auto& method) { return sde::solve(problem, method, options); });
      },
      py::arg("sde"), py::arg("x0"), py::arg("t0"), py::arg("t1"), py::kw_only(), py::arg("dt"), py::arg("paths"),
      py::arg("seed"), py::arg("scheme") = "euler-maruyama", py::arg("threads") = 1, py::arg("brownian_fine_steps") = 0,
      py::arg("snapshot_times") = std::vector<double>{},
      "Solves dX = f dt + g dW from x0 — a point (d,), per-path states (paths, d) or a GaussianMixture drawn from\n"
      "with `seed` — on [t0, t1] for `paths` paths with `scheme` (euler-maruyama, milstein, stochastic-heun,\n"
      "platen-weak2, rossler-sra1) at step dt, recording the states\n"
      "at `snapshot_times` (on the step grid) in `snapshots`. Every draw is a function\n"
      "of (seed, path, step): the result is bit-identical for any `threads`. Bad input raises kolmo.Error; a numerical\n"
      "failure is the returned status (failed paths are NaN rows of `terminal`).");

  bind_convergence(m);
}

void bind_convergence(py::module_& m) {
  using stats::OrderFit;
  py::class_<stats::MeanEstimate>(m, "MeanEstimate", "A Monte Carlo mean with its standard error")
      .def_readonly("mean", &stats::MeanEstimate::mean)
      .def_readonly("standard_error", &stats::MeanEstimate::standard_error)
      .def_readonly("count", &stats::MeanEstimate::count)
      .def("__repr__", [](const stats::MeanEstimate& e) {
        return "MeanEstimate(" + std::to_string(e.mean) + " ± " + std::to_string(e.standard_error) + ")";
      });
  py::class_<OrderFit>(m, "OrderFit", "error ≈ C h^p fitted on log-log axes, with an interval for p at `level`")
      .def_readonly("status", &OrderFit::status)
      .def_readonly("slope", &OrderFit::slope, "the fitted order p")
      .def_readonly("slope_standard_error", &OrderFit::slope_standard_error)
      .def_readonly("ci_lower", &OrderFit::ci_lower)
      .def_readonly("ci_upper", &OrderFit::ci_upper)
      .def_readonly("level", &OrderFit::level)
      .def_readonly("intercept", &OrderFit::intercept, "log C")
      .def_readonly("points_used", &OrderFit::points_used)
      .def_readonly("reduced_chi2", &OrderFit::reduced_chi2)
      .def_readonly("jackknife_groups", &OrderFit::jackknife_groups)
      .def("__repr__", [](const OrderFit& f) {
        return "OrderFit(" + std::to_string(f.slope) + " in [" + std::to_string(f.ci_lower) + ", " + std::to_string(f.ci_upper) +
               "] at " + std::to_string(f.level) + ", status=" + std::string(to_string(f.status.code)) + ")";
      });
  using stats::LocalOrderInterval;
  py::class_<LocalOrderInterval>(m, "LocalOrderInterval",
                                 "The local order of the two finest steps, its drift bound and jackknife margins")
      .def_readonly("status", &LocalOrderInterval::status)
      .def_property_readonly("orders", [](const LocalOrderInterval& l) { return l.local.orders; })
      .def_property_readonly("estimate", [](const LocalOrderInterval& l) { return l.local.estimate; })
      .def_property_readonly("drift_bound", [](const LocalOrderInterval& l) { return l.local.drift_bound; })
      .def_readonly("groups", &LocalOrderInterval::groups)
      .def("interval", &LocalOrderInterval::interval, py::arg("level") = 0.95,
           "[L − t se(L), U + t se(U)]: the interval the verification cases test an order against");
  m.def(
      "local_orders",
      [](const std::vector<double>& h, const std::vector<double>& error, double error_uncertainty) {
        const auto local = stats::local_orders(h, error, error_uncertainty);
        py::dict result;
        result["status"] = local.status;
        result["orders"] = local.orders;
        result["estimate"] = local.estimate;
        result["drift_bound"] = local.drift_bound;
        result["interval"] = py::make_tuple(local.lower(), local.upper());
        return result;
      },
      py::arg("h"), py::arg("error"), py::arg("error_uncertainty") = 0.0,
      "Local orders log(e_i/e_{i+1}) / log(h_i/h_{i+1}) of a deterministic study and the bound on how far the last one\n"
      "can be from the asymptotic order (stats/local_orders.hpp): `interval` = estimate ∓ drift_bound.");
  m.def(
      "fit_order",
      [](const std::vector<double>& h, const std::vector<double>& error, const std::vector<double>& standard_error, double level) {
        return stats::fit_order(h, error, standard_error, level);
      },
      py::arg("h"), py::arg("error"), py::arg("standard_error") = std::vector<double>{}, py::arg("level") = 0.95,
      "error ≈ C h^p by weighted least squares on log-log axes (stats/order_fit.hpp), with its interval at `level`");
  using sde::Resolution;
  py::class_<Resolution>(m, "Resolution", "The errors of one step size")
      .def_readonly("dt", &Resolution::dt)
      .def_readonly("steps", &Resolution::steps)
      .def_readonly("strong", &Resolution::strong, "E|X^h − X^ref| with its standard error")
      .def_readonly("strong_rms", &Resolution::strong_rms)
      .def_readonly("strong_rms_standard_error", &Resolution::strong_rms_standard_error)
      .def_readonly("weak", &Resolution::weak, "per functional: E[φ(X^h) − φ(X^ref)], signed")
      .def_readonly("wall_seconds", &Resolution::wall_seconds)
      .def_readonly("drift_evaluations", &Resolution::drift_evaluations);
  using sde::ConvergenceStudy;
  py::class_<ConvergenceStudy>(m, "ConvergenceStudy")
      .def_readonly("status", &ConvergenceStudy::status)
      .def_readonly("scheme", &ConvergenceStudy::scheme)
      .def_property_readonly("advertised_strong_order", [](const ConvergenceStudy& s) { return s.traits.strong_order; })
      .def_property_readonly("advertised_weak_order", [](const ConvergenceStudy& s) { return s.traits.weak_order; })
      .def_readonly("problem", &ConvergenceStudy::problem)
      .def_readonly("reference", &ConvergenceStudy::reference)
      .def_readonly("paths", &ConvergenceStudy::paths)
      .def_readonly("fine_steps", &ConvergenceStudy::fine_steps)
      .def_readonly("level", &ConvergenceStudy::level)
      .def_readonly("resolutions", &ConvergenceStudy::resolutions)
      .def_readonly("strong_order", &ConvergenceStudy::strong_order)
      .def_readonly("strong_rms_order", &ConvergenceStudy::strong_rms_order)
      .def_readonly("functional_names", &ConvergenceStudy::functional_names)
      .def_readonly("weak_orders", &ConvergenceStudy::weak_orders)
      .def_readonly("strong_local", &ConvergenceStudy::strong_local)
      .def_readonly("weak_local", &ConvergenceStudy::weak_local)
      .def_property_readonly("dts", [](const ConvergenceStudy& s) {
        std::vector<double> dts;
        for (const auto& r : s.resolutions) dts.push_back(r.dt);
        return dts;
      });

  m.def(
      "study_convergence",
      [](const process::Sde& equation, const py::object& x0, double t0, double t1, const std::string& scheme,
         std::vector<double> dts, std::int64_t paths, std::int64_t seed, const py::object& exact, double reference_dt,
         const py::dict& functionals, double level, std::int64_t groups, int threads) {
        const std::string where = "kolmo.sde.study_convergence";
        const sde::SdeProblem problem(equation, initial_law(x0, where), t0, t1, non_negative(seed, where, "seed"));
        sde::ConvergenceOptions options;
        options.dts = std::move(dts);
        options.paths = non_negative(paths, where, "paths");
        options.threads = threads;
        for (const auto& [name, phi] : functionals) {
          if (!PyCallable_Check(phi.ptr())) {
            throw kolmo::Error(where + ": functional '" + std::string(py::str(name)) + "' is not callable; expected phi(X) -> (paths,)");
          }
          options.functionals.push_back({py::str(name), state_function(phi.cast<py::function>(), "functional " + std::string(py::str(name)))});
        }
        options.exact = exact_solution(exact, equation.dimension());
        options.reference_dt = reference_dt;
        options.level = level;
        options.groups = non_negative(groups, where, "groups");
        const double first_dt = options.dts.empty() ? t1 - t0 : options.dts.front();
        py::gil_scoped_release release;
        return with_scheme(scheme, first_dt, where,
                           [&](const auto& method) { return sde::study_convergence(problem, method, options); });
      },
      py::arg("sde"), py::arg("x0"), py::arg("t0"), py::arg("t1"), py::kw_only(), py::arg("scheme"), py::arg("dts"),
      py::arg("paths"), py::arg("seed"), py::arg("exact") = py::none(), py::arg("reference_dt") = 0.0,
      py::arg("functionals") = py::dict(), py::arg("level") = 0.95, py::arg("groups") = 100, py::arg("threads") = 1,
      "Strong and weak errors of `scheme` at each step size in `dts`, every resolution driven by the same Brownian\n"
      "paths, against `exact` (a GeometricBrownianMotion or AdditiveTestSde, a bound method such as\n"
      "gbm.stratonovich_solution, or any exact(t0, t1, X0, W) -> (paths, d) on the path) or the\n"
      "scheme itself at `reference_dt`. `functionals` maps names to phi(X) -> (paths,) for weak errors. Orders are\n"
      "fitted with jackknife intervals over `groups` path groups (sde/convergence.hpp). Bit-identical for any `threads`.");
}

}  // namespace kolmo::python
