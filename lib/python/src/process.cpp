// kolmo.process: the catalogue (Ornstein–Uhlenbeck, geometric Brownian motion) and SDEs whose drift
// and diffusion are vectorised Python callables f(t, X) -> array, X of shape (paths, d). A callable
// is called once per batch of paths (ensemble/batches.hpp: up to 4096/d paths), with the GIL taken
// for that call only, so the C++ work of other batches runs on in other threads; the draws never
// depend on which thread evaluates which batch, so results stay bit-identical for any thread count.

#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "callable.hpp"
#include "kolmo/process/cox_ingersoll_ross.hpp"
#include "kolmo/process/double_well.hpp"
#include "kolmo/process/geometric_brownian_motion.hpp"
#include "kolmo/process/kloeden_platen.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "kolmo/process/sde.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {

void bind_process(py::module_& m) {
  using process::Sde;
  py::class_<Sde>(m, "Sde", "dX = f(t, X) dt + g(t, X) dW as data, for kolmo.sde.solve")
      .def_property_readonly("name", &Sde::name)
      .def_property_readonly("dimension", &Sde::dimension)
      .def_property_readonly("noise_dimension", &Sde::noise_dimension)
      .def_property_readonly("noise", [](const Sde& s) { return std::string(process::to_string(s.noise())); })
      .def_static(
          "additive",
          [](std::string name, std::size_t dimension, std::size_t noise_dimension, py::function drift, py::object diffusion) {
            return Sde::additive(std::move(name), dimension, noise_dimension, batch_coefficient(std::move(drift), "drift", dimension),
                                 time_matrix(std::move(diffusion), dimension, noise_dimension));
          },
          py::arg("name"), py::arg("dimension"), py::arg("noise_dimension"), py::arg("drift"), py::arg("diffusion"),
          "dX = f(t, X) dt + g(t) dW: drift(t, X) -> (paths, d); diffusion a (d, m) matrix or g(t) -> (d, m)")
      .def_static(
          "diagonal",
          [](std::string name, std::size_t dimension, py::function drift, py::function diffusion, py::object diffusion_derivative,
             bool autonomous) {
            auto sde = Sde::diagonal(std::move(name), dimension, batch_coefficient(std::move(drift), "drift", dimension),
                                     batch_coefficient(std::move(diffusion), "diffusion", dimension));
            if (!diffusion_derivative.is_none()) {
              sde.with_diffusion_derivative(
                  batch_coefficient(diffusion_derivative.cast<py::function>(), "diffusion_derivative", dimension));
            }
            if (autonomous) sde.with_time_dependence(process::TimeDependence::autonomous);
            return sde;
          },
          py::arg("name"), py::arg("dimension"), py::arg("drift"), py::arg("diffusion"), py::kw_only(),
          py::arg("diffusion_derivative") = py::none(), py::arg("autonomous") = false,
          "dX_i = f_i(t, X) dt + g_i(t, X) dW_i: drift and diffusion (t, X) -> (paths, d). Milstein and the weak\n"
          "order-2 scheme also need diffusion_derivative(t, X) = ∂g_i/∂x_i. `autonomous=True` declares that f and g do\n"
          "not depend on t (the grid solvers then assemble their operators once).")
      .def("__repr__", [](const Sde& s) {
        return "Sde('" + s.name() + "', dimension=" + std::to_string(s.dimension()) + ", noise=" +
               std::string(process::to_string(s.noise())) + ")";
      });

  py::class_<process::OrnsteinUhlenbeck>(m, "OrnsteinUhlenbeck", "dX = θ (μ − X) dt + σ dW")
      .def(py::init<double, double, double>(), py::arg("theta"), py::arg("mu"), py::arg("sigma"))
      .def_property_readonly("theta", &process::OrnsteinUhlenbeck::theta)
      .def_property_readonly("mu", &process::OrnsteinUhlenbeck::mu)
      .def_property_readonly("sigma", &process::OrnsteinUhlenbeck::sigma)
      .def_property_readonly("stationary_variance", &process::OrnsteinUhlenbeck::stationary_variance, "σ²/(2θ)")
      .def("transition_mean", py::vectorize(&process::OrnsteinUhlenbeck::transition_mean), py::arg("x0"), py::arg("t"))
      .def("transition_variance", py::vectorize(&process::OrnsteinUhlenbeck::transition_variance), py::arg("t"))
      .def("sde", &process::OrnsteinUhlenbeck::sde);
  py::class_<process::GeometricBrownianMotion>(m, "GeometricBrownianMotion", "dX = λ X dt + μ X dW")
      .def(py::init<double, double>(), py::arg("lam"), py::arg("mu"))
      .def_property_readonly("lam", &process::GeometricBrownianMotion::lambda)
      .def_property_readonly("mu", &process::GeometricBrownianMotion::mu)
      .def("sde", &process::GeometricBrownianMotion::sde)
      .def(
          "solution",
          [](const process::GeometricBrownianMotion& gbm, double t0, double t1, const Eigen::ArrayXXd& x0, const Eigen::ArrayXXd& w) {
            return gbm.solution(t0, t1, x0, w);
          },
          py::arg("t0"), py::arg("t1"), py::arg("x0"), py::arg("w"), "X_{t1} = X_{t0} exp((λ − μ²/2)(t1 − t0) + μ w) on a path")
      .def("stratonovich_sde", &process::GeometricBrownianMotion::stratonovich_sde, "The same coefficients read as Stratonovich")
      .def(
          "stratonovich_solution",
          [](const process::GeometricBrownianMotion& gbm, double t0, double t1, const Eigen::ArrayXXd& x0, const Eigen::ArrayXXd& w) {
            return gbm.stratonovich_solution(t0, t1, x0, w);
          },
          py::arg("t0"), py::arg("t1"), py::arg("x0"), py::arg("w"), "X_{t1} = X_{t0} exp(λ (t1 − t0) + μ w) on a path");
  py::class_<process::AdditiveTestSde>(m, "AdditiveTestSde",
                                       "Kloeden & Platen's additive-noise test equation with an exact solution on the path")
      .def(py::init<double, double>(), py::arg("alpha"), py::arg("beta"))
      .def("sde", &process::AdditiveTestSde::sde)
      .def(
          "solution",
          [](const process::AdditiveTestSde& a, double t0, double t1, const Eigen::ArrayXXd& x0, const Eigen::ArrayXXd& w) {
            return a.solution(t0, t1, x0, w);
          },
          py::arg("t0"), py::arg("t1"), py::arg("x0"), py::arg("w"));
  py::class_<process::DoubleWellLangevin>(m, "DoubleWellLangevin", "dX = −U'(X) dt + √(2D) dW, U(x) = h (x² − 1)²")
      .def(py::init<double, double>(), py::arg("barrier_height"), py::arg("temperature"))
      .def("potential", py::vectorize(&process::DoubleWellLangevin::potential))
      .def("gibbs_density", py::vectorize(&process::DoubleWellLangevin::gibbs_density), "exp(−U/D)/Z")
      .def("gibbs_cdf", py::vectorize(&process::DoubleWellLangevin::gibbs_cdf))
      .def("sde", &process::DoubleWellLangevin::sde);
  py::class_<process::CoxIngersollRoss>(m, "CoxIngersollRoss", "dX = κ (θ − X) dt + σ √X dW on X ≥ 0")
      .def(py::init<double, double, double>(), py::arg("kappa"), py::arg("theta"), py::arg("sigma"))
      .def_property_readonly("stationary_variance", &process::CoxIngersollRoss::stationary_variance)
      .def("stationary_cdf", &process::CoxIngersollRoss::stationary_cdf, py::arg("x"))
      .def("sde", &process::CoxIngersollRoss::sde);
}

}  // namespace kolmo::python
