#pragma once
// How the divergence in d log p/dt = −∇·v(t, x) is computed while a trajectory is integrated:
//
//   ExactDivergence       the flow's own ∇·v (Flow::with_divergence) or, failing that, the trace
//                         of its Jacobian;
//   FiniteDifference      Σ_i [v_i(x + ε e_i) − v_i(x − ε e_i)] / 2ε, 2d velocity evaluations,
//                         error O(ε²) (ε relative to 1 + |x_i|);
//   Hutchinson            tr J ≈ (1/K) Σ_k z_kᵀ J z_k (Hutchinson 1990; FFJORD, Grathwohl et al.
//                         2019) with K probes z_k, Rademacher (±1) or standard Gaussian, drawn
//                         at (seed, Purpose::probe, path, k, component) and FIXED along the
//                         trajectory, so each probe's log-density change is a smooth ODE solution
//                         and the K results are independent, unbiased estimates: their mean is
//                         reported with standard error sd/√K. z_kᵀ J z_k comes from the flow's
//                         quadratic forms if it has them (Flow::jacobian_quadratic_forms: fused,
//                         as the probability-flow ODE of a mixture score supplies them, or its
//                         Jacobian–vector product dotted with z; sampling/reverse_sde.hpp), else
//                         its Jacobian, else a central difference of v along z.
// Rademacher probes minimise the estimator's variance, 2 Σ_{i≠j} J_ij² for symmetric J
// (Hutchinson 1990); Gaussian probes add 2 Σ_i J_ii².

#include <cstddef>
#include <cstdint>
#include <variant>

namespace kolmo::ode {

struct ExactDivergence {};

struct FiniteDifference {
  double epsilon = 6e-6;  ///< ≈ ∛(machine epsilon): balances truncation O(ε²) and rounding O(u/ε)
};

enum class ProbeKind { rademacher, gaussian };

struct Hutchinson {
  std::size_t probes = 1;                  ///< K >= 1 (>= 2 for a standard error)
  ProbeKind kind = ProbeKind::rademacher;
  double epsilon = 6e-6;                   ///< central-difference step for J z without a Jacobian or its product
};

using DivergenceMethod = std::variant<ExactDivergence, FiniteDifference, Hutchinson>;

}  // namespace kolmo::ode
