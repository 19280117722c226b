#include "kolmo/sde/stochastic_heun.hpp"

#include "scheme_support.hpp"

namespace kolmo::sde {
namespace {

class StochasticHeunStepper final : public Stepper {
 public:
  using Stepper::Stepper;

  void step(double t, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    const Eigen::ArrayXXd& dw = noise.increments;
    const Eigen::ArrayXXd f = drift(t, x);
    const Eigen::ArrayXXd g_dw = diffusion_times(t, x, dw);
    const Eigen::ArrayXXd predictor = x + f * h + g_dw;
    x += 0.5 * (f + drift(t + h, predictor)) * h + 0.5 * (g_dw + diffusion_times(t + h, predictor, dw));
  }
};

}  // namespace

std::unique_ptr<Stepper> StochasticHeun::make_stepper(const process::Sde& sde) const {
  detail::require_calculus(sde, "StochasticHeun", process::Calculus::stratonovich);
  return std::make_unique<StochasticHeunStepper>(sde);
}

}  // namespace kolmo::sde
