// A downstream project's own verification suite, built by the consumer check against the
// installed package and run through ctest by kolmo_add_verification(): the project's own scheme
// (here an exponential Euler step for the OU process, written against kolmo::sde's Stepper
// interface) held to a claim with Kolmo's rules, seeds, error budget, baselines and reports.
#include <cmath>
#include <memory>

#include <kolmo/process/ornstein_uhlenbeck.hpp>
#include <kolmo/sde/ensemble.hpp>
#include <kolmo/stats/mean_estimate.hpp>
#include <kolmo/verify/main.hpp>
#include <kolmo/verify/tolerance.hpp>

namespace {

using namespace kolmo;

/// X ← μ + (X − μ) e^{−θh} + σ ΔW: the mean is exact at any h (the variance is not).
struct ExponentialEuler {
  double dt = 0.0;
  process::OrnsteinUhlenbeck ou;

  static constexpr sde::SchemeTraits traits{"exponential-euler", 0.5, 1.0, false};
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde&) const { return 1; }
  [[nodiscard]] std::unique_ptr<sde::Stepper> make_stepper(const process::Sde& sde) const {
    struct Step final : sde::Stepper {
      Step(const process::Sde& sde, process::OrnsteinUhlenbeck ou) : Stepper(sde), ou_(ou) {}
      void step(double, double h, Eigen::ArrayXXd& x, const sde::StepNoise& noise) override {
        x = ou_.mu() + (x - ou_.mu()) * std::exp(-ou_.theta() * h) + ou_.sigma() * noise.increments;
      }
      process::OrnsteinUhlenbeck ou_;
    };
    return std::make_unique<Step>(sde, ou);
  }
};
static_assert(sde::Scheme<ExponentialEuler>);

verify::Outcome mean_is_exact(const verify::RunContext& context) {
  const process::OrnsteinUhlenbeck ou(/*theta=*/2.0, /*mu=*/0.5, /*sigma=*/0.8);
  const sde::SdeProblem problem(ou.sde(), ensemble::InitialLaw::point(Eigen::VectorXd::Constant(1, 3.0)), 0.0, 1.0, context.seed);
  const auto solution = sde::solve(problem, ExponentialEuler{0.25, ou}, {.paths = 50'000, .threads = context.threads});
  const auto x = solution.terminal.col(0);
  const stats::MeanEstimate mean = stats::estimate_mean({x.data(), static_cast<std::size_t>(x.size())});
  return verify::within_sigma(mean.mean, mean.standard_error, ou.transition_mean(3.0, 1.0), context.alpha);
}

}  // namespace

int main(int argc, char** argv) {
  verify::Registry registry;
  registry.add({{"mine/exponential-euler-ou-mean", "The exponential Euler step has the exact OU mean at any step size",
                 "Kloeden & Platen 1992, Sec. 4.4 (the OU transition)", verify::Tier::fast, verify::CaseKind::statistical, 17},
                mean_is_exact});
  return verify::main(argc, argv, registry, {.program = "my-suite", .description = "A downstream verification suite"});
}
