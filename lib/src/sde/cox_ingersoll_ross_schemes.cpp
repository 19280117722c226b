// The two schemes specific to the Cox–Ingersoll–Ross process (sde/exact_cox_ingersoll_ross.hpp,
// sde/drift_implicit_square_root.hpp): both check that the problem's SDE is the process they
// carry, and both step forward in time only.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "kolmo/core/validate.hpp"
#include "kolmo/sde/drift_implicit_square_root.hpp"
#include "kolmo/sde/exact_cox_ingersoll_ross.hpp"

namespace kolmo::sde {
namespace {

void require_same_process(const process::Sde& sde, const process::CoxIngersollRoss& cir, const char* where) {
  const std::string expected = cir.sde().name();
  require(sde.name() == expected, where, "sde.name()", sde.name(), "'" + expected + "' (the process the scheme carries)");
}

void require_forward(double h, const char* where) {
  require(h > 0.0, where, "h", h, "a positive step (the scheme runs forward in time only)");
}

class ExactCoxIngersollRossStepper final : public Stepper {
 public:
  ExactCoxIngersollRossStepper(const process::Sde& sde, process::CoxIngersollRoss cir)
      : Stepper(sde), cir_(cir) {}

  void step(double, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    require_forward(h, "kolmo::sde::ExactCoxIngersollRoss");
    const double root_h = std::sqrt(h);
    for (Eigen::Index p = 0; p < x.rows(); ++p) {
      x(p, 0) = cir_.sample_transition(x(p, 0), h, uniform(noise.increments(p, 0) / root_h),
                                           uniform(noise.increments(p, 1) / root_h));
    }
  }

 private:
  /// Φ(z) = ½ erfc(−z/√2), kept inside (0, 1) for the |z| > 38 that a double cannot separate from 0 or 1.
  static double uniform(double z) {
    const double u = 0.5 * std::erfc(-z / std::numbers::sqrt2);
    return std::clamp(u, 0x1p-60, 1.0 - 0x1p-53);
  }

  process::CoxIngersollRoss cir_;
};

class DriftImplicitSquareRootStepper final : public Stepper {
 public:
  DriftImplicitSquareRootStepper(const process::Sde& sde, const process::CoxIngersollRoss& cir)
      : Stepper(sde),
        kappa_(cir.kappa()),
        sigma_(cir.sigma()),
        a_((4.0 * cir.kappa() * cir.theta() - cir.sigma() * cir.sigma()) / 8.0) {}

  void step(double, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    require_forward(h, "kolmo::sde::DriftImplicitSquareRoot");
    const double q = 1.0 + 0.5 * kappa_ * h;  // the quadratic's leading coefficient
    const Eigen::ArrayXd b = x.col(0).sqrt() + 0.5 * sigma_ * noise.increments.col(0);
    const Eigen::ArrayXd y = (b + (b.square() + 4.0 * q * a_ * h).sqrt()) / (2.0 * q);
    x.col(0) = y.square();
  }

 private:
  double kappa_, sigma_, a_;
};

}  // namespace

std::unique_ptr<Stepper> ExactCoxIngersollRoss::make_stepper(const process::Sde& sde) const {
  require_same_process(sde, cir, "kolmo::sde::ExactCoxIngersollRoss");
  return std::make_unique<ExactCoxIngersollRossStepper>(sde, cir);
}

std::unique_ptr<Stepper> DriftImplicitSquareRoot::make_stepper(const process::Sde& sde) const {
  constexpr const char* where = "kolmo::sde::DriftImplicitSquareRoot";
  require_same_process(sde, cir, where);
  require(cir.degrees_of_freedom() >= 1.0, where, "cir: 4 kappa theta / sigma^2", cir.degrees_of_freedom(),
          "at least 1 (below it the implicit equation for sqrt(X) has no non-negative root for every dW)");
  return std::make_unique<DriftImplicitSquareRootStepper>(sde, cir);
}

}  // namespace kolmo::sde
