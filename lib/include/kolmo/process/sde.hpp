#pragma once
// An Itô (or Stratonovich) SDE as data:
//
//   dX_t = f(t, X_t) dt + g(t, X_t) dW_t,   X ∈ R^d,  W ∈ R^m,
//
// with the structure of g that the schemes of kolmo::sde exploit:
//   additive  g = g(t), a d×m matrix independent of the state;
//   diagonal  m = d and g = diag(g_1(t, x), ..., g_d(t, x)); a scheme that uses derivatives of g
//             (Milstein, the weak order-2 scheme) additionally needs g_i to depend on x only
//             through x_i, which makes the noise commutative (Kloeden & Platen 1992, §10.3) —
//             otherwise Lévy areas would be needed;
//   general   g(t, x) a full d×m matrix.
// Optional extras a scheme or an observer may need: ∂g_i/∂x_i (diagonal noise), or only the
// product g_i ∂g_i/∂x_i that Milstein and the Itô–Stratonovich conversion use — finite where the
// derivative alone is not (g = σ√x at x = 0: g g' = σ²/2) — and the divergence ∇·f (log-density
// transport along the flow, kolmo::ode).
//
// State space. An SDE may declare the box its solutions never leave (CIR: x ≥ 0), with
// closed bounds. A scheme that steps a path outside it has produced a state the equation does
// not define; the ensembles stop such a path and report it (sde/ensemble.hpp), instead of letting
// √x return NaN one step later — or never, when it happens on the last step.
//
// Batches. Every coefficient is evaluated on a batch of states at once: a paths × d array whose
// column c holds component c of every path (column-major, so a component's values are
// contiguous — the layout the ensemble kernels and Eigen's vectorised array expressions want).
// The coefficient functions return
//   drift                 paths × d,
//   diffusion (diagonal)  paths × d,       entry (p, i) = g_i(t, x_p),
//   diffusion (general)   paths × (d·m),   entry (p, i + d·j) = g_ij(t, x_p),
//   diffusion_derivative  paths × d,       entry (p, i) = ∂g_i/∂x_i (t, x_p),
//   drift_divergence      paths × 1,
//   drift_jacobian_product paths × d,      row p: ∇f(t, x_p) v_p for a direction batch v,
// and must treat each path (row) independently. Shapes are checked on every call (a wrong
// shape throws kolmo::Error naming both shapes), so a mistake in user code never corrupts memory.

#include <Eigen/Core>
#include <cstddef>
#include <functional>
#include <string>

namespace kolmo::process {

/// A batch of states, one row per path (see the header comment for the layout).
using StateBatch = Eigen::ArrayXXd;
/// Read-only view of a batch, accepting arrays, maps and row blocks without copying.
using StateView = Eigen::Ref<const Eigen::ArrayXXd>;
/// A coefficient evaluated on a batch: (t, x) -> array with one row per path.
using BatchCoefficient = std::function<Eigen::ArrayXXd(double t, const StateView& x)>;
/// (t, x, v) -> row p: the derivative of a coefficient at x_p in the direction v_p (paths × d).
using DirectionalCoefficient = std::function<Eigen::ArrayXXd(double t, const StateView& x, const StateView& v)>;
/// K when `direction_rows` rows hold K ≥ 1 directions for each of `point_rows` points, stacked
/// direction-major (direction k of point i in row k n + i) — the layout in which Jacobian–vector
/// products take several directions per point (Hutchinson's probes); 0 when they do not.
[[nodiscard]] inline Eigen::Index stacked_directions(Eigen::Index point_rows, Eigen::Index direction_rows) {
  if (point_rows == 0) return direction_rows == 0 ? 1 : 0;
  return direction_rows >= point_rows && direction_rows % point_rows == 0 ? direction_rows / point_rows : 0;
}
/// Row-wise dot products of two stacks of K directions for each of `points` points (laid out as
/// stacked_directions says): entry (i, k) = u_{k n + i} · z_{k n + i}, points × K — e.g. a
/// Jacobian–vector product J z dotted with z, Hutchinson's zᵀ J z.
[[nodiscard]] Eigen::ArrayXXd stacked_dot_products(const StateView& u, const StateView& z, Eigen::Index points);
/// `copies` copies of x one above the other (K n × d: the points for K stacked directions), copied
/// block by block: Eigen's replicate() indexes with a division per entry, which cost a fifth of
/// a Hutchinson log-likelihood solve.
[[nodiscard]] Eigen::ArrayXXd repeated_rows(const StateView& x, Eigen::Index copies);
/// A directional derivative that takes one direction per row, made to take K per point
/// (stacked_directions): it is called with x repeated K times.
[[nodiscard]] DirectionalCoefficient one_direction_per_row(DirectionalCoefficient product);
/// The state-independent diffusion matrix g(t) (d×m) of additive noise.
using TimeMatrix = std::function<Eigen::MatrixXd(double t)>;

enum class NoiseKind { additive, diagonal, general };
enum class Calculus { ito, stratonovich };
/// Whether f and g depend on t. The grid solvers follow the declaration: they re-assemble their
/// operators at every step (or stage) of a time-dependent SDE and once for an autonomous one.
/// A new Sde is time-dependent — the declaration that is never wrong, only slower; the catalogue's
/// autonomous processes (OU, GBM, double well, linear, CIR) declare themselves autonomous.
enum class TimeDependence { time_dependent, autonomous };

[[nodiscard]] constexpr const char* to_string(NoiseKind kind) {
  switch (kind) {
    case NoiseKind::additive: return "additive";
    case NoiseKind::diagonal: return "diagonal";
    case NoiseKind::general: return "general";
  }
  return "unknown";
}

class Sde {
 public:
  /// dX = f dt + g(t) dW with g(t) d×m. Throws kolmo::Error on an empty name or function,
  /// dimension or noise_dimension 0.
  static Sde additive(std::string name, std::size_t dimension, std::size_t noise_dimension,
                      BatchCoefficient drift, TimeMatrix diffusion);
  /// dX_i = f_i dt + g_i(t, x) dW_i, i = 1..d (m = d).
  static Sde diagonal(std::string name, std::size_t dimension, BatchCoefficient drift,
                      BatchCoefficient diffusion);
  /// dX = f dt + g(t, x) dW with g d×m, returned flattened column-major per path.
  static Sde general(std::string name, std::size_t dimension, std::size_t noise_dimension,
                     BatchCoefficient drift, BatchCoefficient diffusion);

  /// Supplies ∂g_i/∂x_i (diagonal noise only; throws otherwise).
  Sde& with_diffusion_derivative(BatchCoefficient derivative);
  /// Supplies g_i ∂g_i/∂x_i directly (diagonal noise only), for an SDE whose ∂g/∂x is infinite
  /// where the product is finite. Takes precedence over g · with_diffusion_derivative().
  Sde& with_diffusion_derivative_product(BatchCoefficient product);
  /// Declares the closed box lower ≤ x ≤ upper (componentwise; ±inf for no bound) that the
  /// solutions stay in. Throws unless both have d entries, no NaN, and lower < upper.
  Sde& with_state_space(Eigen::VectorXd lower, Eigen::VectorXd upper);
  /// Supplies ∇·f (paths × 1).
  Sde& with_drift_divergence(BatchCoefficient divergence);
  /// Supplies ∇f v (paths × d), the drift's Jacobian applied to one direction per path.
  Sde& with_drift_jacobian_product(DirectionalCoefficient product);
  /// Declares the equation Stratonovich (default Itô).
  Sde& with_calculus(Calculus calculus);
  /// Declares whether f and g depend on t (default: they do).
  Sde& with_time_dependence(TimeDependence dependence);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] std::size_t dimension() const { return dimension_; }
  [[nodiscard]] std::size_t noise_dimension() const { return noise_dimension_; }
  [[nodiscard]] NoiseKind noise() const { return noise_; }
  [[nodiscard]] Calculus calculus() const { return calculus_; }
  [[nodiscard]] TimeDependence time_dependence() const { return time_dependence_; }
  [[nodiscard]] bool is_autonomous() const { return time_dependence_ == TimeDependence::autonomous; }
  [[nodiscard]] bool has_diffusion_derivative() const { return static_cast<bool>(diffusion_derivative_); }
  [[nodiscard]] bool has_drift_divergence() const { return static_cast<bool>(drift_divergence_); }
  [[nodiscard]] bool has_drift_jacobian_product() const { return static_cast<bool>(drift_jacobian_product_); }
  /// Whether g_i ∂g_i/∂x_i is available (supplied, or from a supplied ∂g_i/∂x_i).
  [[nodiscard]] bool has_diffusion_derivative_product() const {
    return static_cast<bool>(diffusion_derivative_product_) || has_diffusion_derivative();
  }
  /// Whether a state space smaller than R^d was declared.
  [[nodiscard]] bool has_state_space() const { return state_lower_.size() > 0; }
  /// The declared bounds (−inf / +inf entries where unbounded; empty when none was declared).
  [[nodiscard]] const Eigen::VectorXd& state_lower() const { return state_lower_; }
  [[nodiscard]] const Eigen::VectorXd& state_upper() const { return state_upper_; }

  /// f(t, x): paths × d.
  [[nodiscard]] Eigen::ArrayXXd drift(double t, const StateView& x) const;
  /// Additive noise: g(t), d×m. Throws for other noise kinds.
  [[nodiscard]] Eigen::MatrixXd diffusion_matrix(double t) const;
  /// Diagonal or general noise: g(t, x) in the batch layout above. Throws for additive noise.
  [[nodiscard]] Eigen::ArrayXXd diffusion(double t, const StateView& x) const;
  /// ∂g_i/∂x_i: paths × d. Throws unless supplied.
  [[nodiscard]] Eigen::ArrayXXd diffusion_derivative(double t, const StateView& x) const;
  /// g_i ∂g_i/∂x_i: paths × d. Throws unless has_diffusion_derivative_product(). `g`, if given,
  /// is diffusion(t, x) already evaluated (used when the product comes from ∂g_i/∂x_i).
  [[nodiscard]] Eigen::ArrayXXd diffusion_derivative_product(double t, const StateView& x,
                                                             const Eigen::ArrayXXd* g = nullptr) const;
  /// ∇·f: paths × 1. Throws unless supplied.
  [[nodiscard]] Eigen::ArrayXXd drift_divergence(double t, const StateView& x) const;
  /// ∇f(t, x_p) v_p per row: paths × d. Throws unless supplied, or when v's shape is not x's.
  [[nodiscard]] Eigen::ArrayXXd drift_jacobian_product(double t, const StateView& x, const StateView& v) const;

 private:
  Sde(std::string name, std::size_t dimension, std::size_t noise_dimension, NoiseKind noise,
      BatchCoefficient drift);
  void check_state(const StateView& x, const char* where) const;

  std::string name_;
  std::size_t dimension_;
  std::size_t noise_dimension_;
  NoiseKind noise_;
  Calculus calculus_ = Calculus::ito;
  TimeDependence time_dependence_ = TimeDependence::time_dependent;
  BatchCoefficient drift_;
  TimeMatrix additive_diffusion_;
  BatchCoefficient diffusion_;
  BatchCoefficient diffusion_derivative_;
  BatchCoefficient diffusion_derivative_product_;
  BatchCoefficient drift_divergence_;
  DirectionalCoefficient drift_jacobian_product_;
  Eigen::VectorXd state_lower_, state_upper_;
};

}  // namespace kolmo::process
