// The order rules of the sde/* verification cases can fail: each case's study, run with a scheme
// that has one wrong coefficient, is rejected — and the correct scheme passes the same study
// (same seed as the registered case). The mutants are user-defined schemes written against the
// public Scheme concept, the way a researcher would add a method.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "cases/cases.hpp"
#include "cases/sde_studies.hpp"
#include "kolmo/verify/error_budget.hpp"
#include "kolmo/process/cox_ingersoll_ross.hpp"
#include "kolmo/sde/drift_implicit_square_root.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/milstein.hpp"
#include "kolmo/sde/platen_weak2.hpp"
#include "kolmo/sde/rossler_sra1.hpp"
#include "kolmo/sde/stochastic_heun.hpp"

namespace kolmo::verification {
namespace {

using process::StateView;

/// A scheme value around a stepper class, advertising the orders of the scheme it imitates.
template <class StepperType, class Imitated>
struct Mutant {
  double dt = 0.0;
  static constexpr sde::SchemeTraits traits = Imitated::traits;
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde& sde) const { return sde.noise_dimension(); }
  [[nodiscard]] std::unique_ptr<sde::Stepper> make_stepper(const process::Sde& sde) const {
    return std::make_unique<StepperType>(sde);
  }
};

// Euler–Maruyama that adds the Itô-to-Stratonovich drift ½ g g' h: it converges, but to the
// Stratonovich solution, so its error against the Itô solution does not go to zero.
class EulerWithStratonovichDrift final : public sde::Stepper {
 public:
  using Stepper::Stepper;
  void step(double t, double h, Eigen::ArrayXXd& x, const sde::StepNoise& noise) override {
    const Eigen::ArrayXXd g = diffusion(t, x);
    x += drift(t, x) * h + 0.5 * g * diffusion_derivative(t, x) * h + g * noise.increments;
  }
};

// Milstein with the correction ½ g g' (ΔW² − h) doubled.
class MilsteinDoubledCorrection final : public sde::Stepper {
 public:
  using Stepper::Stepper;
  void step(double t, double h, Eigen::ArrayXXd& x, const sde::StepNoise& noise) override {
    const Eigen::ArrayXXd& dw = noise.increments;
    const Eigen::ArrayXXd g = diffusion(t, x);
    x += drift(t, x) * h + g * dw + g * diffusion_derivative(t, x) * (dw.square() - h);
  }
};

// Stochastic Heun whose corrector keeps g at the start of the step (no trapezoid in g): an
// Euler scheme for the noise, which converges to the Itô, not the Stratonovich, solution.
class HeunWithoutNoiseTrapezoid final : public sde::Stepper {
 public:
  using Stepper::Stepper;
  void step(double t, double h, Eigen::ArrayXXd& x, const sde::StepNoise& noise) override {
    const Eigen::ArrayXXd f = drift(t, x);
    const Eigen::ArrayXXd g_dw = diffusion_times(t, x, noise.increments);
    const Eigen::ArrayXXd predictor = x + f * h + g_dw;
    x += 0.5 * (f + drift(t + h, predictor)) * h + g_dw;
  }
};

// SRA1 variants: `stage_noise` replaces B0_21 = 3/2 (the f' g I_(1,0) term), and `swap_times`
// exchanges g(t_n) and g(t_n + h) in the noise term (c1 = (0, 1) instead of (1, 0), turning
// the g' I_(0,1) term into g' I_(1,0)). The correct scheme is Sra1Variant<1.5, false>.
template <double stage_noise, bool swap_times>
class Sra1Variant final : public sde::Stepper {
 public:
  using Stepper::Stepper;
  void step(double t, double h, Eigen::ArrayXXd& x, const sde::StepNoise& noise) override {
    const double g_start = diffusion_matrix(t)(0, 0), g_end = diffusion_matrix(t + h)(0, 0);
    const double g_increment = swap_times ? g_start : g_end, g_area = swap_times ? g_end : g_start;
    const Eigen::ArrayXXd area = *noise.areas / std::abs(h);
    const Eigen::ArrayXXd f1 = drift(t, x);
    const Eigen::ArrayXXd stage = x + 0.75 * h * f1 + stage_noise * g_end * area;
    x += (f1 / 3 + 2 * drift(t + 0.75 * h, stage) / 3) * h + g_increment * (noise.increments - area) + g_area * area;
  }
};
using Sra1WrongStageNoise = Sra1Variant<1.0, false>;
using Sra1SwappedNoiseTimes = Sra1Variant<1.5, true>;

// Platen's weak scheme with ½ instead of ¼ in front of the (ΔW² − h)/√h term.
class PlatenDoubledLastTerm final : public sde::Stepper {
 public:
  using Stepper::Stepper;
  void step(double t, double h, Eigen::ArrayXXd& x, const sde::StepNoise& noise) override {
    const Eigen::ArrayXXd& dw = noise.increments;
    const double root = std::sqrt(h);
    const Eigen::ArrayXXd f = drift(t, x), g = diffusion(t, x);
    const Eigen::ArrayXXd euler = x + f * h;
    const Eigen::ArrayXXd g_plus = diffusion(t + h, euler + g * root), g_minus = diffusion(t + h, euler - g * root);
    x += 0.5 * (drift(t + h, euler + g * dw) + f) * h + 0.25 * (g_plus + g_minus + 2 * g) * dw +
         0.5 * (g_plus - g_minus) * (dw.square() - h) / root;
  }
};

// Drift-implicit Euler on X itself, X ← (X + κθ h + σ√X ΔW)/(1 + κh): the Lamperti transform
// forgotten. Its noise term is Euler's for multiplicative noise, so its strong order is ½, not 1.
class CirImplicitInXStepper final : public sde::Stepper {
 public:
  CirImplicitInXStepper(const process::Sde& sde, process::CoxIngersollRoss cir) : Stepper(sde), cir_(cir) {}
  void step(double, double h, Eigen::ArrayXXd& x, const sde::StepNoise& noise) override {
    x = (x + cir_.kappa() * cir_.theta() * h + cir_.sigma() * x.sqrt() * noise.increments) / (1.0 + cir_.kappa() * h);
  }

 private:
  process::CoxIngersollRoss cir_;
};

struct CirImplicitInX {
  double dt = 0.0;
  process::CoxIngersollRoss cir{2.0, 1.0, 0.5};  // the study's process
  static constexpr sde::SchemeTraits traits = sde::DriftImplicitSquareRoot::traits;
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde&) const { return 1; }
  [[nodiscard]] std::unique_ptr<sde::Stepper> make_stepper(const process::Sde& sde) const {
    return std::make_unique<CirImplicitInXStepper>(sde, cir);
  }
};

constexpr int threads = 2;

/// The α the registered case `name` runs with: the tests hold a mutant to the case's own rule.
double alpha_of(const std::string& name) {
  verify::Registry registry;
  register_all_cases(registry);
  return verify::case_alpha(registry, registry.find(name)->info);
}

/// The study rejects `mutant`; with `correct` given, the same study (same seed) accepts it.
template <class MutantScheme, class CorrectScheme = MutantScheme>
void expect_rejected(const StudySetup& setup, OrderKind kind, double alpha, const CorrectScheme* correct = nullptr) {
  const verify::Outcome wrong = order_case(setup, MutantScheme{}, kind, alpha);
  EXPECT_FALSE(wrong.passed) << "fitted order " << wrong.measured;
  ::testing::Test::RecordProperty(kind == OrderKind::strong ? "mutant_strong_order" : "mutant_weak_order",
                                  std::to_string(wrong.measured) + " " + wrong.note);
  if (correct != nullptr) {
    EXPECT_TRUE(order_case(setup, *correct, kind, alpha).passed);
  }
}

TEST(SdeOrderCases, EulerMaruyamaConvergingToTheWrongCalculusFailsBothOrderChecks) {
  using Wrong = Mutant<EulerWithStratonovichDrift, sde::EulerMaruyama>;
  expect_rejected<Wrong>(higham_gbm_study(201, threads), OrderKind::strong, alpha_of("sde/em-strong-order-gbm"));
  expect_rejected<Wrong>(higham_gbm_study(202, threads), OrderKind::weak, alpha_of("sde/em-weak-order-gbm"));
}

TEST(SdeOrderCases, MilsteinWithADoubledCorrectionFailsAndTheCorrectOnePasses) {
  const sde::Milstein correct{};
  expect_rejected<Mutant<MilsteinDoubledCorrection, sde::Milstein>>(higham_gbm_study(203, threads),
                                                                      OrderKind::strong,
                                                                      alpha_of("sde/milstein-strong-order-gbm"), &correct);
}

TEST(SdeOrderCases, StochasticHeunWithoutTheNoiseTrapezoidFails) {
  expect_rejected<Mutant<HeunWithoutNoiseTrapezoid, sde::StochasticHeun>>(
      stratonovich_gbm_study(204, threads), OrderKind::strong, alpha_of("sde/heun-strong-order-stratonovich-gbm"));
}

TEST(SdeOrderCases, Sra1WithAWrongStageCoefficientFailsAndTheCorrectOnePasses) {
  const sde::RosslerSra1 correct{};
  expect_rejected<Mutant<Sra1WrongStageNoise, sde::RosslerSra1>>(
      sine_drift_additive_study(205, threads), OrderKind::strong, alpha_of("sde/sra1-strong-order-additive"), &correct);
}

TEST(SdeOrderCases, Sra1WithTheNoiseTimesSwappedFails) {
  expect_rejected<Mutant<Sra1SwappedNoiseTimes, sde::RosslerSra1>>(
      sine_drift_additive_study(205, threads), OrderKind::strong, alpha_of("sde/sra1-strong-order-additive"));
}

TEST(SdeOrderCases, PlatenWithADoubledLastTermFailsTheWeakOrderCheck) {
  const sde::PlatenWeak2 correct{};
  expect_rejected<Mutant<PlatenDoubledLastTerm, sde::PlatenWeak2>>(
      weak_gbm_study(206, threads), OrderKind::weak, alpha_of("sde/platen-weak-order-gbm"), &correct);
}

TEST(SdeOrderCases, CirImplicitEulerInXInsteadOfItsSquareRootFailsAndTheCorrectSchemePasses) {
  const sde::DriftImplicitSquareRoot correct{1.0, process::CoxIngersollRoss(2.0, 1.0, 0.5)};
  expect_rejected<CirImplicitInX>(cir_feller_study(209, threads), OrderKind::strong,
                                  alpha_of("sde/cir-drift-implicit-strong-order"), &correct);
}

}  // namespace
}  // namespace kolmo::verification
