#include "callable.hpp"

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>

#include <memory>
#include <utility>

#include "kolmo/core/error.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

/// The callable behind a shared pointer whose copies never touch Python reference counts (the
/// solver copies coefficient functions without the GIL); the last owner drops it under the GIL.
std::shared_ptr<py::object> hold(py::object f) {
  return {new py::object(std::move(f)), [](py::object* p) {
            py::gil_scoped_acquire gil;
            delete p;
          }};
}

/// `value` as rows × columns; a 1-D array of `rows` entries when columns == 1.
Eigen::ArrayXXd as_batch(const py::object& value, Eigen::Index rows, Eigen::Index columns, const std::string& what) {
  const auto array = py::array_t<double, py::array::f_style | py::array::forcecast>::ensure(value);
  if (!array) throw kolmo::Error("kolmo: the " + what + " callable returned " + std::string(py::str(py::type::of(value))) +
                                 "; expected an array of shape (" + std::to_string(rows) + ", " + std::to_string(columns) + ")");
  const bool matrix = array.ndim() == 2 && array.shape(0) == rows && array.shape(1) == columns;
  const bool column = array.ndim() == 1 && columns == 1 && array.shape(0) == rows;
  if (!matrix && !column) {
    std::string shape = "(";
    for (py::ssize_t k = 0; k < array.ndim(); ++k) shape += (k ? ", " : "") + std::to_string(array.shape(k));
    throw kolmo::Error("kolmo: the " + what + " callable returned an array of shape " + shape + (array.ndim() == 1 ? ",)" : ")") +
                       "; expected (" + std::to_string(rows) + ", " + std::to_string(columns) + ")");
  }
  return Eigen::Map<const Eigen::ArrayXXd>(array.data(), rows, columns);
}

/// The GIL for a call from a solver thread. An OpenMP worker has no Python thread state, and a
/// plain gil_scoped_acquire would create and destroy one on every call (measured: 2 threads ran
/// 5x slower than 1); inc_ref() keeps the first one alive for the thread's life.
class CallbackGil {
 public:
  CallbackGil() {
    thread_local bool kept = false;
    if (!kept) {
      gil_.inc_ref();
      kept = true;
    }
  }

 private:
  py::gil_scoped_acquire gil_;
};

/// `call()` under the GIL (a solver thread calls it); a Python exception becomes a kolmo::Error
/// naming the callable.
template <class Call>
auto call_python(const std::string& what, const Call& call) {
  const CallbackGil gil;
  try {
    return call();
  } catch (py::error_already_set& e) {
    throw kolmo::Error("kolmo: the " + what + " callable raised " + std::string(e.what()));
  }
}

}  // namespace

process::BatchCoefficient batch_coefficient(py::function f, std::string what, std::size_t columns) {
  return [callable = hold(std::move(f)), what = std::move(what), columns](double t, const process::StateView& x) {
    return call_python(what, [&] { return as_batch((*callable)(t, Eigen::ArrayXXd(x)), x.rows(), static_cast<Eigen::Index>(columns), what); });
  };
}

std::function<Eigen::ArrayXd(const process::StateView&)> state_function(py::function f, std::string what) {
  return [callable = hold(std::move(f)), what = std::move(what)](const process::StateView& x) {
    return call_python(what, [&]() -> Eigen::ArrayXd { return as_batch((*callable)(Eigen::ArrayXXd(x)), x.rows(), 1, what).col(0); });
  };
}

std::function<Eigen::ArrayXXd(const process::StateView&)> state_map(py::function f, std::string what, std::size_t columns) {
  return [callable = hold(std::move(f)), what = std::move(what), columns](const process::StateView& x) {
    return call_python(what, [&] { return as_batch((*callable)(Eigen::ArrayXXd(x)), x.rows(), static_cast<Eigen::Index>(columns), what); });
  };
}

sde::PathSolution path_solution(py::function f, std::size_t dimension) {
  return [callable = hold(std::move(f)), dimension](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
    return call_python("exact solution", [&] {
      return as_batch((*callable)(t0, t1, Eigen::ArrayXXd(x0), Eigen::ArrayXXd(w)), x0.rows(), static_cast<Eigen::Index>(dimension),
                      "exact solution");
    });
  };
}

process::TimeMatrix time_matrix(py::object g, std::size_t rows, std::size_t columns) {
  const auto r = static_cast<Eigen::Index>(rows), c = static_cast<Eigen::Index>(columns);
  if (!PyCallable_Check(g.ptr())) {
    const Eigen::MatrixXd constant = as_batch(g, r, c, "diffusion").matrix();
    return [constant](double) { return constant; };
  }
  return [callable = hold(std::move(g)), r, c](double t) {
    return call_python("diffusion", [&]() -> Eigen::MatrixXd { return as_batch((*callable)(t), r, c, "diffusion").matrix(); });
  };
}

}  // namespace kolmo::python
