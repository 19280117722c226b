// kolmo.distribution.GaussianMixture: rows of NumPy arrays are points (n × d), as in C++.

#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "kolmo/distribution/gaussian_kl.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {

void bind_distribution(py::module_& m) {
  using distribution::GaussianMixture;
  py::class_<GaussianMixture>(m, "GaussianMixture", "A Gaussian mixture in d dimensions with full covariances")
      .def(py::init<std::vector<double>, std::vector<Eigen::VectorXd>, std::vector<Eigen::MatrixXd>>(), py::arg("weights"),
           py::arg("means"), py::arg("covariances"))
      .def_static("gaussian", &GaussianMixture::gaussian, py::arg("mean"), py::arg("covariance"), "One Gaussian N(mean, covariance)")
      .def_property_readonly("dimension", &GaussianMixture::dimension)
      .def_property_readonly("components", &GaussianMixture::components)
      .def_property_readonly("weights", &GaussianMixture::weights)
      .def_property_readonly("means", &GaussianMixture::means)
      .def_property_readonly("covariances", &GaussianMixture::covariances)
      .def("sample", &GaussianMixture::sample, py::arg("seed"), py::arg("first_path") = 0, py::arg("count"),
           py::arg("threads") = 1, py::call_guard<py::gil_scoped_release>(),
           "Exact draws of paths [first_path, first_path + count): count × d, a pure function of (seed, path)")
      .def("log_density", &GaussianMixture::log_density, py::arg("x"), py::call_guard<py::gil_scoped_release>(),
           "log p(x) at each row of x (n × d)")
      .def("score", &GaussianMixture::score, py::arg("x"), py::call_guard<py::gil_scoped_release>(),
           "∇ log p(x) at each row of x: n × d")
      .def("__repr__", [](const GaussianMixture& g) {
        return "GaussianMixture(dimension=" + std::to_string(g.dimension()) + ", components=" + std::to_string(g.components()) + ")";
      });
  m.def("gaussian_kl", &distribution::gaussian_kl, py::arg("q"), py::arg("p"), "KL(q || p) of two one-component mixtures, nats");
}

}  // namespace kolmo::python
