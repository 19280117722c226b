#pragma once
// Python callables as Kolmo's coefficient functions. Each call takes the GIL, hands the batch to
// Python as a (paths, d) float64 array (a copy: the batch's memory belongs to the solver), and
// reads the result back as (paths, d) — a 1-D result of `paths` entries is accepted for d = 1.
// A Python exception, or a result of another shape, becomes a kolmo::Error naming the callable
// and what it returned; it surfaces in Python as kolmo.Error from the call that ran it.

#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>

#include "kolmo/process/sde.hpp"

namespace kolmo::python {

/// (t, X) -> (paths, columns) from a Python callable f(t, X).
process::BatchCoefficient batch_coefficient(pybind11::function f, std::string what, std::size_t columns);

/// g(t) as a (rows, columns) matrix: from a constant array-like, or from a callable g(t).
process::TimeMatrix time_matrix(pybind11::object g, std::size_t rows, std::size_t columns);

}  // namespace kolmo::python
