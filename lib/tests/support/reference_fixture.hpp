#pragma once
// Test helper: the JSON fixtures of reference implementations' outputs (lib/tests/sampling/
// fixtures/, written by benchmarks/peers/*_reference.py): arrays and the Gaussian mixture they use.

#include <Eigen/Core>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "kolmo/distribution/gaussian_mixture.hpp"

namespace kolmo::test_support {

/// fixtures/<name> of the sampling tests (KOLMO_SAMPLER_FIXTURES).
inline nlohmann::json sampler_fixture(const std::string& name) {
  std::ifstream in(std::string(KOLMO_SAMPLER_FIXTURES) + "/" + name);
  if (!in.good()) throw std::runtime_error("missing fixture " + name + " in " + KOLMO_SAMPLER_FIXTURES);
  return nlohmann::json::parse(in);
}

/// A list of rows as an array (rows × columns).
inline Eigen::ArrayXXd fixture_matrix(const nlohmann::json& rows) {
  Eigen::ArrayXXd x(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows[0].size()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) x(i, j) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  }
  return x;
}

/// {"weights", "means", "covariances"} as a mixture.
inline distribution::GaussianMixture fixture_mixture(const nlohmann::json& m) {
  std::vector<Eigen::VectorXd> means;
  std::vector<Eigen::MatrixXd> covariances;
  for (const auto& mean : m["means"]) means.push_back(fixture_matrix(nlohmann::json::array({mean})).row(0).matrix().transpose());
  for (const auto& c : m["covariances"]) covariances.push_back(fixture_matrix(c).matrix());
  return {m["weights"].get<std::vector<double>>(), means, covariances};
}

}  // namespace kolmo::test_support
