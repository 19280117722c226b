#include "kolmo/sde/platen_weak2.hpp"

#include <cmath>

#include "scheme_support.hpp"

namespace kolmo::sde {
namespace {

class PlatenWeak2Stepper final : public Stepper {
 public:
  using Stepper::Stepper;

  void step(double t, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    const Eigen::ArrayXXd& dw = noise.increments;
    const Eigen::ArrayXXd f = drift(t, x);
    const Eigen::ArrayXXd euler = x + f * h;  // X + f h, shared by the supporting values

    if (sde().noise() == process::NoiseKind::additive) {
      const Eigen::MatrixXd g_start = diffusion_matrix(t);
      const Eigen::MatrixXd g_end = diffusion_matrix(t + h);
      const Eigen::ArrayXXd predictor = euler + times_increments({}, g_start, dw);
      x += 0.5 * (drift(t + h, predictor) + f) * h +
           0.5 * (times_increments({}, g_start, dw) + times_increments({}, g_end, dw));
      return;
    }

    // Diagonal commutative noise, component by component (Kloeden & Platen 1992, §15.1).
    const double root_h = std::sqrt(std::abs(h));
    const Eigen::ArrayXXd g = diffusion(t, x);
    const Eigen::ArrayXXd predictor = euler + g * dw;
    const Eigen::ArrayXXd g_plus = diffusion(t + h, euler + g * root_h);
    const Eigen::ArrayXXd g_minus = diffusion(t + h, euler - g * root_h);
    x += 0.5 * (drift(t + h, predictor) + f) * h + 0.25 * (g_plus + g_minus + 2.0 * g) * dw +
         0.25 * (g_plus - g_minus) * (dw.square() - std::abs(h)) / root_h;
  }
};

}  // namespace

std::unique_ptr<Stepper> PlatenWeak2::make_stepper(const process::Sde& sde) const {
  detail::require_noise(sde, "PlatenWeak2", sde.noise() != process::NoiseKind::general,
                        "diagonal or additive noise (the general-noise form needs extra random "
                        "variables; use EulerMaruyama)");
  detail::require_calculus(sde, "PlatenWeak2", process::Calculus::ito);
  return std::make_unique<PlatenWeak2Stepper>(sde);
}

}  // namespace kolmo::sde
