#include "kolmo/distribution/law.hpp"
#include "kolmo/sampling/sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/sampling/ddim.hpp"
#include "kolmo/sampling/ddpm.hpp"
#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/dpm_solver_plus_plus.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::sampling {
namespace {

using process::NoiseSchedule;

const NoiseSchedule schedule = NoiseSchedule::vp_linear();

/// The 2-D bimodal mixture with its exact score, started from exact samples of p_T.
SamplingProblem mixture_problem(std::uint64_t seed = 11) {
  const distribution::DiffusedMixture law(test_support::bimodal_mixture(), schedule);
  const distribution::GaussianMixture prior = law.marginal(1.0);
  const ensemble::InitialLaw initial = ensemble::InitialLaw::from(distribution::Law::mixture(prior));
  return {score::mixture_score(law), schedule, initial, 1.0, 1e-3, seed};
}

TEST(Sampler, ObservesSnapshotsMomentsAndHistogramsAtVisitedTimesLikeEveryEnsemble) {
  // The ensemble snapshot mechanism in a sampler: at t_max the snapshot is the initial draw, at
  // t_min (and at 0 after denoising) it is the returned sample, bit for bit, and the moments and
  // histograms are those of the snapshot; any thread count gives the same bits.
  const SamplingProblem problem = mixture_problem();
  const std::vector<double> grid = sampling_times(schedule, 1.0, 1e-3, 20, StepSpacing::uniform_time);
  SamplerOptions options{.paths = 600, .threads = 1};
  options.observe.snapshot_times = {1.0, grid[10], 1e-3, 0.0};
  options.observe.moment_times = {grid[10]};
  options.observe.histograms = {{.time = 0.0, .component = 1, .edges = {-3.0, 0.0, 3.0}}};
  const SampleSolution one = sample(problem, Ddim{.steps = 20, .denoise_final = true}, options);
  ASSERT_TRUE(one.status.ok()) << one.status.message;
  ASSERT_EQ(one.snapshots.size(), 4u);
  EXPECT_TRUE((one.snapshots[0].states == problem.initial.sample(problem.seed, 0, 600)).all());
  EXPECT_TRUE((one.snapshots[3].states == one.samples).all());
  EXPECT_FALSE((one.snapshots[2].states == one.samples).all());  // t_min is before the denoising step
  const Eigen::VectorXd mean = one.snapshots[1].states.colwise().mean().transpose().matrix();
  EXPECT_LT((one.moments[0].moments.mean() - mean).cwiseAbs().maxCoeff(), 1e-13);
  EXPECT_EQ(one.moments[0].left_out, 0u);
  EXPECT_EQ(one.histograms[0].total(), 600u);
  options.threads = 2;
  const SampleSolution two = sample(problem, Ddim{.steps = 20, .denoise_final = true}, options);
  EXPECT_TRUE((two.snapshots[1].states == one.snapshots[1].states).all());
  EXPECT_EQ(two.moments[0].moments.mean(), one.moments[0].moments.mean());
  options.observe.snapshot_times = {0.5};  // not on the grid of 20 uniform steps from 1 to 1e-3
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, Ddim{.steps = 20}, options), "options.observe.snapshot_times[0]");
}

TEST(SamplingTimes, EndpointsAreExactAndTheGridDecreasesStrictly) {
  for (StepSpacing spacing : {StepSpacing::uniform_time, StepSpacing::uniform_lambda}) {
    const std::vector<double> times = sampling_times(schedule, 0.9, 1e-3, 37, spacing);
    ASSERT_EQ(times.size(), 38u);
    EXPECT_EQ(times.front(), 0.9);
    EXPECT_EQ(times.back(), 1e-3);
    for (std::size_t j = 1; j < times.size(); ++j) EXPECT_LT(times[j], times[j - 1]) << j;
  }
}

TEST(SamplingTimes, UniformTimeIsUniformInTimeAndUniformLambdaInLambda) {
  constexpr std::size_t steps = 25;
  const std::vector<double> times = sampling_times(schedule, 1.0, 1e-3, steps, StepSpacing::uniform_time);
  for (std::size_t j = 1; j <= steps; ++j) {
    // t_j = t_max + (t_min − t_max) j/M: one rounding per grid point.
    EXPECT_NEAR(times[j - 1] - times[j], (1.0 - 1e-3) / steps, 4 * std::numeric_limits<double>::epsilon());
  }
  const std::vector<double> by_lambda = sampling_times(schedule, 1.0, 1e-3, steps, StepSpacing::uniform_lambda);
  const double h = (schedule.lambda(1e-3) - schedule.lambda(1.0)) / steps;
  for (std::size_t j = 1; j <= steps; ++j) {
    // λ(t_of_lambda(λ)) = λ up to the rounding of the closed-form inverse and of λ(t) (a few ulp
    // of log-terms of size ≤ 10 here): 1e-13 absolute.
    EXPECT_NEAR(schedule.lambda(by_lambda[j]) - schedule.lambda(by_lambda[j - 1]), h, 1e-13) << j;
  }
}

TEST(SamplingTimes, BadInputIsAClearError) {
  KOLMO_EXPECT_THROW_NAMING((void)sampling_times(schedule, 1.0, 1e-3, 0, StepSpacing::uniform_time), "steps");
  KOLMO_EXPECT_THROW_NAMING((void)sampling_times(schedule, 1.0, 0.0, 10, StepSpacing::uniform_time), "t_min");
  KOLMO_EXPECT_THROW_NAMING((void)sampling_times(schedule, 1.0, -1e-3, 10, StepSpacing::uniform_time), "t_min");
  KOLMO_EXPECT_THROW_NAMING((void)sampling_times(schedule, 0.5, 0.5, 10, StepSpacing::uniform_time), "t_min");
  KOLMO_EXPECT_THROW_NAMING((void)sampling_times(schedule, 1.5, 1e-3, 10, StepSpacing::uniform_time), "t_max");
}

TEST(SamplingProblem, BadInputIsAClearError) {
  const SamplingProblem good = mixture_problem();
  const score::ScoreModel one_dimensional("1-d", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return -x;
  });
  KOLMO_EXPECT_THROW_NAMING(SamplingProblem(one_dimensional, schedule, good.initial, 1.0, 1e-3, 1), "model.dimension()");
  KOLMO_EXPECT_THROW_NAMING(SamplingProblem(good.model, schedule, good.initial, 1.0, 0.0, 1), "t_min");
  KOLMO_EXPECT_THROW_NAMING(SamplingProblem(good.model, schedule, good.initial, 1.0, 1.0, 1), "t_min");
  KOLMO_EXPECT_THROW_NAMING(SamplingProblem(good.model, schedule, good.initial, 2.0, 1e-3, 1), "t_max");
}

TEST(Samplers, BadMethodsAndOptionsAreClearErrors) {
  const SamplingProblem problem = mixture_problem();
  const SamplerOptions options{.paths = 10};
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, Ddpm{.steps = 0}, options), "steps");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, Ddim{.steps = 10, .eta = 1.5}, options), "eta");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, Ddim{.steps = 10, .eta = -0.1}, options), "eta");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolver{.order = 4, .steps = 10}, options), "order");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolver{.order = 0, .steps = 10}, options), "order");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolver{.order = 3, .steps = 0}, options), "steps");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolverPlusPlus2M{.steps = 1}, options), "steps");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolver{.order = 2, .steps = 5}, {.paths = 0}), "options.paths");
  KOLMO_EXPECT_THROW_NAMING((void)sample(problem, DpmSolver{.order = 2, .steps = 5}, {.paths = 5, .threads = 0}),
                            "options.threads");
}

TEST(Samplers, ResultsAreBitIdenticalForAnyThreadCountAndAnySplitOfThePaths) {
  // 2500 paths: three batches of the SDE engine's partition (1024 paths each in 2-D).
  const SamplingProblem problem = mixture_problem();
  const auto check = [&problem](const auto& method) {
    const SampleSolution one = sample(problem, method, {.paths = 2500, .threads = 1});
    const SampleSolution three = sample(problem, method, {.paths = 2500, .threads = 3});
    EXPECT_TRUE((one.samples == three.samples).all()) << one.sampler;
    const SampleSolution tail = sample(problem, method, {.paths = 1300, .threads = 2, .first_path = 1200});
    EXPECT_TRUE((one.samples.bottomRows(1300) == tail.samples).all()) << one.sampler;
  };
  check(Ddpm{.steps = 20});
  check(Ddim{.steps = 20, .eta = 0.5});
  check(DpmSolver{.order = 3, .steps = 4});
  check(DpmSolverPlusPlus2M{.steps = 10});
}

TEST(Samplers, ReportTheirModelEvaluationsPerPath) {
  const SamplingProblem problem = mixture_problem();
  const auto nfe = [&problem](const auto& method) {
    problem.model.reset_evaluations();
    const SampleSolution result = sample(problem, method, {.paths = 1500, .threads = 2});
    // The model's own count (per point) agrees with the sampler's per-path NFE.
    EXPECT_EQ(problem.model.evaluations(), result.stats.model_evaluations * 1500) << result.sampler;
    return result.stats.model_evaluations;
  };
  EXPECT_EQ(nfe(Ddpm{.steps = 30}), 30u);
  EXPECT_EQ(nfe(Ddim{.steps = 30, .denoise_final = true}), 31u);
  EXPECT_EQ(nfe(DpmSolver{.order = 1, .steps = 7}), 7u);
  EXPECT_EQ(nfe(DpmSolver{.order = 2, .steps = 7}), 14u);
  EXPECT_EQ(nfe(DpmSolver{.order = 3, .steps = 7, .denoise_final = true}), 22u);
  EXPECT_EQ(nfe(DpmSolverPlusPlus2M{.steps = 20}), 20u);
}

TEST(Samplers, TheFinalStepToSigmaZeroIsTweediesPosteriorMeanAndFinite) {
  const SamplingProblem problem = mixture_problem();
  const distribution::DiffusedMixture law(test_support::bimodal_mixture(), schedule);
  const SampleSolution at_t_min = sample(problem, DpmSolverPlusPlus2M{.steps = 15}, {.paths = 300});
  const SampleSolution denoised = sample(problem, DpmSolverPlusPlus2M{.steps = 15, .denoise_final = true}, {.paths = 300});
  ASSERT_TRUE(denoised.status.ok());
  ASSERT_TRUE(denoised.samples.allFinite());
  EXPECT_EQ(denoised.times.back(), 0.0);
  // The output is still a function of x_{t_min}: the truncation is stated either way.
  EXPECT_EQ(denoised.truncation.t_min, 1e-3);
  EXPECT_EQ(denoised.truncation.sigma, schedule.sigma(1e-3));
  EXPECT_EQ(at_t_min.truncation.alpha, schedule.alpha(1e-3));
  // E[x_0 | x_{t_min}] by per-component Gaussian conditioning (no score involved): the driver's
  // x_s/α_s − (σ_s/α_s) ε̂ differs from it by the rounding of Tweedie's cancellation, a few ulp of
  // |x|/α_s + σ_s |ε̂|/α_s (both ~ 5 here).
  const Eigen::ArrayXXd expected = law.posterior_mean(1e-3, at_t_min.samples);
  EXPECT_LT((denoised.samples - expected).abs().maxCoeff(), 1e-13);
  // ... and for DDPM and DDIM, whose fresh noise vanishes at σ = 0.
  for (double eta : {0.0, 1.0}) {
    const SampleSolution ddim = sample(problem, Ddim{.steps = 12, .eta = eta}, {.paths = 50});
    const SampleSolution ddim0 = sample(problem, Ddim{.steps = 12, .eta = eta, .denoise_final = true}, {.paths = 50});
    EXPECT_LT((ddim0.samples - law.posterior_mean(1e-3, ddim.samples)).abs().maxCoeff(), 1e-13) << eta;
  }
}

TEST(Samplers, ANonFinitePathIsStoppedAndReportedWithItsTime) {
  // A model that breaks down for x_1 > 2 once t < 0.5: path 1 starts there, path 0 does not.
  const score::ScoreModel fragile("fragile", 2, [](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd s = -x;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (t < 0.5 && x(i, 0) > 2.0) s(i, 0) = std::numeric_limits<double>::quiet_NaN();
    }
    return s;
  });
  Eigen::ArrayXXd starts(2, 2);
  starts << 0.1, 0.2, 10.0, 0.0;
  const SamplingProblem problem(fragile, schedule, ensemble::InitialLaw::points(starts), 1.0, 1e-3, 3);
  const SampleSolution result = sample(problem, Ddim{.steps = 10}, {.paths = 2});
  EXPECT_EQ(result.status.code, StatusCode::non_finite);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].path, 1u);
  EXPECT_LT(result.failures[0].time, 0.5);
  EXPECT_NE(result.status.where.find("path 1"), std::string::npos) << result.status.where;
  EXPECT_TRUE(result.samples.row(0).allFinite());
  EXPECT_TRUE(result.samples.row(1).isNaN().all());
}

}  // namespace
}  // namespace kolmo::sampling
