#pragma once
// The pybind11 module kolmo._kolmo: one binding function per area, each in its own file.

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

namespace kolmo::python {

/// A count, seed or step from Python, where it is a signed int: a kolmo::Error naming `where`
/// and `name` when it is negative (instead of pybind11's conversion TypeError).
std::uint64_t non_negative(std::int64_t value, const std::string& where, const char* name);

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
