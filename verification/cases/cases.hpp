#pragma once
// Registration of Kolmo's verification cases, one function per area (cases/<area>_cases.cpp).
// register_all_cases() is what `kolmo verify` runs; each later area adds its function here.

#include "kolmo/verify/registry.hpp"

namespace kolmo::verification {

void register_random_cases(verify::Registry& registry);
void register_ornstein_uhlenbeck_cases(verify::Registry& registry);
void register_sde_cases(verify::Registry& registry);
void register_ode_cases(verify::Registry& registry);
void register_pde_cases(verify::Registry& registry);
void register_continuity_cases(verify::Registry& registry);
void register_spectral_cases(verify::Registry& registry);
void register_diffusion_cases(verify::Registry& registry);
void register_grid_oracle_cases(verify::Registry& registry);
void register_sampler_cases(verify::Registry& registry);
void register_langevin_cases(verify::Registry& registry);
void register_score_learning_cases(verify::Registry& registry);
void register_flow_matching_cases(verify::Registry& registry);
void register_likelihood_cases(verify::Registry& registry);
void register_bound_cases(verify::Registry& registry);
void register_latent_sde_cases(verify::Registry& registry);
void register_vdm_cases(verify::Registry& registry);

/// `info` for a deterministic case measured at round-off level: only the order of magnitude of
/// such a value is stable across compilers and CPUs, so its baseline allows a factor 1000.
inline verify::CaseInfo with_round_off_baseline(verify::CaseInfo info) {
  info.baseline_relative_tolerance = 1e3;
  return info;
}

/// Every case Kolmo ships, in a stable order.
void register_all_cases(verify::Registry& registry);

}  // namespace kolmo::verification
