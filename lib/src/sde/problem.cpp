#include "kolmo/sde/problem.hpp"

#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::sde {

SdeProblem::SdeProblem(process::Sde sde_, InitialLaw initial_, double t0_, double t1_, std::uint64_t seed_)
    : sde(std::move(sde_)), initial(std::move(initial_)), t0(t0_), t1(t1_), seed(seed_) {
  constexpr const char* where = "kolmo::sde::SdeProblem";
  require_finite(where, "t0", t0);
  require_finite(where, "t1", t1);
  require(t1 != t0, where, "t1", t1, "t1 != t0 = " + describe_value(t0));
  require(initial.dimension() == sde.dimension(), where, "initial.dimension()", initial.dimension(),
          "the SDE's dimension " + describe_value(sde.dimension()) + " ('" + sde.name() + "')");

  // Evaluate every coefficient once: the Sde checks each result's shape and throws, naming it.
  const Eigen::ArrayXXd x0 = initial.sample(seed, 0, 1);
  (void)sde.drift(t0, x0);
  if (sde.noise() == process::NoiseKind::additive) {
    (void)sde.diffusion_matrix(t0);
  } else {
    (void)sde.diffusion(t0, x0);
  }
  if (sde.has_diffusion_derivative()) (void)sde.diffusion_derivative(t0, x0);
  if (sde.has_diffusion_derivative_product()) (void)sde.diffusion_derivative_product(t0, x0);
  if (sde.has_drift_divergence()) (void)sde.drift_divergence(t0, x0);
}

}  // namespace kolmo::sde
