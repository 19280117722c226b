#pragma once
// The score interface every sampler is generic over: a batch of points and a time in,
// ∇_x log p_t(x) out (Hyvärinen 2005; Song & Ermon 2019). It is a value, like process::Sde:
// exact references, the grid oracle and, later, learned networks are all ScoreModels, so a
// sampler never knows which one it runs.
//
//   score(t, x)       n × d for x n × d (process/sde.hpp batch layout); shape checked;
//   divergence(t, x)  ∇·s = Δ log p_t, n × 1, optional (exact probability-flow log-densities).
//
// Evaluations are counted (per point: a batch of n rows counts n) so that samplers can report
// their function evaluations; the count is shared by copies of one model and thread-safe.
//
// Models trained in another parameterisation plug in through score/parameterisation.hpp.

#include <Eigen/Core>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kolmo/process/sde.hpp"

namespace kolmo::score {

class ScoreModel {
 public:
  /// Throws kolmo::Error on an empty name or function, or dimension 0.
  ScoreModel(std::string name, std::size_t dimension, process::BatchCoefficient score);
  /// Supplies ∇·s (n × 1).
  ScoreModel& with_divergence(process::BatchCoefficient divergence);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] std::size_t dimension() const { return dimension_; }
  [[nodiscard]] bool has_divergence() const { return static_cast<bool>(divergence_); }

  /// ∇log p_t(x): n × d. Throws kolmo::Error when x has d ≠ dimension() columns or the model
  /// returns the wrong shape (naming both shapes).
  [[nodiscard]] Eigen::ArrayXXd score(double t, const process::StateView& x) const;
  /// ∇·∇log p_t(x): n × 1. Throws unless supplied.
  [[nodiscard]] Eigen::ArrayXXd divergence(double t, const process::StateView& x) const;

  /// Points at which score() has been evaluated, over this model and all its copies.
  [[nodiscard]] std::uint64_t evaluations() const;
  void reset_evaluations() const;

 private:
  std::string name_;
  std::size_t dimension_;
  process::BatchCoefficient score_;
  process::BatchCoefficient divergence_;
  std::shared_ptr<std::atomic<std::uint64_t>> evaluations_;
};

}  // namespace kolmo::score
