#include "module.hpp"

#include "kolmo/version.hpp"

PYBIND11_MODULE(_kolmo, m) {
  m.doc() = "Kolmo: cross-checked numerics for diffusion processes (C++ core, NumPy in and out)";
  m.attr("__version__") = kolmo::version_string;
  kolmo::python::bind_core(m);
  auto random = m.def_submodule("random", "Counter-based draws at (seed, purpose, path, step, component)");
  kolmo::python::bind_random(random);
  auto distribution = m.def_submodule("distribution", "Gaussian mixtures: exact draws, densities and scores");
  kolmo::python::bind_distribution(distribution);
  auto process = m.def_submodule("process", "SDEs as data: the catalogue and user SDEs from Python callables");
  kolmo::python::bind_process(process);
  auto sde = m.def_submodule("sde", "Monte Carlo ensembles of SDEs: solve with any scheme, convergence studies");
  kolmo::python::bind_sde(sde);
  auto schedule = m.def_submodule("schedule", "Noise schedules and mixtures diffused by them");
  auto score = m.def_submodule("score", "Score models: exact mixture scores, Python callables and learned MLPs (training, score-matching distances)");
  auto sampling = m.def_submodule(
      "sampling", "DDPM, DDIM, DPM-Solver++, the reverse-time SDE and probability-flow ODE; ULA and MALA chains");
  kolmo::python::bind_diffusion(schedule, score, sampling);
  kolmo::python::bind_reverse_time(sampling);
  kolmo::python::bind_learned(score);
  auto grid = m.def_submodule("grid", "Grids, densities on them, Fokker–Planck and continuity solvers");
  kolmo::python::bind_grid(grid);
  auto compare = m.def_submodule("compare", "Samples against laws, densities against densities, with p-values");
  kolmo::python::bind_compare(compare);
  auto likelihood = m.def_submodule("likelihood", "PF-ODE log-likelihoods and variational bounds, per point with SEs");
  kolmo::python::bind_likelihood(likelihood);
#ifdef KOLMO_PYTHON_VERIFY
  auto verify = m.def_submodule("verify", "The verification suite: run its cases, get the report as Python data");
  kolmo::python::bind_verify(verify);
#endif
}
