#pragma once
// Exact sampling of a linear SDE dX = (AX + b) dt + G dW by its Gaussian transition
// (process/linear_sde.hpp, Van Loan 1978):  X_{n+1} = Φ(|h|) X_n + c(|h|) + L z,  L Lᵀ = Σ(|h|),
// z ~ N(0, I_d). Backwards in time (h < 0) it samples the equation run on the reversed clock,
// dX = −(AX + b) dτ + G dW̄, like every other scheme here. L is the symmetric square root from
// Σ's eigendecomposition, so a singular Σ (degenerate noise) is fine.
//
// Exact in law at every step size (weak order ∞); its draws z are d standard normals per step,
// not the SDE's Wiener increments, so it has no pathwise (strong) meaning: strong_order = 0.

#include <limits>
#include <memory>

#include "kolmo/process/linear_sde.hpp"
#include "kolmo/sde/stepper.hpp"

namespace kolmo::sde {

struct ExactLinear {
  double dt = 0.0;            ///< signed step; must divide t1 − t0 into whole steps
  process::LinearSde linear;  ///< the equation sampled; must have the problem's dimension

  static constexpr SchemeTraits traits{"exact-linear", 0.0, std::numeric_limits<double>::infinity(), false};
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde&) const {
    return static_cast<std::size_t>(linear.dimension());
  }
  [[nodiscard]] std::unique_ptr<Stepper> make_stepper(const process::Sde& sde) const;
};
static_assert(Scheme<ExactLinear>);

}  // namespace kolmo::sde
