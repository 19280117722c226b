#include "kolmo/sde/milstein.hpp"

#include <cmath>

#include "scheme_support.hpp"

namespace kolmo::sde {
namespace {

class MilsteinStepper final : public Stepper {
 public:
  using Stepper::Stepper;

  void step(double t, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    const Eigen::ArrayXXd& dw = noise.increments;
    Eigen::ArrayXXd increment = drift(t, x) * h;
    if (sde().noise() == process::NoiseKind::additive) {
      increment += diffusion_times(t, x, dw);  // ∂g/∂x = 0: the correction vanishes
    } else {
      const Eigen::ArrayXXd g = diffusion(t, x);
      // Itô: ½ g g' (ΔW² − |h|); Stratonovich: ½ g g' ΔW² (Kloeden & Platen 1992, §10.3).
      const double ito_shift = sde().calculus() == process::Calculus::ito ? std::abs(h) : 0.0;
      increment += g * dw + 0.5 * diffusion_derivative_product(t, x, g) * (dw.square() - ito_shift);
    }
    x += increment;
  }
};

}  // namespace

std::unique_ptr<Stepper> Milstein::make_stepper(const process::Sde& sde) const {
  detail::require_noise(sde, "Milstein", sde.noise() != process::NoiseKind::general,
                        "diagonal or additive noise (general noise needs Levy areas; use EulerMaruyama "
                        "or StochasticHeun)");
  if (sde.noise() == process::NoiseKind::diagonal) {
    require(sde.has_diffusion_derivative_product(), "kolmo::sde::Milstein", "sde.diffusion_derivative",
            std::string_view("not supplied"),
            "dg_i/dx_i via Sde::with_diffusion_derivative, or g_i dg_i/dx_i via with_diffusion_derivative_product");
  }
  return std::make_unique<MilsteinStepper>(sde);
}

}  // namespace kolmo::sde
