#pragma once
// The variational-bound cases (cases/bound_cases.cpp) with the piece a bug would live in taken as
// a parameter, for the mutation tests (verification/tests/mutation_test.cpp).

#include "kolmo/likelihood/ddpm_bound.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verification {

/// likelihood/ddpm-bound-exact-for-gaussian-reverse-kernels with the score times σ(t)^sigma_power (the case's: 0).
verify::Outcome ddpm_gaussian_with(const verify::RunContext& context, double sigma_power);

/// likelihood/ddpm-bound-below-the-model-likelihood with the grid model's score scaled by `reference_scale` (the case's: 1).
verify::Outcome ddpm_grid_with(const verify::RunContext& context, double reference_scale);

/// likelihood/ddpm-bound-is-the-chain-log-ratio with the chain's reverse variance (the case's: β, as the bound's).
verify::Outcome ddpm_chain_with(const verify::RunContext& context, const likelihood::ReverseVariance& chain_variance);

/// likelihood/latent-sde-elbo-tight-at-the-optimal-posterior with the optimal drift's message term scaled by b^(power − 2) (the case's: 2).
verify::Outcome latent_sde_tight_with(const verify::RunContext& context, double drift_power);

/// likelihood/latent-sde-elbo-below-by-the-posterior-path-kl, the gap with or without KL(q_0 ‖ p(x_0 | y)) (the case's: with).
verify::Outcome latent_sde_gap_with(const verify::RunContext& context, bool with_initial_kl);

/// likelihood/latent-sde-euler-elbo-converges-at-order-one with the limit's path KL scaled by `gap_scale` (the case's: 1).
verify::Outcome latent_sde_order_with(const verify::RunContext& context, double gap_scale);

/// likelihood/latent-sde-elbo-below-grid-evidence-double-well with the grid quadrature's cell measure to the power `measure_power` (the case's: 1).
verify::Outcome latent_sde_double_well_with(const verify::RunContext& context, double measure_power);

/// likelihood/vdm-continuous-loss-is-schedule-invariant with the cosine window's λ_max shifted (the case's: 0).
verify::Outcome vdm_schedule_invariance_with(const verify::RunContext& context, double lambda_shift);

/// likelihood/vdm-bound-below-exact-log-likelihood with the score times σ^sigma_power (the case's: 0).
verify::Outcome vdm_bound_below_with(const verify::RunContext& context, double sigma_power);

/// likelihood/vdm-discrete-loss-converges-at-order-one with the continuous loss's t_min (the case's: 0.3, as the T-step loss's).
verify::Outcome vdm_discrete_order_with(const verify::RunContext& context, double continuous_t_min);

}  // namespace kolmo::verification
