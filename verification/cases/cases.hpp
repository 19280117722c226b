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
void register_grid_oracle_cases(verify::Registry& registry);
void register_langevin_cases(verify::Registry& registry);

/// Every case Kolmo ships, in a stable order.
void register_all_cases(verify::Registry& registry);

}  // namespace kolmo::verification
