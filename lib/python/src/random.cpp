// kolmo.random: the counter-based draws every Kolmo run is made of, addressed as the engines
// address them — (seed, purpose, path, step, component) — so that a script can reproduce, for
// instance, the noise a stochastic sampler used at step j and feed it to another implementation.

#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include <map>
#include <span>
#include <string>

#include "kolmo/core/error.hpp"
#include "kolmo/random/draw_address.hpp"
#include "kolmo/random/normal.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

random::Purpose purpose_of(const std::string& name) {
  static const std::map<std::string, random::Purpose> purposes{
      {"brownian", random::Purpose::brownian},     {"initial_state", random::Purpose::initial_state},
      {"probe", random::Purpose::probe},           {"langevin", random::Purpose::langevin},
      {"verification", random::Purpose::verification}};
  const auto found = purposes.find(name);
  if (found == purposes.end()) {
    throw kolmo::Error("kolmo.random.normals: parameter 'purpose' = '" + name +
                       "'; expected brownian, initial_state, probe, langevin or verification");
  }
  return found->second;
}

}  // namespace

void bind_random(py::module_& m) {
  m.def(
      "normals",
      [](std::int64_t seed, std::int64_t step, std::int64_t paths, std::int64_t dimension, const std::string& purpose,
         std::int64_t first_path) {
        const std::string where = "kolmo.random.normals";
        if (paths < 1 || dimension < 1) {
          throw kolmo::Error(where + ": parameters 'paths' = " + std::to_string(paths) + " and 'dimension' = " +
                             std::to_string(dimension) + "; expected each at least 1");
        }
        Eigen::ArrayXXd out(static_cast<Eigen::Index>(paths), static_cast<Eigen::Index>(dimension));
        const random::BatchAddress address{non_negative(seed, where, "seed"), purpose_of(purpose), non_negative(step, where, "step"),
                                           non_negative(first_path, where, "first_path"), static_cast<std::size_t>(paths),
                                           static_cast<std::size_t>(dimension), 0};
        random::fill_standard_normals(address, std::span<double>(out.data(), static_cast<std::size_t>(out.size())));
        return out;
      },
      py::arg("seed"), py::arg("step"), py::arg("paths"), py::arg("dimension"), py::kw_only(), py::arg("purpose") = "brownian",
      py::arg("first_path") = 0,
      "Standard normals (paths, dimension): row i, column c is the draw at (seed, purpose, first_path + i, step, c) —\n"
      "the noise a stochastic sampler or SDE scheme used at step `step` (purpose brownian).");
}

}  // namespace kolmo::python
