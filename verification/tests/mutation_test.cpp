// Every case family's rule can fail: each test injects one plausible bug — a wrong sign, a dropped
// term, a wrong coefficient, an off-by-one step — into the computation a verification case makes
// (through the hooks of cases/mutable_studies.hpp and cases/langevin_studies.hpp), with the case's
// own seed and α, and expects the verdict to turn to fail; where it is cheap, the same call with
// the library's correct piece passes. The SDE order cases have theirs in sde_cases_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "cases/cases.hpp"
#include "cases/langevin_studies.hpp"
#include "cases/flow_matching_studies.hpp"
#include "cases/bound_studies.hpp"
#include "cases/likelihood_studies.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/sampling/reverse_sde.hpp"
#include "kolmo/pde/fokker_planck.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "cases/mutable_studies.hpp"
#include "cases/score_learning_studies.hpp"
#include "kolmo/process/cox_ingersoll_ross.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/sampling/predictor_corrector.hpp"
#include "kolmo/sde/exact_cox_ingersoll_ross.hpp"
#include "kolmo/verify/error_budget.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

/// The context the registered case `name` runs with (its declared seed and α, 2 threads).
verify::RunContext context_of(const std::string& name) {
  verify::Registry registry;
  register_all_cases(registry);
  const verify::Case* c = registry.find(name);
  EXPECT_NE(c, nullptr) << name;
  return {c->info.seed, 2, verify::case_alpha(registry, c->info)};
}

void expect_fails(const verify::Outcome& outcome, const std::string& mutation) {
  EXPECT_FALSE(outcome.passed) << mutation << ": " << verify::statement(outcome) << " " << outcome.note;
  ::testing::Test::RecordProperty("mutant", mutation + ": " + verify::statement(outcome));
}

// --- random --------------------------------------------------------------------------------------
TEST(Mutation, NormalKsRejectsNormalsWithAScaleTwoPercentOff) {
  const verify::RunContext c = context_of("random/normal-ks");
  std::vector<double> z(1'000'000);
  random::fill_standard_normals({c.seed, random::Purpose::verification, 0, 0, z.size(), 1}, z, c.threads);
  EXPECT_TRUE(normal_ks_of(z, c.alpha).passed);
  for (double& v : z) v *= 1.02;  // e.g. a ziggurat table scaled by the wrong layer width
  expect_fails(normal_ks_of(z, c.alpha), "normals scaled by 1.02");
}

// --- Ornstein–Uhlenbeck ----------------------------------------------------------------------------
TEST(Mutation, OuTransitionMeanRejectsAHalvedDecayRate) {
  const verify::RunContext c = context_of("ou/exact-transition-mean-t0.5");
  const process::OrnsteinUhlenbeck ou(1.5, 0.5, 0.8);  // the case's process
  // The exact transition with e^{−θ dt/2} in place of e^{−θ dt} in the mean (same variance).
  const OuTransition halved = [&](std::span<const double> x, double dt, std::uint64_t seed, std::uint64_t step,
                                  std::span<double> out, int threads) {
    ou.sample_transitions(x, dt, seed, 0, step, out, threads);
    const double wrong = std::exp(-ou.theta() * dt / 2), right = std::exp(-ou.theta() * dt);
    for (std::size_t i = 0; i < x.size(); ++i) out[i] += (x[i] - ou.mu()) * (wrong - right);
  };
  expect_fails(transition_mean_with(c, 0.5, 1, halved), "OU mean decay e^{-theta dt/2}");
}

// --- Cox–Ingersoll–Ross ------------------------------------------------------------------------------
// The exact CIR step with the transition drawn over the whole horizon t1 − t0 instead of its own
// step (a chained sampler handed the wrong time): after two steps its law is that of t = 2, not 1.
class CirWholeHorizonStepper final : public sde::Stepper {
 public:
  CirWholeHorizonStepper(const process::Sde& sde, process::CoxIngersollRoss cir, double horizon)
      : Stepper(sde), cir_(cir), horizon_(horizon) {}
  void step(double, double h, Eigen::ArrayXXd& x, const sde::StepNoise& noise) override {
    const auto uniform = [root = std::sqrt(h)](double dw) { return 0.5 * std::erfc(-dw / root / std::numbers::sqrt2); };
    for (Eigen::Index p = 0; p < x.rows(); ++p) {
      const double u_poisson = uniform(noise.increments(p, 0)), u_gamma = uniform(noise.increments(p, 1));
      x(p, 0) = cir_.sample_transition(x(p, 0), horizon_, u_poisson, u_gamma);
    }
  }

 private:
  process::CoxIngersollRoss cir_;
  double horizon_;
};

struct CirWholeHorizon {
  double dt = 0.0;
  process::CoxIngersollRoss cir;
  double horizon = 1.0;
  static constexpr sde::SchemeTraits traits = sde::ExactCoxIngersollRoss::traits;
  [[nodiscard]] std::size_t wiener_dimension(const process::Sde&) const { return 2; }
  [[nodiscard]] std::unique_ptr<sde::Stepper> make_stepper(const process::Sde& sde) const {
    return std::make_unique<CirWholeHorizonStepper>(sde, cir, horizon);
  }
};

TEST(Mutation, CirTransitionLawRejectsAnExactSamplerHandedTheWholeHorizon) {
  const verify::RunContext c = context_of("sde/cir-transition-law-ks");
  const CirExactSampler correct = [](const sde::SdeProblem& problem, const process::CoxIngersollRoss& cir,
                                     const sde::EnsembleOptions& options) {
    return sde::solve(problem, sde::ExactCoxIngersollRoss{0.5, cir}, options);
  };
  EXPECT_TRUE(cir_transition_law_with(c, correct).passed);
  const CirExactSampler whole_horizon = [](const sde::SdeProblem& problem, const process::CoxIngersollRoss& cir,
                                           const sde::EnsembleOptions& options) {
    return sde::solve(problem, CirWholeHorizon{0.5, cir, problem.t1 - problem.t0}, options);
  };
  expect_fails(cir_transition_law_with(c, whole_horizon), "CIR transition over t1 - t0 at every step");
}

// --- ODE adapters -----------------------------------------------------------------------------------
TEST(Mutation, Rk4OrderRejectsADroppedStageAndAHigherOrderThanAdvertised) {
  EXPECT_TRUE(explicit_order(ode::Rk4{}, 4.0).passed);
  expect_fails(explicit_order(ode::Heun{}, 4.0), "rk4 with two stages dropped (Heun) advertised as order 4");
  expect_fails(explicit_order(ode::Rk4{}, 3.0), "rk4 advertised as order 3 (the two-sided rule)");
}

// --- grid Fokker–Planck -------------------------------------------------------------------------------
TEST(Mutation, TimeOrderRejectsTheWrongThetaWeight) {
  // Crank–Nicolson's θ = ½ replaced by θ = 1 (implicit Euler) under Crank–Nicolson's claim.
  expect_fails(ou_time_order(pde::TimeScheme::implicit_euler, 2.0), "theta = 1 claimed as order 2");
}

TEST(Mutation, StationaryGibbsRejectsAHalvedDrift) {
  EXPECT_TRUE(stationary_gibbs_order(double_well_constant_noise(1.0)).passed);
  // f = −U'/2 (D taken as g² instead of g²/2 when the drift was derived): the law e^{−U}, not e^{−2U}.
  expect_fails(stationary_gibbs_order(double_well_constant_noise(0.5)), "double-well drift -U'/2");
}

TEST(Mutation, StationaryGibbsRejectsTheWrongSignOfTheNoiseGradient) {
  EXPECT_TRUE(stationary_gibbs_order(double_well_state_dependent_noise(1.0)).passed);
  // f = −D' − D Φ': the drift of the "kinetic"/Stratonovich reading; its stationary law differs.
  expect_fails(stationary_gibbs_order(double_well_state_dependent_noise(-1.0)), "drift with -D' instead of +D'");
}

// --- continuity ---------------------------------------------------------------------------------------
TEST(Mutation, RotationRejectsAnAngularVelocityOnePercentOff) {
  // A wrong period: after T = 1 the bump has turned 3.6° past p0, an error that does not converge.
  expect_fails(rotation_with(2 * std::numbers::pi * 1.01), "omega = 2 pi * 1.01");
}

// --- diffusion forward processes ----------------------------------------------------------------------
TEST(Mutation, VpEnsembleRejectsADriftWithoutItsHalf) {
  const verify::RunContext c = context_of("diffusion/vp-constant-monte-carlo");
  EXPECT_TRUE(vp_ensemble_moments(c, vp_constant_sde(2)).passed);
  // dX = −β X dt + √β dW: the ½ of the VP drift dropped (β = 2 as in the case).
  const process::Sde no_half = process::Sde::additive(
      "vp-without-half", 2, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -2.0 * x; },
      [](double) -> Eigen::MatrixXd { return std::sqrt(2.0) * Eigen::MatrixXd::Identity(2, 2); });
  expect_fails(vp_ensemble_moments(c, no_half), "VP drift -beta x instead of -beta x / 2");
}

// --- samplers -----------------------------------------------------------------------------------------
TEST(Mutation, NfeOrderRejectsALowerAndAHigherOrderThanAdvertised) {
  const std::uint64_t seed = context_of("sampling/dpm-solver-2-order-2-in-nfe").seed;
  expect_fails(dpm_solver_nfe_order(seed, 2, 3.0), "DPM-Solver-2 advertised as order 3");
  expect_fails(dpm_solver_nfe_order(seed, 3, 2.0), "DPM-Solver-3 advertised as order 2 (the two-sided rule)");
}

TEST(Mutation, ParitySamplerOrdersRejectALowerOrderAndAMissingCorrector) {
  const std::uint64_t seed = context_of("sampling/dpm-solver++3s-order-3-in-nfe").seed;
  expect_fails(dpm_solver_plus_plus_nfe_order(seed, 2, 3.0), "DPM-Solver++(2S) in place of (3S)");
  // UniPC-p without the corrector's order gain is UniP-p of order p: advertised p + 1 it fails.
  expect_fails(unipc_nfe_order(seed, 1, sampling::UniPcVariant::bh1, 1.0), "UniPC-1 (bh1) held to its predictor's order 1");
  expect_fails(unipc_nfe_order(seed, 1, sampling::UniPcVariant::bh2, 1.0), "UniPC-1 (bh2) held to its predictor's order 1");
}

TEST(Mutation, MoreSamplerOrdersRejectTheNeighbouringOrders) {
  const std::uint64_t seed = context_of("sampling/dpm-solver-fast-order-3-in-nfe").seed;
  // UniPC-2 held to its predictor's order 2, or to p + 2.
  expect_fails(unipc_nfe_order(seed, 2, sampling::UniPcVariant::bh1, 2.0), "UniPC-2 (bh1) held to its predictor's order 2");
  expect_fails(unipc_nfe_order(seed, 2, sampling::UniPcVariant::bh2, 4.0), "UniPC-2 (bh2) advertised as order 4");
  expect_fails(dpm_solver_fast_nfe_order(seed, 2.0), "DPM-Solver-fast [3, ..., 3, 2] advertised as order 2");
  // The point of the 3M case: the third order the solver's name advertises does not hold.
  expect_fails(dpm_solver_multistep_nfe_order(seed, 3, 3.0), "DPM-Solver++(3M) advertised as order 3");
  expect_fails(dpm_solver_multistep_nfe_order(seed, 1, 2.0), "DDIM (multistep order 1) in place of DPM-Solver++(3M)");
  expect_fails(edm_heun_nfe_order(seed, 1.0), "EDM Heun advertised as Euler's order 1");
  expect_fails(edm_heun_nfe_order(seed, 3.0), "EDM Heun advertised as order 3");
}

TEST(Mutation, ParitySamplerMarginalsRejectTheSdeSolversNoiseInflatedAndDropped) {
  const verify::RunContext context = context_of("sampling/parity-samplers-marginal");
  expect_fails(parity_sampler_marginals_with(context, sampling::SdeDpmSolverPlusPlus2M{.steps = 200, .noise_inflation = 1.3}),
               "S_noise = 1.3");
  // Half the reverse SDE's noise with the η = 1 drift: the drift contracts as if all of it came.
  expect_fails(parity_sampler_marginals_with(context, sampling::SdeDpmSolverPlusPlus2M{.steps = 200, .noise_inflation = 0.5}),
               "S_noise = 0.5");
}

// --- Langevin -------------------------------------------------------------------------------------------
TEST(Mutation, CorrectorRejectsANoOpAndAWrongNoiseScale) {
  const verify::RunContext c = context_of("sampling/langevin-corrector-reaches-target");
  const CorrectorStep no_op = [](Eigen::ArrayXXd&, const Eigen::ArrayXXd&, const Eigen::ArrayXXd&,
                                 const Eigen::ArrayXd&) {};
  expect_fails(corrector_reaches_target(c, no_op), "a corrector that never moves");
  const CorrectorStep half_noise = [](Eigen::ArrayXXd& x, const Eigen::ArrayXXd& score, const Eigen::ArrayXXd& z,
                                     const Eigen::ArrayXd& eps) {
    x += score.colwise() * eps + z.colwise() * eps.sqrt();  // √ε z for √(2ε) z: temperature ½
  };
  expect_fails(corrector_reaches_target(c, half_noise), "noise sqrt(eps) z instead of sqrt(2 eps) z");
}

TEST(Mutation, AnnealedLangevinRejectsASamplerThatStopsAfterOneStep) {
  const verify::RunContext c = context_of("sampling/annealed-langevin-reaches-target");
  expect_fails(annealed_reaches_target(c, 1), "one Langevin step instead of 300");
}

// --- learning scores ------------------------------------------------------------------------------------
Eigen::ArrayXd half_squared_score(const score::Objective& objective, const score::ScoreModel& model,
                                  const Eigen::ArrayXXd& x) {
  return 0.5 * model.score(std::get<score::ImplicitScoreMatching>(objective).t, x).square().rowwise().sum();
}

TEST(Mutation, EsmMinusIsmRejectsAFlippedTraceAndADroppedHalf) {
  const verify::RunContext c = context_of("score/esm-minus-ism-constant");
  const ObjectiveRows flipped = [](const score::Objective& o, const score::ScoreModel& m, const Eigen::ArrayXXd& x,
                                   std::uint64_t seed) -> Eigen::ArrayXd {
    return 2.0 * half_squared_score(o, m, x) - library_rows(o, m, x, seed);  // ½|s|² − tr ∇s
  };
  expect_fails(esm_minus_ism_with(c, flipped), "ISM with the trace's sign flipped");
  const ObjectiveRows no_half = [](const score::Objective& o, const score::ScoreModel& m, const Eigen::ArrayXXd& x,
                                   std::uint64_t seed) -> Eigen::ArrayXd {
    return library_rows(o, m, x, seed) + half_squared_score(o, m, x);  // tr ∇s + |s|²
  };
  expect_fails(esm_minus_ism_with(c, no_half), "ISM with |s|^2 for (1/2)|s|^2");
}

TEST(Mutation, TraceEstimatorsRejectProbesOfVarianceTwoAndASlicedTermWithoutItsHalf) {
  const verify::RunContext c = context_of("score/trace-estimators-unbiased");
  const ObjectiveRows wide_probes = [](const score::Objective& o, const score::ScoreModel& m, const Eigen::ArrayXXd& x,
                                       std::uint64_t seed) -> Eigen::ArrayXd {
    score::LossBatch batch = score::draw_loss_batch(o, x, seed);
    for (auto& v : batch.probes) v *= std::sqrt(2.0);
    return score::row_losses(batch, m);
  };
  expect_fails(trace_estimators_unbiased_with(c, wide_probes), "probes with E[v v^T] = 2 I");
  const ObjectiveRows sliced_without_half = [](const score::Objective& o, const score::ScoreModel& m,
                                               const Eigen::ArrayXXd& x, std::uint64_t seed) -> Eigen::ArrayXd {
    const score::LossBatch batch = score::draw_loss_batch(o, x, seed);
    Eigen::ArrayXd rows = score::row_losses(batch, m);
    if (batch.trace != score::TraceEstimator::sliced) return rows;
    const Eigen::ArrayXXd s = m.score(batch.t[0], x);
    for (const auto& v : batch.probes) rows += batch.trace_weight * 0.5 * (v * s).rowwise().sum().square();
    return rows;
  };
  expect_fails(trace_estimators_unbiased_with(c, sliced_without_half), "sliced (v^T s)^2 without its 1/2");
}

score::LossBatch dsm_batch(const score::DenoisingScoreMatching& dsm, const Eigen::ArrayXXd& x0, std::uint64_t seed) {
  return score::draw_loss_batch(dsm, x0, seed);
}

/// The DSM batch with x̃ = α x + σ² ε instead of α x + σ ε (the variance used as the scale).
score::LossBatch variance_as_scale(const score::DenoisingScoreMatching& dsm, const Eigen::ArrayXXd& x0, std::uint64_t seed) {
  score::LossBatch batch = dsm_batch(dsm, x0, seed);
  const double alpha = dsm.schedule.alpha(dsm.t), sigma = dsm.schedule.sigma(dsm.t);
  const Eigen::ArrayXXd eps = -sigma * batch.target;
  batch.x = alpha * x0 + sigma * sigma * eps;
  return batch;
}

TEST(Mutation, EsmMinusDsmRejectsAWrongTargetAndWrongNoise) {
  const verify::RunContext c = context_of("score/esm-minus-dsm-constant");
  const DenoisingBatch sigma_squared_target = [](const score::DenoisingScoreMatching& dsm, const Eigen::ArrayXXd& x0,
                                                 std::uint64_t seed) {
    score::LossBatch batch = dsm_batch(dsm, x0, seed);
    batch.target /= dsm.schedule.sigma(dsm.t);  // −ε/σ²
    return batch;
  };
  expect_fails(esm_minus_dsm_with(c, sigma_squared_target), "DSM target -eps/sigma^2");
  expect_fails(esm_minus_dsm_with(c, variance_as_scale), "noise sigma^2 eps for sigma eps");
}

TEST(Mutation, TweedieRegressionRejectsATargetWithoutItsScaleAndWrongNoise) {
  const verify::RunContext c = context_of("score/dsm-tweedie-linear-gaussian");
  const DenoisingBatch epsilon_target = [](const score::DenoisingScoreMatching& dsm, const Eigen::ArrayXXd& x0,
                                           std::uint64_t seed) {
    score::LossBatch batch = dsm_batch(dsm, x0, seed);
    batch.target *= dsm.schedule.sigma(dsm.t);  // −ε
    return batch;
  };
  expect_fails(tweedie_linear_with(c, epsilon_target), "DSM target -eps (no 1/sigma)");
  expect_fails(tweedie_linear_with(c, variance_as_scale), "noise sigma^2 eps for sigma eps");
}

TEST(Mutation, GirsanovBoundRejectsAGenerativeDriftWithTheProbabilityFlowWeight) {
  expect_fails(girsanov_bound_with(context_of("score/learned-girsanov-bound-1d"), 0.5),
               "generative drift -f + (1/2) g^2 s with noise g");
}

TEST(Mutation, GirsanovBound2dRejectsAGenerativeDriftWithTheProbabilityFlowWeight) {
  // On grids of 80² and 160² cells (the case's 160² and 320² take minutes): the mutant's KL
  // exceeds the bound by far more than the coarser grids' error.
  expect_fails(girsanov_bound_2d_with(context_of("score/learned-girsanov-bound-2d"), 0.5, 80),
               "generative drift -f x + (1/2) g^2 s with noise g");
}

TEST(Mutation, LearnedReverseSdeRejectsTheProbabilityFlowWeightWithNoise) {
  const ReverseSdeBuilder half_weight = [](const sampling::ForwardProcess& forward, const score::ScoreModel& s) {
    const process::Sde& f = forward.sde();
    return process::Sde::additive(
        "reverse with (1/2) g^2 s", 1, 1,
        [f, s](double t, const process::StateView& x) -> Eigen::ArrayXXd {
          const double g2 = f.diffusion_matrix(t).squaredNorm();
          return f.drift(t, x) - 0.5 * g2 * s.score(t, x);
        },
        [f](double t) -> Eigen::MatrixXd { return f.diffusion_matrix(t); });
  };
  expect_fails(learned_reverse_sde_with(context_of("score/learned-reverse-sde-matches-fokker-planck"), half_weight),
               "reverse drift f - (1/2) g^2 s with noise g");
}

TEST(Mutation, Learned2dRejectsAnUndertrainedNetwork) {
  expect_fails(learned_2d_with(context_of("score/learned-mlp-2d-weighted-esm"), 20), "20 training steps instead of 3000");
}

TEST(Mutation, NonlinearLearnedRejectsAnUndertrainedNetwork) {
  expect_fails(nonlinear_learned_with(context_of("score/learned-ism-nonlinear-sde"), 20), "20 training steps instead of 3000");
}

TEST(Mutation, NonlinearGirsanovBoundRejectsAHalvedScoreTerm) {
  expect_fails(nonlinear_girsanov_with(context_of("score/learned-girsanov-bound-nonlinear-sde"), 0.5),
               "generative drift -f + (g^2)' + (1/2) g^2 s");
}

TEST(Mutation, KernelConsistencyRejectsAFitThatIgnoresItsData) {
  expect_fails(kernel_consistency_with(context_of("score/kernel-esm-decreases-with-data"), 100),
               "a fit that uses its first 100 points only");
}

TEST(Mutation, MemorisationRejectsAScoreOfOtherPoints) {
  expect_fails(memorisation_with(context_of("score/empirical-score-memorises"), 1.05), "the data scaled by 1.05");
}

// --- likelihoods ------------------------------------------------------------------------------------

TEST(Mutation, ExactLikelihoodRejectsAScaledScore) {
  expect_fails(exact_likelihood_with(context_of("likelihood/ode-exact-score-is-exact-log-density"), 0.98),
               "the exact score times 0.98");
}

TEST(Mutation, OdeLikelihoodRejectsTheSdeModelsGridDensity) {
  expect_fails(ode_vs_grid_with(context_of("likelihood/ode-log-likelihood-matches-grid-density"), 1.0, true),
               "the SDE model's grid density in place of the ODE model's");
}

TEST(Mutation, HutchinsonRejectsTheProbesStandardDeviationAsTheStandardError) {
  expect_fails(hutchinson_with(context_of("likelihood/hutchinson-unbiased-se-falls-as-inverse-sqrt-k"),
                               [](const Eigen::ArrayXd& se, std::size_t k) -> Eigen::ArrayXd {
                                 return se * std::sqrt(static_cast<double>(k));
                               }),
               "the probes' standard deviation reported as the standard error");
}

TEST(Mutation, ModelsPartRejectsAGenerativeSdeWithTheProbabilityFlowDrift) {
  // The generative SDE in tau = T - t with the probability-flow drift -v and the forward noise g.
  const SdeDensity pf_drift_with_noise = [](const sampling::ForwardProcess& forward, const score::ScoreModel& s,
                                            const distribution::GaussianMixture& prior, const pde::Grid& grid,
                                            const likelihood::GridModelOptions& options) {
    const ode::Flow flow = sampling::probability_flow(forward, s);
    const process::Sde sde = forward.sde();
    const double horizon = options.t_max, span = options.t_max - options.t_min;
    const process::Sde generative = process::Sde::additive(
        "pf drift with noise", 1, 1,
        [flow, horizon](double tau, const process::StateView& y) -> Eigen::ArrayXXd { return -flow.velocity(horizon - tau, y); },
        [sde, horizon](double tau) -> Eigen::MatrixXd { return sde.diffusion_matrix(horizon - tau); });
    const auto run = pde::solve({pde::FokkerPlanck(generative, grid), distribution::Law::mixture(prior).on(grid), span},
                                {.scheme = pde::TimeScheme::crank_nicolson,
                                 .dt = span / static_cast<double>(options.fokker_planck_steps)});
    return likelihood::ModelDensity{run.status, run.density};
  };
  expect_fails(models_part_with(context_of("likelihood/sde-and-ode-models-part-with-the-score-error"), pf_drift_with_noise),
               "the generative SDE with the probability-flow drift and the noise kept");
}

TEST(Mutation, CrossEntropyRejectsDataFromAnotherTime) {
  expect_fails(cross_entropy_with(context_of("likelihood/average-nll-is-cross-entropy"), 0.1), "data drawn at t = 0.1");
}

TEST(Mutation, ElboTightnessRejectsTheDivergenceWeightedHalf) {
  expect_fails(elbo_tight_with(context_of("likelihood/ct-elbo-exact-score-is-tight"), 0.5),
               "the score's divergence weighted 1/2 (the probability-flow weight) in the SDE bound");
}

TEST(Mutation, ElboGapRejectsTheOdeModelsDensity) {
  const SdeDensity ode_density = [](const sampling::ForwardProcess& forward, const score::ScoreModel& s,
                                    const distribution::GaussianMixture& prior, const pde::Grid& grid,
                                    const likelihood::GridModelOptions& options) {
    return likelihood::ode_model_density(forward, s, prior, grid, options);
  };
  expect_fails(elbo_gap_with(context_of("likelihood/ct-elbo-below-sde-likelihood-by-the-path-kl"), ode_density),
               "the probability-flow ODE model's grid density in place of the SDE model's");
}

TEST(Mutation, ElboVariationalDriftRejectsAControlKlWithoutItsHalf) {
  expect_fails(elbo_variational_drift_with(context_of("likelihood/ct-elbo-variational-drift-gap-is-the-control-kl"), 1.0),
               "the control KL |c|^2 (T - t_min) without its 1/2");
}

TEST(Mutation, DdpmGaussianRejectsTheNoisePredictionInPlaceOfTheScore) {
  expect_fails(ddpm_gaussian_with(context_of("likelihood/ddpm-bound-exact-for-gaussian-reverse-kernels"), 1.0),
               "sigma s = -eps_hat passed as the score");
}

TEST(Mutation, DdpmGridRejectsAnotherModelsLikelihood) {
  expect_fails(ddpm_grid_with(context_of("likelihood/ddpm-bound-below-the-model-likelihood"), 0.5),
               "the likelihood of the model of half the score (a lost factor 2) as the reference");
}

TEST(Mutation, DdpmChainRejectsAnInconsistentReverseVariance) {
  expect_fails(ddpm_chain_with(context_of("likelihood/ddpm-bound-is-the-chain-log-ratio"), likelihood::PosteriorVariance{}),
               "the chain scored with beta-tilde while the bound uses beta");
}

TEST(Mutation, LatentSdeTightnessRejectsTheMessageTermWithBInPlaceOfBSquared) {
  expect_fails(latent_sde_tight_with(context_of("likelihood/latent-sde-elbo-tight-at-the-optimal-posterior"), 1.0),
               "h = f + b dlog(beta) in place of f + b^2 dlog(beta)");
}

TEST(Mutation, LatentSdeGapRejectsAGapWithoutItsInitialKl) {
  expect_fails(latent_sde_gap_with(context_of("likelihood/latent-sde-elbo-below-by-the-posterior-path-kl"), false),
               "the posterior path KL without KL(q0 || p(x0 | y))");
}

TEST(Mutation, LatentSdeOrderRejectsAnotherLimit) {
  expect_fails(latent_sde_order_with(context_of("likelihood/latent-sde-euler-elbo-converges-at-order-one"), 0.95),
               "a limit with the path KL 5% off");
}

TEST(Mutation, LatentSdeDoubleWellRejectsAGridEvidenceWithTheCellMeasureTwice) {
  expect_fails(latent_sde_double_well_with(context_of("likelihood/latent-sde-elbo-below-grid-evidence-double-well"), 2.0),
               "the grid evidence with the cell measure applied twice");
}

TEST(Mutation, VdmScheduleInvarianceRejectsDifferentSnrEndpoints) {
  expect_fails(vdm_schedule_invariance_with(context_of("likelihood/vdm-continuous-loss-is-schedule-invariant"), 0.25),
               "the cosine window's lambda_max 0.25 higher");
}

TEST(Mutation, VdmBoundRejectsTheNoisePredictionInPlaceOfTheScore) {
  expect_fails(vdm_bound_below_with(context_of("likelihood/vdm-bound-below-exact-log-likelihood"), 1.0),
               "sigma s = -eps_hat passed as the score");
}

TEST(Mutation, VdmOrderRejectsTheContinuousLossOfAnotherWindow) {
  expect_fails(vdm_discrete_order_with(context_of("likelihood/vdm-discrete-loss-converges-at-order-one"), 0.35),
               "L_inf on [0.35, 1] against L_T on [0.3, 1]");
}

// --- flow matching --------------------------------------------------------------------------------------
TEST(Mutation, FmMinusCfmRejectsAConditionalTargetWithoutItsNoiseTerm) {
  const FlowBatch no_noise_term = [](const score::ConditionalFlowMatching& cfm, const Eigen::ArrayXXd& x1,
                                     std::uint64_t seed) {
    score::LossBatch batch = library_flow_batch(cfm, x1, seed);
    for (Eigen::Index i = 0; i < x1.rows(); ++i) batch.target.row(i) = cfm.path.a_derivative(batch.t[i]) * x1.row(i);
    return batch;
  };
  expect_fails(fm_minus_cfm_with(context_of("flow/fm-minus-cfm-constant"), no_noise_term), "CFM target a' x1 without b' x0");
}

TEST(Mutation, TrainedVelocityRejectsAnUndertrainedNetwork) {
  expect_fails(trained_velocity_with(context_of("flow/trained-velocity-approaches-marginal-field"), 20),
               "20 training steps instead of 2000");
}

TEST(Mutation, TransportRejectsAFieldWithoutItsNoisePart) {
  // u = (b'/b) x + (a' − a b'/b) E[x_1 | x]; the mutant keeps a' E[x_1 | x] only.
  const VelocityBuilder data_part_only = [](distribution::GaussianMixture data, score::ProbabilityPath path) {
    const score::ScoreModel u = score::marginal_velocity(std::move(data), path);
    return score::ScoreModel("a' E[x1|x]", u.dimension(), [u, path](double t, const process::StateView& x) -> Eigen::ArrayXXd {
      const double a = path.a(t), b = path.b(t), da = path.a_derivative(t), db = path.b_derivative(t);
      const Eigen::ArrayXXd expected = (u.score(t, x) - (db / b) * x) / (da - a * db / b);
      return da * expected;
    });
  };
  expect_fails(exact_field_transport_with(context_of("flow/exact-field-carries-noise-to-data"), data_part_only),
               "the marginal field without its noise part");
}

}  // namespace
}  // namespace kolmo::verification
