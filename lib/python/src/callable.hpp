#pragma once
// Python callables as Kolmo's coefficient functions. Each call takes the GIL, hands the batch to
// Python as a (paths, d) float64 array (a copy: the batch's memory belongs to the solver), and
// reads the result back as (paths, d) — a 1-D result of `paths` entries is accepted for d = 1.
// A Python exception, or a result of another shape, becomes a kolmo::Error naming the callable
// and what it returned; it surfaces in Python as kolmo.Error from the call that ran it.

#include <pybind11/pybind11.h>

#include <cstddef>
#include <functional>
#include <string>

#include "kolmo/process/sde.hpp"
#include "kolmo/sde/convergence.hpp"

namespace kolmo::python {

/// (t, X) -> (paths, columns) from a Python callable f(t, X).
process::BatchCoefficient batch_coefficient(pybind11::function f, std::string what, std::size_t columns);

/// X -> one value per row from a Python callable f(X): densities, log densities, functionals φ.
std::function<Eigen::ArrayXd(const process::StateView&)> state_function(pybind11::function f, std::string what);

/// X -> (rows, columns) from a Python callable f(X): a time-independent score.
std::function<Eigen::ArrayXXd(const process::StateView&)> state_map(pybind11::function f, std::string what,
                                                                     std::size_t columns);

/// The exact solution on a path, (t0, t1, X0, W) -> (paths, d), from f(t0, t1, X0, W).
sde::PathSolution path_solution(pybind11::function f, std::size_t dimension);

/// g(t) as a (rows, columns) matrix: from a constant array-like, or from a callable g(t).
process::TimeMatrix time_matrix(pybind11::object g, std::size_t rows, std::size_t columns);

}  // namespace kolmo::python
