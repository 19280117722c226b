#pragma once
// Shared fixture of the unit tests, the verification cases and the benchmarks: the data law of
// the diffusion-model checks, a 2-D bimodal mixture with anisotropic, oppositely correlated
// components (covariance eigenvalues 0.9/0.1 and 0.32/0.02: condition numbers 9 and 16) and
// unequal weights 0.35/0.65, and a batch of points spread over its modes, the gap between them
// and its tails.

#include <Eigen/Core>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/process/noise_schedule.hpp"

namespace kolmo::test_support {

inline distribution::GaussianMixture bimodal_mixture() {
  const Eigen::Matrix2d first = (Eigen::Matrix2d() << 0.5, 0.4, 0.4, 0.5).finished();     // eigenvalues 0.9, 0.1
  const Eigen::Matrix2d second = (Eigen::Matrix2d() << 0.17, -0.15, -0.15, 0.17).finished();  // 0.32, 0.02
  return distribution::GaussianMixture({0.35, 0.65}, {Eigen::Vector2d(-1.5, 1.0), Eigen::Vector2d(1.2, -0.4)},
                                       {first, second});
}

/// The same law under the VP-linear schedule (β from 0.1 to 20): the benchmarks' law.
inline distribution::DiffusedMixture bimodal_vp_linear() { return {bimodal_mixture(), process::NoiseSchedule::vp_linear()}; }

/// The 1-D data law 0.4 N(−1.5, 0.3²) + 0.6 N(1.2, 0.4²) of the Langevin, learned-score and
/// flow-matching cases.
inline distribution::GaussianMixture bimodal_mixture_1d() {
  return distribution::GaussianMixture({0.4, 0.6}, {Eigen::VectorXd::Constant(1, -1.5), Eigen::VectorXd::Constant(1, 1.2)},
                                       {Eigen::MatrixXd::Constant(1, 1, 0.09), Eigen::MatrixXd::Constant(1, 1, 0.16)});
}

inline Eigen::ArrayXXd spread_points() {
  Eigen::ArrayXXd x(7, 2);
  x << -1.5, 1.0, 1.2, -0.4, 0.0, 0.3, -0.8, -1.7, 2.5, 1.9, -3.0, 3.5, 0.6, -2.2;
  return x;
}

}  // namespace kolmo::test_support
