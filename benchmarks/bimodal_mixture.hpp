#pragma once
// The law of the score and sampling benchmarks: a 2-D bimodal mixture with anisotropic, oppositely
// correlated components (weights 0.35/0.65, covariance eigenvalues 0.9/0.1 and 0.32/0.02) under
// VP-linear (β from 0.1 to 20) — the data law of the score tests (lib/tests/support/bimodal_mixture.hpp).

#include <Eigen/Core>

#include "kolmo/distribution/diffused_mixture.hpp"

namespace kolmo::benchmarks {

inline distribution::DiffusedMixture bimodal_vp() {
  const Eigen::Matrix2d first = (Eigen::Matrix2d() << 0.5, 0.4, 0.4, 0.5).finished();
  const Eigen::Matrix2d second = (Eigen::Matrix2d() << 0.17, -0.15, -0.15, 0.17).finished();
  const distribution::GaussianMixture data({0.35, 0.65}, {Eigen::Vector2d(-1.5, 1.0), Eigen::Vector2d(1.2, -0.4)},
                                           {first, second});
  return {data, process::NoiseSchedule::vp_linear()};
}

}  // namespace kolmo::benchmarks
