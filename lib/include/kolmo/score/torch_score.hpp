#pragma once
// Bring your own PyTorch network: a TorchScript module (saved with torch.jit.save) as a
// ScoreModel that every sampler, objective and comparison runs on, and as a TrainableScore that
// score::train optimises with autograd. Part of the optional kolmo::torch component (libtorch
// from Debian's libtorch-dev; KOLMO_TORCH, on when found): link kolmo::torch to use it, the rest
// of the library never includes libtorch.
//
// The module's contract: forward(x, t) with x a float64 tensor n × d and t a float64 tensor of n
// times returns its prediction n × d in the stated parameterisation (score, ε, x̂_0 or v;
// score/parameterisation.hpp), whose score is s = scale(t) y + shift(t) x (score_map). A module
// whose parameters are float32 is converted to float64 when loaded.
//
// Derivatives by autograd, exact: the Jacobian–vector product ∇s v by double backward (the vector–
// Jacobian product u ↦ Jᵀu, differentiated in u), the divergence as d vector–Jacobian products
// with basis vectors; loss_gradient differentiates a LossBatch's mean row loss, vᵀ∇s v terms of
// implicit and sliced score matching included (vᵀ J v = (Jᵀ v)·v, one backward pass kept in the
// graph per probe).
//
// Threads and determinism. Evaluations of one TorchScore are serialised (a mutex: samplers may call
// it from several threads); each uses `threads` intra-op threads of libtorch, set when the model
// is loaded. For a fixed `threads` the results do not depend on how a sampler splits its batches
// over its own threads; libtorch's CPU kernels may reduce in another order for another `threads`.

#include <Eigen/Core>
#include <filesystem>
#include <memory>
#include <string>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/mlp.hpp"
#include "kolmo/score/objective.hpp"
#include "kolmo/score/parameterisation.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

class TorchScore {
 public:
  /// Loads `file`; throws kolmo::Error naming it when it cannot be read as TorchScript, or when a
  /// test call forward(zeros(1, d), [t]) fails or returns another shape than 1 × d.
  static TorchScore load(const std::filesystem::path& file, std::size_t dimension, Parameterisation output,
                         process::NoiseSchedule schedule, int threads = 1);

  [[nodiscard]] std::size_t dimension() const;
  /// The network's parameters, flattened in module.parameters() order.
  [[nodiscard]] Eigen::VectorXd parameters() const;
  void set_parameters(const Eigen::VectorXd& parameters);

  /// The prediction y (n × d) at times t (one per row).
  [[nodiscard]] Eigen::ArrayXXd predict(const Eigen::ArrayXd& t, const process::StateView& x) const;
  [[nodiscard]] Eigen::ArrayXXd score(const Eigen::ArrayXd& t, const process::StateView& x) const;
  [[nodiscard]] Eigen::ArrayXXd score_jacobian_product(const Eigen::ArrayXd& t, const process::StateView& x,
                                                       const process::StateView& v) const;
  [[nodiscard]] Eigen::ArrayXXd score_divergence(const Eigen::ArrayXd& t, const process::StateView& x) const;

  /// A ScoreModel that shares this network (training it later changes the model's answers).
  [[nodiscard]] ScoreModel score_model(std::string name = "") const;

  /// Row losses and the gradient of their mean (TrainableScore); `threads` is ignored (load's applies).
  void loss_gradient(const LossBatch& batch, LossGradient& out, int threads = 1) const;

  struct Impl;  ///< the loaded module and its settings (opaque: libtorch stays out of this header)

 private:
  explicit TorchScore(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace kolmo::score
