#pragma once
// Moment ODEs of an SDE. For dX = f dt + g dW, Itô's formula gives
//   dμ/dt = E[f(X)],   dΣ/dt = E[f (X − μ)ᵀ + (X − μ) fᵀ] + E[g gᵀ]
// (e.g. Särkkä & Solin 2019, "Applied Stochastic Differential Equations", §5.5). For linear drift
// f = A x + b with additive noise G they close:
//   dμ/dt = A μ + b,   dΣ/dt = A Σ + Σ Aᵀ + G Gᵀ,
// and are integrated here as one flow on (μ, vec Σ) by Odeint's Dormand–Prince 5(4): an
// independent route to the Gaussian law that process/linear_sde.hpp gets from matrix
// exponentials, and to the Monte Carlo moments of an ensemble.

#include <Eigen/Core>

#include "kolmo/core/status.hpp"
#include "kolmo/ode/methods.hpp"
#include "kolmo/process/linear_sde.hpp"

namespace kolmo::ode {

struct GaussianMoments {
  Status status;
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;  ///< symmetrised (Σ + Σᵀ)/2; the ODE keeps it symmetric up to rounding
};

/// Integrates the closed moment ODEs of `sde` from (mean0, covariance0) at time 0 to time t
/// (t > 0). Throws kolmo::Error on mismatched sizes or a non-finite input.
[[nodiscard]] GaussianMoments linear_moments(const process::LinearSde& sde, const Eigen::VectorXd& mean0,
                                             const Eigen::MatrixXd& covariance0, double t,
                                             const DormandPrince& method = {});

}  // namespace kolmo::ode
