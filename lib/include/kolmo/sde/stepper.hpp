#pragma once
// The contract between a fixed-step SDE scheme and the ensemble driver (sde/ensemble.hpp).
//
// A scheme is a small value (EulerMaruyama{dt}, Milstein{dt}, ...) that states its orders and
// noise needs (SchemeTraits) and makes a Stepper: the object that advances a batch of paths
// (process/sde.hpp layout) by one step with the noise it is handed. The driver owns the loop
// over paths and steps, draws the noise (random/brownian_increments.hpp) and observes; the
// stepper only states the method's update. Noise is an input, never drawn by the stepper.
//
// Time direction. h is signed: t1 < t0 integrates backwards, as a reverse-time SDE does. Drift
// terms use h; the Wiener increments have variance |h| (the clock of the noise runs forwards),
// and so does every Itô correction (ΔW² − |h|) and every space–time integral (over |h|). A
// scheme written this way is the forward scheme for the time-reversed clock τ = −t.

#include <Eigen/Core>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "kolmo/process/sde.hpp"

namespace kolmo::sde {

/// What a scheme promises and needs. Orders are for smooth coefficients and the noise kinds the
/// scheme accepts (make_stepper refuses the others).
struct SchemeTraits {
  std::string_view name;      ///< e.g. "euler-maruyama"
  double strong_order = 0.0;  ///< mean-square order (Kloeden & Platen 1992, §9.6)
  double weak_order = 0.0;    ///< order for smooth functionals (§9.7)
  bool needs_areas = false;   ///< needs I_(1,0) = ∫ (W_s − W_t) ds (strong order 1.5 for additive noise)
};

/// The noise of one step for a batch of paths: ΔW (paths × m, variance |h|) and, when the
/// scheme asked for it, the space–time integral I_(1,0) of the same step (otherwise null).
struct StepNoise {
  const Eigen::ArrayXXd& increments;
  const Eigen::ArrayXXd* areas = nullptr;
};

/// Advances a batch of paths by one step. Made per batch by a scheme; not shared across threads.
class Stepper {
 public:
  explicit Stepper(const process::Sde& sde) : sde_(sde) {}
  virtual ~Stepper() = default;
  Stepper(const Stepper&) = delete;
  Stepper& operator=(const Stepper&) = delete;

  /// x (paths × d) at time t  ->  x at time t + h.
  virtual void step(double t, double h, Eigen::ArrayXXd& x, const StepNoise& noise) = 0;

  /// The same step written to another array: `next` (resized to match) ← the state at t + h
  /// from `x` at t, leaving `x` as it was. The ensemble keeps two buffers and swaps them, so it
  /// has the state before the step (to restore a path that turned non-finite) without copying
  /// it every step. The default copies and steps in place; a scheme that can read one array
  /// and write the other overrides it, with the same bits as step().
  virtual void step_into(double t, double h, const Eigen::ArrayXXd& x, Eigen::ArrayXXd& next,
                         const StepNoise& noise) {
    next = x;
    step(t, h, next, noise);
  }

  /// Coefficient evaluations so far, counted per path (a batch of n rows counts n).
  [[nodiscard]] std::uint64_t drift_evaluations() const { return drift_evaluations_; }
  [[nodiscard]] std::uint64_t diffusion_evaluations() const { return diffusion_evaluations_; }

 protected:
  [[nodiscard]] const process::Sde& sde() const { return sde_; }
  /// f(t, x), counted.
  [[nodiscard]] Eigen::ArrayXXd drift(double t, const process::StateView& x);
  /// g(t, x) in the batch layout of the noise kind (diagonal/general), counted.
  [[nodiscard]] Eigen::ArrayXXd diffusion(double t, const process::StateView& x);
  /// ∂g_i/∂x_i (diagonal noise); not counted in the evaluation statistics.
  [[nodiscard]] Eigen::ArrayXXd diffusion_derivative(double t, const process::StateView& x);
  /// g_i ∂g_i/∂x_i (diagonal noise) given g = diffusion(t, x); not counted either.
  [[nodiscard]] Eigen::ArrayXXd diffusion_derivative_product(double t, const process::StateView& x,
                                                             const Eigen::ArrayXXd& g);
  /// g(t) of additive noise (one evaluation per call).
  [[nodiscard]] Eigen::MatrixXd diffusion_matrix(double t);
  /// g(t, x) dW for every path: paths × d, any noise kind; `dw` is paths × m.
  [[nodiscard]] Eigen::ArrayXXd diffusion_times(double t, const process::StateView& x,
                                                const Eigen::ArrayXXd& dw);
  /// The same product for a diffusion already evaluated (`g` from diffusion() or, for additive
  /// noise, the matrix from diffusion_matrix() in `g_matrix`).
  [[nodiscard]] Eigen::ArrayXXd times_increments(const Eigen::ArrayXXd& g, const Eigen::MatrixXd& g_matrix,
                                                 const Eigen::ArrayXXd& dw) const;

 private:
  const process::Sde& sde_;
  std::uint64_t drift_evaluations_ = 0;
  std::uint64_t diffusion_evaluations_ = 0;
};

/// A fixed-step scheme: a value with a signed step `dt`, its traits, the number of Wiener
/// components it consumes per step for an SDE, and a factory for steppers (which throws
/// kolmo::Error if the scheme does not support the SDE's noise structure).
template <class S>
concept Scheme = std::copyable<S> && requires(const S scheme, const process::Sde& sde) {
  { scheme.dt } -> std::convertible_to<double>;
  { S::traits } -> std::convertible_to<SchemeTraits>;
  { scheme.wiener_dimension(sde) } -> std::convertible_to<std::size_t>;
  { scheme.make_stepper(sde) } -> std::same_as<std::unique_ptr<Stepper>>;
};

}  // namespace kolmo::sde
