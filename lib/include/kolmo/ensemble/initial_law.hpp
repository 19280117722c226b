#pragma once
// The law of X_{t0} for an ensemble: the sampling face of a distribution::Law (the law whose
// other face, law.on(grid), starts the grid solvers from the same law), given points (one per
// path), or any sampler. Draws are pure functions of (seed, path, component) at
// Purpose::initial_state, so path i starts from the same state whatever the thread count or the
// range of paths solved.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "kolmo/distribution/law.hpp"

namespace kolmo::ensemble {

class InitialLaw {
 public:
  /// (seed, first_path, count) -> count × d states of paths [first_path, first_path + count).
  using Sampler = std::function<Eigen::ArrayXXd(std::uint64_t seed, std::uint64_t first_path, std::size_t count)>;

  /// X_{t0} ~ law: its exact draws (distribution/law.hpp).
  static InitialLaw from(distribution::Law law);
  /// Every path starts at `x0` (finite, at least one component): from(Law::point(x0)).
  static InitialLaw point(const Eigen::VectorXd& x0);
  /// Path i starts at row i of `states` (finite); the ensemble must then have states.rows() paths.
  static InitialLaw points(Eigen::ArrayXXd states);
  /// X_{t0} ~ N(mean, covariance): from(Law::gaussian(mean, covariance)), x = mean + L z with L
  /// the symmetric square root of the (positive semi-definite, checked) covariance.
  static InitialLaw gaussian(const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance);
  /// Any law of `dimension` components; `sampler` must be a pure function of its arguments.
  static InitialLaw custom(std::size_t dimension, Sampler sampler);

  [[nodiscard]] std::size_t dimension() const { return dimension_; }
  /// Number of paths the law fixes (points()), or 0 when it serves any number.
  [[nodiscard]] std::size_t fixed_paths() const { return fixed_paths_; }
  /// States of paths [first_path, first_path + count), count × dimension.
  [[nodiscard]] Eigen::ArrayXXd sample(std::uint64_t seed, std::uint64_t first_path, std::size_t count) const;

 private:
  InitialLaw(std::size_t dimension, std::size_t fixed_paths, Sampler sampler);

  std::size_t dimension_;
  std::size_t fixed_paths_;
  Sampler sampler_;
};

}  // namespace kolmo::ensemble
