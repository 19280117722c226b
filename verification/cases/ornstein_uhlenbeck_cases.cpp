#include "cases/cases.hpp"

namespace kolmo::verification {
// Filled in by the OU work (same session); the verify spine compiles against it now.
void register_ornstein_uhlenbeck_cases(verify::Registry& /*registry*/) {}
}  // namespace kolmo::verification
