#include "kolmo/sampling/ddim.hpp"

#include <gtest/gtest.h>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/sampling/ddpm.hpp"
#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"

namespace kolmo::sampling {
namespace {

using process::NoiseSchedule;

const NoiseSchedule schedule = NoiseSchedule::vp_linear();
const distribution::DiffusedMixture law(test_support::bimodal_mixture(), schedule);

SamplingProblem from(const ensemble::InitialLaw& initial, double t_max, double t_min) {
  return {score::mixture_score(law), schedule, initial, t_max, t_min, 5};
}

/// max |a − b| / max |b|.
double relative_difference(const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b) {
  return (a - b).abs().maxCoeff() / b.abs().maxCoeff();
}

TEST(Ddim, EtaZeroEqualsDpmSolverOneStepForStep) {
  // α_t x̂_0 + σ_t ε̂ with x̂_0 = (x_s − σ_s ε̂)/α_s is (α_t/α_s) x_s − (α_t σ_s/α_s − σ_t) ε̂, and
  // α_t σ_s/α_s − σ_t = σ_t (e^h − 1): the same step, rounded differently. x̂_0 cancels
  // x_s ~ 1 against σ_s ε̂ down to α_s x̂_0 (α(T) = 6.7e-3), so a step carries ~1/α_s ≈ 150 ulp:
  // 1e-12 relative.
  const SamplingProblem start = from(ensemble::InitialLaw::custom(2, [](std::uint64_t seed, std::uint64_t first, std::size_t n) {
    return law.marginal(1.0).sample(seed, first, n);
  }), 1.0, 1e-3);
  const std::vector<double> times = sampling_times(schedule, 1.0, 1e-3, 40, StepSpacing::uniform_lambda);
  Eigen::ArrayXXd x = start.initial.sample(start.seed, 0, 200);
  for (std::size_t j = 0; j + 1 < times.size(); ++j) {
    const SamplingProblem one_step = from(ensemble::InitialLaw::points(x), times[j], times[j + 1]);
    const SampleSolution ddim = sample(one_step, Ddim{.steps = 1}, {.paths = 200});
    const SampleSolution dpm = sample(one_step, DpmSolver{.order = 1, .steps = 1}, {.paths = 200});
    EXPECT_LT(relative_difference(ddim.samples, dpm.samples), 1e-12) << "step " << j;
    x = ddim.samples;
  }
}

TEST(Ddim, EtaOneIsDdpmAncestralSamplingWithTheSameDraws) {
  // α_t x̂_0 + σ_t e^{−h} ε̂ + σ̃ z and (α_t/α_s) e^{−2h} x_s + α_t (1 − e^{−2h}) x̂_0 + σ̃ z are one
  // law and, with the same z, one number up to rounding (1e-12 relative as above).
  const SamplingProblem problem = from(ensemble::InitialLaw::custom(2, [](std::uint64_t seed, std::uint64_t first, std::size_t n) {
    return law.marginal(1.0).sample(seed, first, n);
  }), 1.0, 1e-3);
  for (StepSpacing spacing : {StepSpacing::uniform_time, StepSpacing::uniform_lambda}) {
    const SampleSolution ddim = sample(problem, Ddim{.steps = 50, .eta = 1.0, .spacing = spacing}, {.paths = 500});
    const SampleSolution ddpm = sample(problem, Ddpm{.steps = 50, .spacing = spacing}, {.paths = 500});
    EXPECT_LT(relative_difference(ddim.samples, ddpm.samples), 1e-12);
    // ... and η < 1 draws less fresh noise: a different chain.
    const SampleSolution half = sample(problem, Ddim{.steps = 50, .eta = 0.5, .spacing = spacing}, {.paths = 500});
    EXPECT_GT(relative_difference(half.samples, ddpm.samples), 1e-3);
  }
}

}  // namespace
}  // namespace kolmo::sampling
