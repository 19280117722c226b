#include "module.hpp"

#include "kolmo/version.hpp"

PYBIND11_MODULE(_kolmo, m) {
  m.doc() = "Kolmo: cross-checked numerics for diffusion processes (C++ core, NumPy in and out)";
  m.attr("__version__") = kolmo::version_string;
  kolmo::python::bind_core(m);
  auto distribution = m.def_submodule("distribution", "Gaussian mixtures: exact draws, densities and scores");
  kolmo::python::bind_distribution(distribution);
  auto process = m.def_submodule("process", "SDEs as data: the catalogue and user SDEs from Python callables");
  kolmo::python::bind_process(process);
  auto sde = m.def_submodule("sde", "Monte Carlo ensembles of SDEs: solve with any scheme");
  kolmo::python::bind_sde(sde);
}
