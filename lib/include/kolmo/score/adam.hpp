#pragma once
// Adam (Kingma & Ba 2015, Alg. 1) with a learning-rate schedule:
//
//   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
//   θ ← θ − η_k m̂ / (√v̂ + ε),   m̂ = m/(1 − β₁^k), v̂ = v/(1 − β₂^k)   (step k = 1, 2, …).
//
// Learning rates η_k: constant, or a linear warm-up over the first W steps (Goyal et al. 2017)
// followed by cosine decay to a final fraction of the peak at step K (Loshchilov & Hutter 2017,
// eq. 5 without restarts).

#include <Eigen/Core>
#include <cstddef>
#include <functional>
#include <string>

namespace kolmo::score {

class LearningRate {
 public:
  /// Throws kolmo::Error unless rate > 0 and finite.
  static LearningRate constant(double rate);
  /// η_k = peak (k+1)/W for k < W; then peak [f + (1 − f) ½ (1 + cos(π (k − W)/(K − W)))] up to K,
  /// f = final_fraction ∈ [0, 1]; peak afterwards f · peak. Throws on peak ≤ 0, W ≥ K or f outside [0, 1].
  static LearningRate warmup_cosine(double peak, std::size_t warmup_steps, std::size_t total_steps,
                                    double final_fraction = 0.0);

  /// η at the 0-based step k.
  [[nodiscard]] double operator()(std::size_t step) const { return rate_(step); }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  LearningRate(std::string name, std::function<double(std::size_t)> rate);
  std::string name_;
  std::function<double(std::size_t)> rate_;
};

struct AdamOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

class Adam {
 public:
  /// Throws kolmo::Error unless 0 ≤ β₁, β₂ < 1 and ε > 0.
  Adam(Eigen::Index parameters, AdamOptions options = {});
  /// One update of `parameters` with `gradient` (same size) at learning rate η > 0.
  void step(Eigen::VectorXd& parameters, const Eigen::VectorXd& gradient, double learning_rate);
  [[nodiscard]] std::size_t steps() const { return steps_; }

 private:
  AdamOptions options_;
  Eigen::VectorXd first_moment_, second_moment_;
  std::size_t steps_ = 0;
};

}  // namespace kolmo::score
