#include "kolmo/sde/euler_maruyama.hpp"

#include "scheme_support.hpp"

namespace kolmo::sde {
namespace {

class EulerMaruyamaStepper final : public Stepper {
 public:
  using Stepper::Stepper;

  void step(double t, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    // Both terms are evaluated at the old state before x changes (Eigen evaluates each call
    // into its own temporary first), then added in one pass.
    x += drift(t, x) * h + diffusion_times(t, x, noise.increments);
  }
};

}  // namespace

std::unique_ptr<Stepper> EulerMaruyama::make_stepper(const process::Sde& sde) const {
  detail::require_calculus(sde, "EulerMaruyama", process::Calculus::ito);
  return std::make_unique<EulerMaruyamaStepper>(sde);
}

}  // namespace kolmo::sde
