// kolmo.Error (a ValueError: Kolmo throws only for bad input, whose message names the parameter,
// the value and what was expected) and kolmo.Status (a numerical failure is a value, not an
// exception, as in C++).

#include <pybind11/stl.h>

#include "kolmo/core/error.hpp"
#include "kolmo/core/status.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {

std::uint64_t non_negative(std::int64_t value, const std::string& where, const char* name) {
  if (value < 0) {
    throw kolmo::Error(where + ": parameter '" + name + "' = " + std::to_string(value) + "; expected an integer >= 0");
  }
  return static_cast<std::uint64_t>(value);
}

void bind_core(py::module_& m) {
  static py::exception<kolmo::Error> error(m, "Error", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const kolmo::Error& e) {
      PyErr_SetString(error.ptr(), e.what());
    }
  });

  py::class_<Status>(m, "Status", "ok, or what failed numerically and where (a value, never an exception)")
      .def_property_readonly("ok", &Status::ok)
      .def_property_readonly("code", [](const Status& s) { return std::string(to_string(s.code)); })
      .def_readonly("where", &Status::where)
      .def_readonly("message", &Status::message)
      .def("__bool__", &Status::ok)
      .def("__repr__", [](const Status& s) {
        return s.ok() ? std::string("Status(ok)")
                      : "Status(" + std::string(to_string(s.code)) + ", where='" + s.where + "', message='" + s.message + "')";
      });
}

}  // namespace kolmo::python
