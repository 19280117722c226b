#pragma once
// The score interface every sampler is generic over: a batch of points and a time in,
// ∇_x log p_t(x) out (Hyvärinen 2005; Song & Ermon 2019). It is a value, like process::Sde:
// exact references, the grid oracle and, later, learned networks are all ScoreModels, so a
// sampler never knows which one it runs.
//
//   score(t, x)       n × d for x n × d (process/sde.hpp batch layout); shape checked;
//   divergence(t, x)  ∇·s = Δ log p_t, n × 1, optional (exact probability-flow log-densities).
//   jacobian_vector_product(t, x, v)   row i: ∇s(x_i) v_i, n × d, optional — what implicit and
//                     sliced score matching (score/objective.hpp) and Hutchinson traces need; v may
//                     hold K directions per point (K n × d, direction k of point i in row k n + i),
//                     which a model supplied with_stacked_jacobian_vector_product takes in one
//                     call (a mixture forms each point's posterior once for its K probes) and any
//                     other model receives with x repeated K times.
//   jacobian_quadratic_forms(t, x, z)  n × K: z_kᵀ ∇s(x_i) z_k for K directions per point stacked
//                     as above — Hutchinson's trace estimates zᵀ ∇s z. A model may supply them
//                     fused (with_jacobian_quadratic_forms: the mixture never forms the K n × d
//                     products); otherwise they are its Jacobian–vector products dotted with z.
//
// Evaluations are counted (per point: a batch of n rows counts n) so that samplers can report
// their function evaluations; the count is shared by copies of one model and thread-safe.
//
// Models trained in another parameterisation plug in through score/parameterisation.hpp.

#include <Eigen/Core>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "kolmo/process/sde.hpp"

namespace kolmo::score {

class ScoreModel {
 public:
  /// (t, x, v) -> row i: ∇_x s(t, x_i) v_i, n × d.
  /// (t, x) -> row i: s(t_i, x_i), for models that take one time per row.
  using RowTimeScore = std::function<Eigen::ArrayXXd(const Eigen::ArrayXd& t, const process::StateView& x)>;
  using JacobianVectorProduct =
      std::function<Eigen::ArrayXXd(double t, const process::StateView& x, const process::StateView& v)>;

  /// Throws kolmo::Error on an empty name or function, or dimension 0.
  ScoreModel(std::string name, std::size_t dimension, process::BatchCoefficient score);
  /// Supplies ∇·s (n × 1).
  ScoreModel& with_divergence(process::BatchCoefficient divergence);
  /// Supplies a score with one time per row (used by score_at_times; a network conditions each
  /// row on its own t in one pass).
  ScoreModel& with_row_times(RowTimeScore score);
  /// Supplies the Jacobian–vector product ∇s v, called with one direction per row (v n × d).
  ScoreModel& with_jacobian_vector_product(JacobianVectorProduct product);
  /// Supplies a product that takes K ≥ 1 directions per point in one call: v K n × d, direction k
  /// of point i in row k n + i (process::stacked_directions), result K n × d likewise.
  ScoreModel& with_stacked_jacobian_vector_product(JacobianVectorProduct product);
  /// Supplies zᵀ ∇s z directly: (t, x n × d, z K n × d stacked direction-major) -> n × K, entry
  /// (i, k) for direction k of point i. Must equal the Jacobian–vector product dotted with z.
  ScoreModel& with_jacobian_quadratic_forms(JacobianVectorProduct forms);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] std::size_t dimension() const { return dimension_; }
  [[nodiscard]] bool has_divergence() const { return static_cast<bool>(divergence_); }
  [[nodiscard]] bool has_jacobian_vector_product() const { return static_cast<bool>(jacobian_vector_product_); }
  /// Supplied fused, or computable from the Jacobian–vector product.
  [[nodiscard]] bool has_jacobian_quadratic_forms() const {
    return static_cast<bool>(jacobian_quadratic_forms_) || has_jacobian_vector_product();
  }

  /// ∇log p_t(x): n × d. Throws kolmo::Error when x has d ≠ dimension() columns or the model
  /// returns the wrong shape (naming both shapes).
  [[nodiscard]] Eigen::ArrayXXd score(double t, const process::StateView& x) const;
  /// Row i: s(t_i, x_i), for t of length n: n × d. One call of the row-time score when supplied,
  /// otherwise one score() call per run of equal times. Counted like score().
  [[nodiscard]] Eigen::ArrayXXd score_at_times(const Eigen::ArrayXd& t, const process::StateView& x) const;
  /// ∇·∇log p_t(x): n × 1. Throws unless supplied.
  [[nodiscard]] Eigen::ArrayXXd divergence(double t, const process::StateView& x) const;
  /// ∇s(x_i) v per direction: v n × d (one per row) or K n × d (K per point, stacked
  /// direction-major), the result v's shape. Throws unless supplied, or when v is neither.
  [[nodiscard]] Eigen::ArrayXXd jacobian_vector_product(double t, const process::StateView& x,
                                                        const process::StateView& v) const;
  /// z_kᵀ ∇s(x_i) z_k: n × K for z K n × d (K ≥ 1 directions per point, stacked direction-major).
  /// The fused forms when supplied, else the product dotted with z. Throws unless one of the two
  /// was supplied, or when z is not such a stack.
  [[nodiscard]] Eigen::ArrayXXd jacobian_quadratic_forms(double t, const process::StateView& x,
                                                         const process::StateView& z) const;

  /// Points at which score() has been evaluated, over this model and all its copies.
  [[nodiscard]] std::uint64_t evaluations() const;
  void reset_evaluations() const;

 private:
  std::string name_;
  std::size_t dimension_;
  process::BatchCoefficient score_;
  process::BatchCoefficient divergence_;
  JacobianVectorProduct jacobian_vector_product_;
  JacobianVectorProduct jacobian_quadratic_forms_;
  RowTimeScore row_time_score_;
  std::shared_ptr<std::atomic<std::uint64_t>> evaluations_;
};

}  // namespace kolmo::score
