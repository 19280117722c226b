#pragma once
// A time-conditioned multilayer perceptron score network on Eigen batches, with analytic
// gradients — small enough to read, fast enough to train the 1-D to few-D models that cross-checks
// need (benchmarks/score_benchmark.cpp measures it against PyTorch).
//
// Network. The input of a row (x, t) is [x, τ, sin(ω_1 τ), …, sin(ω_m τ), cos(ω_1 τ), …, cos(ω_m τ)],
// τ = t/T, with m frequencies spaced geometrically from 1 to ω_max: Fourier features of the time
// (Tancik et al. 2020; the sinusoidal embedding of Vaswani et al. 2017 that Ho et al. 2020 use for
// t). Hidden layers h_l = φ(W_l h_{l−1} + b_l), φ = SiLU z·sigmoid(z) (Elfwing et al. 2018) or tanh;
// a linear output layer gives the prediction y ∈ R^d in the architecture's parameterisation
// (score/parameterisation.hpp), whose score is s = scale(t) y + shift(t) x (score_map).
// Initial weights are LeCun-normal, W ~ N(0, 1/fan_in), from (seed, Purpose::initialisation,
// path = layer); biases 0.
//
// Derivatives, all exact (checked against finite differences in lib/tests/score/mlp_test.cpp):
//   the input Jacobian–vector product ∇_x s v by forward (tangent) propagation,
//   ḣ_l = φ'(z_l) ∘ W_l ḣ_{l−1}; the divergence as the sum of the d products with basis vectors;
//   the parameter gradient of a LossBatch's mean row loss (score/objective.hpp) by reverse-mode
//   backpropagation — through the tangent pass as well for implicit and sliced score matching,
//   whose loss contains vᵀ∇s v (adjoint of ḣ_l = φ'(z_l) ∘ ż_l brings in φ''(z_l)).
//
// Determinism. Batches are processed in chunks of 128 rows (a fixed split, whatever the thread
// count); a gradient is the sum of its chunks' gradients in chunk order, so it is bit-identical
// for any `threads`. Products run in 64 × 64 output blocks so that Eigen packs them on the stack. Eigen's own OpenMP matrix-product threading is off library-wide
// (EIGEN_DONT_PARALLELIZE), since its blocking depends on the thread count.
//
// Files. save() writes a versioned text file ("kolmo-mlp 1": architecture, schedule name and
// every parameter to 17 significant digits, which round-trips doubles exactly); load() rebuilds
// the model and checks the version, the shape and the schedule's name, each mismatch a
// kolmo::Error naming the file, the field and both values.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/objective.hpp"
#include "kolmo/score/parameterisation.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

enum class Activation { silu, tanh };

[[nodiscard]] const char* to_string(Activation activation);

struct MlpArchitecture {
  std::size_t dimension = 1;                     ///< d of x and of the output
  std::vector<std::size_t> hidden_widths{64, 64};
  Activation activation = Activation::silu;
  std::size_t time_frequencies = 8;              ///< m (0: τ alone)
  double max_frequency = 32.0;                   ///< ω_max, radians per unit τ; ≥ 1
  Parameterisation output = Parameterisation::epsilon;
};

/// The gradient of the mean row loss of a LossBatch, with the row losses.
struct LossGradient {
  Eigen::ArrayXd row_losses;
  Eigen::VectorXd gradient;
};

class Mlp {
 public:
  /// Throws kolmo::Error on dimension 0, no hidden layer or a width 0, ω_max < 1 or not finite.
  Mlp(MlpArchitecture architecture, process::NoiseSchedule schedule, std::uint64_t seed);

  /// The model saved in `file`, for `schedule` (whose name must be the saved one).
  [[nodiscard]] static Mlp load(const std::filesystem::path& file, process::NoiseSchedule schedule);
  void save(const std::filesystem::path& file) const;

  [[nodiscard]] const MlpArchitecture& architecture() const { return architecture_; }
  [[nodiscard]] std::size_t dimension() const { return architecture_.dimension; }
  [[nodiscard]] const process::NoiseSchedule& schedule() const { return schedule_; }
  [[nodiscard]] std::size_t parameter_count() const { return static_cast<std::size_t>(parameters_.size()); }
  [[nodiscard]] const Eigen::VectorXd& parameters() const { return parameters_; }
  /// Throws kolmo::Error unless the size is parameter_count() and every entry is finite.
  void set_parameters(const Eigen::VectorXd& parameters);

  /// The prediction y (n × d) at times t (one per row; t in [0, T]).
  [[nodiscard]] Eigen::ArrayXXd predict(const Eigen::ArrayXd& t, const process::StateView& x) const;
  /// s = scale(t) y + shift(t) x.
  [[nodiscard]] Eigen::ArrayXXd score(const Eigen::ArrayXd& t, const process::StateView& x) const;
  /// Row i: ∇_x s(t_i, x_i) v_i.
  [[nodiscard]] Eigen::ArrayXXd score_jacobian_product(const Eigen::ArrayXd& t, const process::StateView& x,
                                                       const process::StateView& v) const;
  /// ∇_x · s, n × 1 (d tangent passes).
  [[nodiscard]] Eigen::ArrayXXd score_divergence(const Eigen::ArrayXd& t, const process::StateView& x) const;

  /// A ScoreModel of the current parameters (a copy: later training does not change it), with
  /// row times, divergence and Jacobian–vector product.
  [[nodiscard]] ScoreModel score_model(std::string name = "") const;

  /// Row losses and the gradient of their mean with respect to parameters() (score/objective.hpp,
  /// LossBatch), using up to `threads` OpenMP threads; bit-identical for any thread count.
  [[nodiscard]] LossGradient loss_gradient(const LossBatch& batch, int threads = 1) const;
  /// The same into `out`, reusing its storage (a training loop allocates nothing per step).
  void loss_gradient(const LossBatch& batch, LossGradient& out, int threads = 1) const;

  /// Rows per chunk (see Determinism).
  static constexpr Eigen::Index chunk_rows = 128;

 private:
  struct Layer {
    Eigen::Index inputs, outputs, offset;  ///< W at offset (outputs × inputs), then b
  };
  struct Tape;
  struct Coefficients;

  [[nodiscard]] Eigen::Index input_width() const;
  [[nodiscard]] Eigen::MatrixXd features(const Eigen::ArrayXd& t, const process::StateView& x) const;
  [[nodiscard]] Coefficients coefficients(const Eigen::ArrayXd& t) const;
  void forward(Tape& tape, const Eigen::MatrixXd* tangent) const;
  void check_batch(const Eigen::ArrayXd& t, const process::StateView& x, const char* where) const;
  void chunk_gradient(const LossBatch& batch, Eigen::Index first, Eigen::Index rows, Eigen::Ref<Eigen::ArrayXd> row_losses,
                      Eigen::Ref<Eigen::VectorXd> gradient) const;

  MlpArchitecture architecture_;
  process::NoiseSchedule schedule_;
  std::vector<Layer> layers_;
  Eigen::VectorXd parameters_;
  Eigen::ArrayXd frequencies_;
};

}  // namespace kolmo::score
