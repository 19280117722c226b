#pragma once
// A forward SDE dX = f(t, X) dt + g(t, X) dW as the reverse-time samplers need it: the SDE
// (process/sde.hpp, any noise kind) plus the divergence of the diffusion matrix,
//
//   (∇·(g gᵀ))_i = Σ_j ∂_j (g gᵀ)_ij     (n × d on a batch),
//
// which enters Anderson's (1982) reverse drift whenever g depends on the state. For additive
// noise it is zero and need not be supplied; for diagonal or general noise it must be (the
// constructor throws kolmo::Error otherwise — a silently missing term would bias every sample).

#include <cstddef>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::sampling {

class ForwardProcess {
 public:
  /// An additive-noise SDE (no divergence needed).
  explicit ForwardProcess(process::Sde sde);
  /// Any SDE with its ∇·(g gᵀ) (n × d).
  ForwardProcess(process::Sde sde, process::BatchCoefficient diffusion_divergence);
  /// The noising SDE of a schedule in `dimension` components.
  static ForwardProcess of(const process::NoiseSchedule& schedule, std::size_t dimension);

  [[nodiscard]] const process::Sde& sde() const { return sde_; }
  [[nodiscard]] std::size_t dimension() const { return sde_.dimension(); }
  /// ∇·(g gᵀ) at (t, x): n × d (zeros for additive noise).
  [[nodiscard]] Eigen::ArrayXXd diffusion_divergence(double t, const process::StateView& x) const;
  /// g gᵀ v for every row of v (n × d), any noise kind.
  [[nodiscard]] Eigen::ArrayXXd diffusion_times_transpose_times(double t, const process::StateView& x,
                                                                const Eigen::ArrayXXd& v) const;

 private:
  process::Sde sde_;
  process::BatchCoefficient diffusion_divergence_;
};

}  // namespace kolmo::sampling
