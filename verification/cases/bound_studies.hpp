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

}  // namespace kolmo::verification
