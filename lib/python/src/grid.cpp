// kolmo.grid: finite-volume grids, densities on them, and the grid solvers — the Fokker–Planck
// equation of an SDE (theta methods) and the continuity equation of a velocity field (SSP
// Runge–Kutta) — NumPy out. A density's `values` are cell averages in the grid's linear order
// (axis 0 fastest); `array()` gives them shaped (n_0, ..., n_{d-1}) for plotting.

#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>

#include "callable.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/pde/continuity.hpp"
#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/fokker_planck.hpp"
#include "kolmo/pde/grid.hpp"
#include "kolmo/pde/ssp_runge_kutta.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

pde::Boundary boundary_of(const std::string& name) {
  if (name == "zero_flux") return pde::Boundary::zero_flux;
  if (name == "absorbing") return pde::Boundary::absorbing;
  if (name == "periodic") return pde::Boundary::periodic;
  throw kolmo::Error("kolmo.grid.Axis: parameter 'boundary' = '" + name + "'; expected zero_flux, absorbing or periodic");
}

pde::TimeScheme time_scheme_of(const std::string& name) {
  if (name == "implicit_euler") return pde::TimeScheme::implicit_euler;
  if (name == "crank_nicolson") return pde::TimeScheme::crank_nicolson;
  if (name == "douglas_adi") return pde::TimeScheme::douglas_adi;
  throw kolmo::Error("kolmo.grid.solve_fokker_planck: parameter 'scheme' = '" + name +
                     "'; expected implicit_euler, crank_nicolson or douglas_adi");
}

pde::FluxScheme flux_of(const std::string& name) {
  if (name == "exponential_fitting") return pde::FluxScheme::exponential_fitting;
  if (name == "central") return pde::FluxScheme::central;
  throw kolmo::Error("kolmo.grid.solve_fokker_planck: parameter 'flux' = '" + name + "'; expected exponential_fitting or central");
}

pde::SlopeLimiter limiter_of(const std::string& name) {
  if (name == "van_leer") return pde::SlopeLimiter::van_leer;
  if (name == "minmod") return pde::SlopeLimiter::minmod;
  throw kolmo::Error("kolmo.grid.solve_continuity: parameter 'limiter' = '" + name + "'; expected van_leer or minmod");
}

/// Cell values shaped (n_0, ..., n_{d-1}) in Fortran order: axis 0 is the fastest in the grid's
/// linear order, so x[i, j] is the cell (i along axis 0, j along axis 1).
py::array_t<double> shaped(const pde::DensityField& field) {
  std::vector<py::ssize_t> shape, strides;
  py::ssize_t stride = sizeof(double);
  for (std::size_t k = 0; k < field.grid().dimension(); ++k) {
    shape.push_back(static_cast<py::ssize_t>(field.grid().axis(k).cells));
    strides.push_back(stride);
    stride *= shape.back();
  }
  return py::array_t<double>(shape, strides, field.values().data());
}

/// The centres of the cells along axis k.
Eigen::ArrayXd axis_centers(const pde::Grid& grid, std::size_t k) {
  if (k >= grid.dimension()) {
    throw kolmo::Error("kolmo.grid.Grid.axis_centers: parameter 'axis' = " + std::to_string(k) + "; expected 0.." +
                       std::to_string(grid.dimension() - 1));
  }
  Eigen::ArrayXd x(static_cast<Eigen::Index>(grid.axis(k).cells));
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = grid.center(k, static_cast<std::size_t>(i));
  return x;
}

}  // namespace

void bind_grid(py::module_& m) {
  using pde::Axis;
  py::class_<Axis>(m, "Axis", "[lower, upper] in `cells` cells with a boundary: zero_flux, absorbing or periodic")
      .def(py::init([](double lower, double upper, std::size_t cells, const std::string& boundary) {
             return Axis{lower, upper, cells, boundary_of(boundary)};
           }),
           py::arg("lower"), py::arg("upper"), py::arg("cells"), py::arg("boundary") = "zero_flux")
      .def_readonly("lower", &Axis::lower)
      .def_readonly("upper", &Axis::upper)
      .def_readonly("cells", &Axis::cells)
      .def_property_readonly("boundary", [](const Axis& a) { return std::string(pde::to_string(a.boundary)); });

  using pde::Grid;
  py::class_<Grid>(m, "Grid", "A tensor grid of 1 to 3 axes; cells in linear order with axis 0 fastest")
      .def(py::init<std::vector<Axis>>(), py::arg("axes"))
      .def_property_readonly("dimension", &Grid::dimension)
      .def_property_readonly("cells", &Grid::cells)
      .def_property_readonly("cell_measure", &Grid::cell_measure)
      .def("width", &Grid::width, py::arg("axis"))
      .def("axis", &Grid::axis, py::arg("k"))
      .def("axis_centers", &axis_centers, py::arg("axis"), "The centres of the cells along one axis")
      .def("centers", py::overload_cast<>(&Grid::centers, py::const_), "Every cell centre: (cells, d) in linear order")
      .def("__repr__", [](const Grid& g) {
        std::string s = "Grid(";
        for (std::size_t k = 0; k < g.dimension(); ++k) {
          const auto& a = g.axis(k);
          s += (k ? ", " : "") + std::string("[") + std::to_string(a.lower) + ", " + std::to_string(a.upper) + "] x " +
               std::to_string(a.cells);
        }
        return s + ")";
      });

  using pde::DensityField;
  py::class_<DensityField>(m, "DensityField", "Cell averages of a density on a grid at one time")
      .def(py::init([](Grid grid, Eigen::VectorXd values, double time) { return DensityField::normalised(std::move(grid), std::move(values), time); }),
           py::arg("grid"), py::arg("values"), py::arg("time") = 0.0,
           "Cell averages (finite, ≥ 0) rescaled to mass 1, in the grid's linear order: axis 0 fastest, i.e. a 2-D\n"
           "array a[i, j] (i along axis 0) flattened in Fortran order, a.ravel(order='F')")
      .def_static(
          "at_cell_centers",
          [](Grid grid, py::function density, double time) {
            return DensityField::at_cell_centers(std::move(grid), state_function(std::move(density), "density"), time);
          },
          py::arg("grid"), py::arg("density"), py::arg("time") = 0.0,
          "density(X) -> (cells,) at the cell centres (the midpoint rule), rescaled to mass 1")
      .def_static(
          "of_mixture",
          [](const distribution::GaussianMixture& mixture, const Grid& grid, double time) {
            return distribution::Law::mixture(mixture).on(grid, time);
          },
          py::arg("mixture"), py::arg("grid"), py::arg("time") = 0.0, "A mixture's cell averages on the grid, rescaled to mass 1")
      .def_property_readonly("grid", &DensityField::grid)
      .def_property_readonly("values", &DensityField::values, "cell averages in linear order (axis 0 fastest)")
      .def("array", &shaped, "the values shaped (n_0, ..., n_{d-1}): x[i, j] is cell i along axis 0, j along axis 1")
      .def_property_readonly("time", &DensityField::time)
      .def_property_readonly("mass", &DensityField::mass)
      .def_property_readonly("mass_before_normalisation", &DensityField::mass_before_normalisation)
      .def_property_readonly("minimum", &DensityField::minimum)
      .def_property_readonly("mean", &DensityField::mean)
      .def_property_readonly("covariance", &DensityField::covariance)
      .def("marginal", &DensityField::marginal, py::arg("axes"), "The marginal on the listed axes (mass preserved)")
      .def("cdf", &DensityField::cdf, py::arg("x"), "1-D: the distribution function, exact for the cell averages")
      .def(
          "l1_distance",
          [](const DensityField& f, py::function q) { return f.l1_distance(state_function(std::move(q), "density")); },
          py::arg("density"), "Σ |p_i − q(x_i)| |cell| for q(X) -> (cells,) at the centres")
      .def("__repr__", [](const DensityField& f) {
        return "DensityField(cells=" + std::to_string(f.grid().cells()) + ", time=" + std::to_string(f.time()) +
               ", mass=" + std::to_string(f.mass()) + ")";
      });

  py::class_<pde::FokkerPlanckStats>(m, "FokkerPlanckStats")
      .def_readonly("steps", &pde::FokkerPlanckStats::steps)
      .def_readonly("factorisations", &pde::FokkerPlanckStats::factorisations)
      .def_readonly("linear_solver", &pde::FokkerPlanckStats::linear_solver)
      .def_readonly("largest_mass_correction", &pde::FokkerPlanckStats::largest_mass_correction)
      .def_readonly("wall_seconds", &pde::FokkerPlanckStats::wall_seconds);
  py::class_<pde::FokkerPlanckSolution>(m, "FokkerPlanckSolution")
      .def_readonly("status", &pde::FokkerPlanckSolution::status)
      .def_readonly("density", &pde::FokkerPlanckSolution::density)
      .def_readonly("snapshots", &pde::FokkerPlanckSolution::snapshots)
      .def_readonly("absorbed_mass", &pde::FokkerPlanckSolution::absorbed_mass)
      .def_readonly("stats", &pde::FokkerPlanckSolution::stats);
  m.def(
      "solve_fokker_planck",
      [](const process::Sde& sde, const DensityField& initial, double t1, double dt, const std::string& scheme,
         const std::string& flux, std::size_t rannacher_steps, std::vector<double> snapshot_times) {
        const pde::FokkerPlanck equation(sde, initial.grid(), flux_of(flux));
        const pde::ThetaMethod method{.scheme = time_scheme_of(scheme), .dt = dt, .rannacher_steps = rannacher_steps};
        py::gil_scoped_release release;
        return pde::solve({equation, initial, t1}, method, {.snapshot_times = std::move(snapshot_times)});
      },
      py::arg("sde"), py::arg("initial"), py::arg("t1"), py::kw_only(), py::arg("dt"), py::arg("scheme") = "crank_nicolson",
      py::arg("flux") = "exponential_fitting", py::arg("rannacher_steps") = 2, py::arg("snapshot_times") = std::vector<double>{},
      "∂p/∂t = −∇·(f p) + ½ ∇·∇·(g gᵀ p) from `initial` (at its time) to t1 on its grid, with a theta method of\n"
      "step dt — scheme crank_nicolson (with `rannacher_steps` damped start-up steps), implicit_euler or\n"
      "douglas_adi (2-D, 3-D) — and fluxes exponential_fitting or central; snapshots at the listed times (on the\n"
      "step grid). A numerical failure is the returned status.");

  py::class_<pde::ContinuityStats>(m, "ContinuityStats")
      .def_readonly("steps", &pde::ContinuityStats::steps)
      .def_readonly("rate_evaluations", &pde::ContinuityStats::rate_evaluations)
      .def_readonly("step_control", &pde::ContinuityStats::step_control)
      .def_readonly("smallest_dt", &pde::ContinuityStats::smallest_dt)
      .def_readonly("largest_dt", &pde::ContinuityStats::largest_dt)
      .def_readonly("largest_courant_number", &pde::ContinuityStats::largest_courant_number)
      .def_readonly("wall_seconds", &pde::ContinuityStats::wall_seconds);
  py::class_<pde::ContinuitySolution>(m, "ContinuitySolution")
      .def_readonly("status", &pde::ContinuitySolution::status)
      .def_readonly("density", &pde::ContinuitySolution::density)
      .def_readonly("snapshots", &pde::ContinuitySolution::snapshots)
      .def_readonly("absorbed_mass", &pde::ContinuitySolution::absorbed_mass)
      .def_readonly("stats", &pde::ContinuitySolution::stats);
  m.def(
      "solve_continuity",
      [](py::function velocity, const DensityField& initial, double t1, int order, double dt, double cfl,
         const std::string& limiter, bool autonomous, std::vector<double> snapshot_times) {
        pde::Continuity equation(batch_coefficient(std::move(velocity), "velocity", initial.grid().dimension()), initial.grid(),
                                 limiter_of(limiter));
        if (autonomous) equation.with_time_dependence(process::TimeDependence::autonomous);
        const pde::SspRungeKutta method{.order = order, .dt = dt, .adaptive = dt == 0.0, .cfl = cfl};
        py::gil_scoped_release release;
        return pde::solve({equation, initial, t1}, method, {.snapshot_times = std::move(snapshot_times)});
      },
      py::arg("velocity"), py::arg("initial"), py::arg("t1"), py::kw_only(), py::arg("order") = 3, py::arg("dt") = 0.0,
      py::arg("cfl") = 0.9, py::arg("limiter") = "van_leer", py::arg("autonomous") = false,
      py::arg("snapshot_times") = std::vector<double>{},
      "∂p/∂t + ∇·(v p) = 0 for velocity(t, X) -> (points, d) from `initial` to t1 (t1 > t0) by\n"
      "SSP Runge–Kutta of `order` (2 or 3) with limited slopes (van_leer or minmod); dt = 0 chooses each step as\n"
      "cfl × the largest stable one.");
}

}  // namespace kolmo::python
