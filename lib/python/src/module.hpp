#pragma once
// The pybind11 module kolmo._kolmo: one binding function per area, each in its own file.

#include <pybind11/pybind11.h>

namespace kolmo::python {

void bind_core(pybind11::module_& m);
void bind_distribution(pybind11::module_& m);
void bind_process(pybind11::module_& m);
void bind_sde(pybind11::module_& m);
void bind_convergence(pybind11::module_& m);
void bind_grid(pybind11::module_& m);
void bind_compare(pybind11::module_& m);
void bind_likelihood(pybind11::module_& m);
void bind_reverse_time(pybind11::module_& m);
void bind_verify(pybind11::module_& m);
void bind_learned(pybind11::module_& m);
void bind_random(pybind11::module_& m);
void bind_diffusion(pybind11::module_& schedule, pybind11::module_& score, pybind11::module_& sampling);

}  // namespace kolmo::python
