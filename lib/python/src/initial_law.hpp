#pragma once
// What a Python user passes as a start: a point (d,), per-path states (paths, d) or a
// GaussianMixture to draw from, as the ensembles' InitialLaw.

#include <pybind11/pybind11.h>

#include <string>

#include "kolmo/ensemble/initial_law.hpp"

namespace kolmo::python {

/// Throws kolmo::Error naming `where` and its parameter `name` for anything else.
ensemble::InitialLaw initial_law(const pybind11::object& x0, const std::string& where, const std::string& name = "x0");

}  // namespace kolmo::python
