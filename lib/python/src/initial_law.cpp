#include "initial_law.hpp"

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>

#include "kolmo/core/error.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/distribution/law.hpp"

namespace py = pybind11;

namespace kolmo::python {

ensemble::InitialLaw initial_law(const py::object& x0, const std::string& where, const std::string& name) {
  if (py::isinstance<distribution::GaussianMixture>(x0)) {
    return ensemble::InitialLaw::from(distribution::Law::mixture(x0.cast<distribution::GaussianMixture>()));
  }
  const auto array = py::array_t<double, py::array::forcecast>::ensure(x0);
  if (array && array.ndim() == 2) return ensemble::InitialLaw::points(x0.cast<Eigen::ArrayXXd>());
  if (array && array.ndim() <= 1) return ensemble::InitialLaw::point(x0.cast<Eigen::VectorXd>());
  throw kolmo::Error(where + ": parameter '" + name + "' has the wrong type; expected a point (d,), states (paths, d) or a "
                     "GaussianMixture");
}

}  // namespace kolmo::python
