#pragma once
// Test helper: how far a deterministic sampler's map x_T → x_{t_min} is from the closed-form
// probability-flow map of a Gaussian data law (support/single_gaussian.hpp), T = 1.

#include <Eigen/Core>
#include <cstdint>

#include "kolmo/sampling/sampler.hpp"
#include "support/single_gaussian.hpp"

namespace kolmo::test_support {

/// N((0.5, −1), diag(0.3², 1.5²)) under VP-linear: one narrow and one wide component.
inline SingleGaussian anisotropic_gaussian() {
  return {process::NoiseSchedule::vp_linear(), Eigen::RowVector2d(0.5, -1.0), Eigen::RowVector2d(0.3, 1.5)};
}

/// Four starting points at T, spread over p_T ≈ N(0, I).
inline Eigen::ArrayXXd flow_starts() {
  return (Eigen::ArrayXXd(4, 2) << 0.3, -1.2, 1.5, 0.4, -0.7, 2.0, -2.2, -0.1).finished();
}

/// max over the starts of |x_{t_min} from `method` − the closed-form flow map|.
template <class Method>
double flow_map_error(const SingleGaussian& law, const Method& method, double t_min = 1e-3) {
  const Eigen::ArrayXXd starts = flow_starts();
  const sampling::SamplingProblem problem(law.score(), law.schedule, ensemble::InitialLaw::points(starts), 1.0, t_min, 1);
  const sampling::SampleSolution result = sample(problem, method, {.paths = static_cast<std::uint64_t>(starts.rows())});
  return (result.samples - law.flow_map(1.0, t_min, starts)).abs().maxCoeff();
}

}  // namespace kolmo::test_support
