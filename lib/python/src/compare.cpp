// kolmo.compare: samples against a reference law (a grid density or a mixture), two densities on
// one grid, and two sample sets — each a statistic with a p-value and the assumption it rests on
// (compare/compare.hpp).

#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include <string>

#include "kolmo/compare/compare.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/distribution/law.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

std::optional<compare::SampleTest> test_of(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name == "kolmogorov-smirnov") return compare::SampleTest::kolmogorov_smirnov;
  if (name == "chi-square") return compare::SampleTest::chi_square;
  if (name == "energy-distance") return compare::SampleTest::energy_distance;
  throw kolmo::Error("kolmo.compare.samples: parameter 'test' = '" + name +
                     "'; expected kolmogorov-smirnov, chi-square or energy-distance (or none: KS in 1-D, energy in d ≥ 2)");
}

}  // namespace

void bind_compare(py::module_& m) {
  using compare::Comparison;
  py::class_<Comparison>(m, "Comparison", "A test's statistic and p-value, with what the p-value assumes")
      .def_readonly("status", &Comparison::status)
      .def_readonly("test", &Comparison::test)
      .def_readonly("statistic", &Comparison::statistic)
      .def_readonly("p_value", &Comparison::p_value)
      .def_readonly("samples", &Comparison::samples)
      .def_readonly("left_out", &Comparison::left_out, "non-finite rows (failed paths) excluded")
      .def_readonly("degrees_of_freedom", &Comparison::degrees_of_freedom)
      .def_readonly("assumed_error", &Comparison::assumed_error)
      .def_readonly("assumption", &Comparison::assumption)
      .def("__repr__", [](const Comparison& c) {
        return "Comparison(" + c.test + ": statistic=" + std::to_string(c.statistic) + ", p=" + std::to_string(c.p_value) +
               ", samples=" + std::to_string(c.samples) + ")";
      });
  m.def(
      "samples",
      [](const Eigen::ArrayXXd& samples, const py::object& reference, const std::string& test, double grid_error,
         std::uint64_t seed, std::size_t reference_draws, std::size_t permutations, std::size_t max_samples) {
        const compare::SampleTestOptions options{.test = test_of(test),
                                                 .grid_error = grid_error,
                                                 .seed = seed,
                                                 .reference_draws = reference_draws,
                                                 .permutations = permutations,
                                                 .max_samples = max_samples};
        if (py::isinstance<pde::DensityField>(reference)) {
          const auto field = reference.cast<pde::DensityField>();
          py::gil_scoped_release release;
          return compare::compare(samples, field, options);
        }
        if (py::isinstance<distribution::GaussianMixture>(reference)) {
          const auto law = distribution::Law::mixture(reference.cast<distribution::GaussianMixture>());
          py::gil_scoped_release release;
          return compare::compare(samples, law, options);
        }
        throw kolmo::Error("kolmo.compare.samples: parameter 'reference' has the wrong type; expected a DensityField or a "
                           "GaussianMixture");
      },
      py::arg("samples"), py::arg("reference"), py::kw_only(), py::arg("test") = "", py::arg("grid_error") = 0.0,
      py::arg("seed") = 0, py::arg("reference_draws") = 1000, py::arg("permutations") = 499, py::arg("max_samples") = 1000,
      "Samples (n, d) against a reference law: Kolmogorov–Smirnov (1-D; `grid_error` bounds a grid reference's L1\n"
      "error, which the p-value allows for), χ² on the grid's cells, or the energy distance with permutations.");

  using compare::FieldComparison;
  py::class_<FieldComparison>(m, "FieldComparison", "Distances between two densities on one grid")
      .def_readonly("l1", &FieldComparison::l1)
      .def_readonly("total_variation", &FieldComparison::total_variation)
      .def_readonly("kl", &FieldComparison::kl, "KL(a ‖ b) in nats")
      .def_readonly("hellinger", &FieldComparison::hellinger)
      .def_readonly("mass_difference", &FieldComparison::mass_difference)
      .def_readonly("mean_difference", &FieldComparison::mean_difference)
      .def_readonly("covariance_difference", &FieldComparison::covariance_difference)
      .def_readonly("error_bound", &FieldComparison::error_bound)
      .def_readonly("within_error_bound", &FieldComparison::within_error_bound);
  m.def(
      "fields",
      [](const pde::DensityField& a, const pde::DensityField& b, double a_error, double b_error) {
        return compare::compare(a, b, {.a_error = a_error, .b_error = b_error});
      },
      py::arg("a"), py::arg("b"), py::kw_only(), py::arg("a_error") = 0.0, py::arg("b_error") = 0.0,
      "L1, total variation, KL(a ‖ b), Hellinger and moment differences of two densities on the same grid");
  m.def("richardson_l1_error", &compare::richardson_l1_error, py::arg("fine"), py::arg("coarse"), py::arg("order"),
        "The fine field's L1 error estimated from a coarse one (half the cells) and the scheme's order");

  using compare::TwoSampleComparison;
  py::class_<TwoSampleComparison>(m, "TwoSampleComparison")
      .def_readonly("energy", &TwoSampleComparison::energy)
      .def_readonly("mmd", &TwoSampleComparison::mmd)
      .def_readonly("kolmogorov_smirnov", &TwoSampleComparison::kolmogorov_smirnov);
  m.def(
      "two_sample",
      [](const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b, std::uint64_t seed, std::size_t permutations, std::size_t max_samples) {
        py::gil_scoped_release release;
        return compare::compare(a, b, {.seed = seed, .permutations = permutations, .max_samples = max_samples});
      },
      py::arg("a"), py::arg("b"), py::kw_only(), py::arg("seed") = 0, py::arg("permutations") = 499, py::arg("max_samples") = 1000,
      "Two sample sets: energy distance and MMD with permutation p-values, and KS in 1-D");
}

}  // namespace kolmo::python
