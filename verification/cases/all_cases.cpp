#include "cases/cases.hpp"

namespace kolmo::verification {

void register_all_cases(verify::Registry& registry) {
  register_random_cases(registry);
  register_ornstein_uhlenbeck_cases(registry);
  register_sde_cases(registry);
  register_ode_cases(registry);
  register_pde_cases(registry);
  register_continuity_cases(registry);
  register_spectral_cases(registry);
  register_diffusion_cases(registry);
  register_grid_oracle_cases(registry);
  register_sampler_cases(registry);
  register_langevin_cases(registry);
  register_score_learning_cases(registry);
  register_flow_matching_cases(registry);
  register_likelihood_cases(registry);
  register_bound_cases(registry);
  register_vdm_cases(registry);
  register_latent_sde_cases(registry);
}

}  // namespace kolmo::verification
