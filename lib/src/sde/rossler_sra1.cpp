#include "kolmo/sde/rossler_sra1.hpp"

#include <cmath>

#include "scheme_support.hpp"

namespace kolmo::sde {
namespace {

// Rößler (2010), scheme SRA1; the coefficients are named as in the paper.
constexpr double c0_2 = 3.0 / 4.0;
constexpr double a0_21 = 3.0 / 4.0;
constexpr double b0_21 = 3.0 / 2.0;
constexpr double alpha_1 = 1.0 / 3.0;
constexpr double alpha_2 = 2.0 / 3.0;
constexpr double c1_1 = 1.0;  // c1_2 = 0
// β1 = (1, 0), β2 = (−1, 1): the noise term is g(t + c1_1 h)(ΔW − I/|h|) + g(t) I/|h|.

class RosslerSra1Stepper final : public Stepper {
 public:
  using Stepper::Stepper;

  void step(double t, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    const Eigen::ArrayXXd scaled_area = *noise.areas / std::abs(h);  // I_(1,0) / |h|
    const Eigen::MatrixXd g_start = diffusion_matrix(t);
    const Eigen::MatrixXd g_end = diffusion_matrix(t + c1_1 * h);

    const Eigen::ArrayXXd f1 = drift(t, x);
    const Eigen::ArrayXXd stage2 = x + a0_21 * h * f1 + b0_21 * times_increments({}, g_end, scaled_area);
    const Eigen::ArrayXXd f2 = drift(t + c0_2 * h, stage2);

    x += (alpha_1 * f1 + alpha_2 * f2) * h + times_increments({}, g_end, noise.increments - scaled_area) +
         times_increments({}, g_start, scaled_area);
  }
};

}  // namespace

std::unique_ptr<Stepper> RosslerSra1::make_stepper(const process::Sde& sde) const {
  detail::require_noise(sde, "RosslerSra1", sde.noise() == process::NoiseKind::additive,
                        "additive noise (SRA schemes are derived for g = g(t))");
  return std::make_unique<RosslerSra1Stepper>(sde);
}

}  // namespace kolmo::sde
