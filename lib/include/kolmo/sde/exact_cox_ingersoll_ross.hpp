#pragma once
// Exact sampling of the Cox–Ingersoll–Ross process by its noncentral chi-square transition
// (process/cox_ingersoll_ross.hpp): every step draws X_{n+1} | X_n exactly, so the law at every
// grid time is exact whatever the step (weak order ∞). The step's two uniforms are Φ(ΔW_j/√h)
// of two Wiener increments — a standard normal through its own CDF is uniform — so the noise is
// still the ensemble's, addressed by (seed, path, step), and bit-identical for any thread count.
// Like ExactLinear it has no pathwise meaning (strong_order = 0). Forward time only (h > 0).

#include <limits>
#include <memory>

#include "kolmo/process/cox_ingersoll_ross.hpp"
#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

struct ExactCoxIngersollRoss {
  double dt = 0.0;                   ///< positive step; must divide t1 − t0 into whole steps
  process::CoxIngersollRoss cir;  ///< the law sampled; the problem's SDE must be its sde()

  static constexpr SchemeTraits traits{"exact-cox-ingersoll-ross", 0.0, std::numeric_limits<double>::infinity(),
                                       false};
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde&) const { return 2; }
  /// Throws kolmo::Error unless the SDE is cir.sde() (by name: the name carries κ, θ, σ).
  [[nodiscard]] std::unique_ptr<Stepper> make_stepper(const process::Sde& sde) const;
};
static_assert(Scheme<ExactCoxIngersollRoss>);

}  // namespace kolmo::sde
