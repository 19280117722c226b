// Verification cases for the Langevin samplers: the predictor–corrector's Langevin corrector and
// annealed Langevin at a fixed noise level take chains started away from the exact diffused
// marginal to it (up to a discretisation bias and a transient computed below the test's
// resolution), ULA's and MALA's stationary
// variances on a Gaussian, and the predictor–corrector sampler end to end.
//
// Every law is 1-D and checked three ways against the closed form: the KS test against the exact
// CDF and the z-scores of the sample mean and variance against the exact moments, held together
// to the case's α by Bonferroni (the smallest of the three p-values, times 3, must be ≥ α).

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "cases/cases.hpp"
#include "cases/langevin_studies.hpp"
#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/sampling/annealed_langevin.hpp"
#include "kolmo/sampling/langevin_mcmc.hpp"
#include "kolmo/sampling/predictor_corrector.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "kolmo/compare/compare.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

constexpr double max_x_phi = 0.24197072451914337;  // max_x x φ(x) = φ(1)

// The data law 0.4 N(−1.5, 0.3²) + 0.6 N(1.2, 0.4²) under VP-linear(0.1, 20). At t = 0.1
// (α² = 0.896, σ² = 0.104) p_t is still clearly bimodal: components N(−1.42, 0.18), N(1.14, 0.25).
distribution::DiffusedMixture bimodal_under_vp() {
  Eigen::VectorXd left(1), right(1);
  left << -1.5;
  right << 1.2;
  Eigen::MatrixXd left_var(1, 1), right_var(1, 1);
  left_var << 0.09;
  right_var << 0.16;
  return {distribution::GaussianMixture({0.4, 0.6}, {left, right}, {left_var, right_var}),
          process::NoiseSchedule::vp_linear()};
}
constexpr double t_fixed = 0.1;

double smallest_component_variance(const distribution::GaussianMixture& law) {
  double smallest = law.covariances().front()(0, 0);
  for (const auto& c : law.covariances()) smallest = std::min(smallest, c(0, 0));
  return smallest;
}

// E[(X − μ)⁴] of a 1-D mixture: Σ w_k [(m_k − μ)⁴ + 6 (m_k − μ)² v_k + 3 v_k²].
double fourth_central_moment(const distribution::GaussianMixture& law) {
  const double mu = law.mean()(0);
  double m4 = 0.0;
  for (std::size_t k = 0; k < law.components(); ++k) {
    const double d = law.means()[k](0) - mu;
    const double v = law.covariances()[k](0, 0);
    m4 += law.weights()[k] * (d * d * d * d + 6.0 * d * d * v + 3.0 * v * v);
  }
  return m4;
}

// KS against the exact CDF and the z-scores of mean and variance (SEs √(v/N), √((μ₄ − v²)/N)),
// each at α/3.
verify::Outcome matches_law(const Eigen::ArrayXd& x, const distribution::GaussianMixture& law, double alpha) {
  const auto n = static_cast<double>(x.size());
  const compare::Comparison ks = compare::compare(Eigen::ArrayXXd(x), distribution::Law::mixture(law));

  const double mu = law.mean()(0), v = law.covariance()(0, 0);
  const double sample_mean = x.mean();
  const double sample_variance = (x - sample_mean).square().sum() / (n - 1.0);
  const std::vector<double> z{(sample_mean - mu) / std::sqrt(v / n),
                              (sample_variance - v) / std::sqrt((fourth_central_moment(law) - v * v) / n)};
  const double p_mean = verify::within_sigma(z[0], 1.0, 0.0, alpha).p_value;
  const double p_variance = verify::within_sigma(z[1], 1.0, 0.0, alpha).p_value;
  const std::vector<double> p_values{ks.p_value, p_mean, p_variance};
  verify::Outcome outcome = verify::smallest_p_value_at_least(p_values, alpha, "KS, mean z and variance z against the exact law");
  outcome.details.update({{"ks_statistic", ks.statistic}, {"ks_resolution", 1.36 / std::sqrt(n)},
                          {"mean_z", z[0]}, {"variance_z", z[1]}});
  return outcome;
}

// A Langevin step x + h ŝ + √(2h) z on N(m, v) has stationary variance v/(1 − h/(2v))
// (langevin_mcmc.hpp), relative excess δ = (h/(2v))/(1 − h/(2v)); the KS distance it causes is
// at most (δ/2) max_x x φ(x). Taken at the narrowest component (the largest δ), from p_t itself
// (the chain's transient moves toward that variance, never past it). The case fails unless it is
// below a quarter of the KS resolution 1.36/√N, so that the invariance check is not diluted by it.
void require_bias_unresolved(verify::Outcome& outcome, double h, double narrowest_variance, double paths) {
  const double ratio = h / (2.0 * narrowest_variance);
  const double ks_bias = 0.5 * (ratio / (1.0 - ratio)) * max_x_phi;
  const double resolution = 1.36 / std::sqrt(paths);
  outcome.details["langevin_h"] = h;
  outcome.details["ks_bias_bound"] = ks_bias;
  if (ks_bias > 0.25 * resolution) {
    outcome.passed = false;
    outcome.note = "the step's O(h) bias is not below the KS resolution";
  }
}

/// The start of the Langevin chains: p_t's components with their weights and means but a quarter of
/// their variances — away from the target, yet with every mode's mass already in its own basin, so
/// that reaching p_t needs only the fast relaxation within the modes (rate ~ ε/v per step), not
/// the slow exchange of mass over the barrier.
distribution::GaussianMixture under_dispersed(const distribution::GaussianMixture& p_t) {
  std::vector<Eigen::MatrixXd> covariances;
  for (const auto& c : p_t.covariances()) covariances.push_back(c / 4.0);
  return {p_t.weights(), p_t.means(), covariances};
}

/// Within-mode transient left after steps of contraction factors (1 − c_k): a mode's variance
/// relaxes as Π(1 − c_k)², from ¾ v below; its KS effect is at most ½ · ¾ Π(1 − c_k)² · max x φ(x)
/// (as for the bias). The case fails unless it is below a quarter of the KS resolution.
void require_transient_resolved(verify::Outcome& outcome, double contraction_product, double paths) {
  const double ks_transient = 0.5 * 0.75 * contraction_product * contraction_product * max_x_phi;
  outcome.details["ks_transient_bound"] = ks_transient;
  if (ks_transient > 0.25 * 1.36 / std::sqrt(paths)) {
    outcome.passed = false;
    outcome.note = "the chains have not reached the target: the transient is not below the KS resolution";
  }
}

}  // namespace

// Claim: K = 400 corrector steps (Song et al. 2021, Alg. 3 corrector, r = 0.1, α_i = 1, batch-mean
// norms) with the exact score at fixed t = 0.1 take 20000 chains started away from p_t (its modes
// at a quarter of their variances) to p_t. ε ≈ 4e-3 contracts the widest mode's variance gap by
// (1 − ε/0.25)² per step: ~1e-5 of it remains. A corrector that never moves leaves the start law
// (variance z ≈ −100); a wrong drift weight (ε/2 ŝ or 2ε ŝ — temperature 2 or ½), noise √ε z for
// √(2ε) z, or a score sign error reach another law (the noise-scale and no-op mutants: verification/tests/mutation_test.cpp).
verify::Outcome corrector_reaches_target(const verify::RunContext& context, const CorrectorStep& correct) {
  constexpr std::size_t paths = 20000, steps = 400;
  constexpr double snr = 0.1;
  const auto diffused = bimodal_under_vp();
  const auto p_t = diffused.marginal(t_fixed);
  Eigen::ArrayXXd x = under_dispersed(p_t).sample(context.seed, 0, paths);
  Eigen::ArrayXXd z(static_cast<Eigen::Index>(paths), 1);
  const double widest = 0.25;  // the wider component's variance at t = 0.1, rounded up
  double largest_step = 0.0, contraction = 1.0;
  for (std::size_t k = 0; k < steps; ++k) {
    random::fill_standard_normals({context.seed, random::Purpose::langevin, k, 0, paths, 1, 0},
                                  std::span<double>(z.data(), paths));
    const Eigen::ArrayXXd score = diffused.score(t_fixed, x);
    const Eigen::ArrayXd eps = sampling::corrector_step_sizes(score, z, snr, 1.0, sampling::SnrNorms::batch_mean);
    correct(x, score, z, eps);
    // The stationary bias is set by the steps taken once the chains are near p_t: the last half.
    if (k >= steps / 2) largest_step = std::max(largest_step, eps(0));
    contraction *= 1.0 - eps(0) / widest;
  }
  verify::Outcome outcome = matches_law(x.col(0), p_t, context.alpha);
  require_bias_unresolved(outcome, largest_step, smallest_component_variance(p_t), paths);
  require_transient_resolved(outcome, contraction, paths);
  return outcome;
}

// Claim: annealed Langevin (Song & Ermon 2019, Alg. 1) at a single level t = 0.1, T = 300 steps of
// x + (ε/2) ŝ + √ε z with ε = 0.01 (the h = ε/2 form of the bias rule), run through the sampler
// driver from chains away from p_t (its modes at a quarter of their variances), reaches p_t: the
// widest mode's variance gap shrinks by (1 − ε/(2 · 0.25))² per step, ~1e-5 of it remains. A
// sampler that does not run its steps (T = 1) leaves the start law; a dropped ½ on the drift
// (temperature ½) or a √(2ε) noise (temperature 2) reach another law. Seed 5102.
verify::Outcome annealed_reaches_target(const verify::RunContext& context, std::size_t steps) {
  constexpr std::size_t paths = 20000;
  constexpr double epsilon = 0.01, widest = 0.25;
  const auto diffused = bimodal_under_vp();
  const auto p_t = diffused.marginal(t_fixed);
  const auto start = under_dispersed(p_t);
  const auto initial = ensemble::InitialLaw::from(distribution::Law::mixture(start));
  const sampling::SamplingProblem problem{score::mixture_score(diffused), diffused.schedule(), initial, 1.0, t_fixed,
                                          context.seed};
  const auto result =
      sampling::sample(problem, sampling::AnnealedLangevin{.levels = 1, .steps_per_level = steps, .epsilon = epsilon},
                       {.paths = paths, .threads = context.threads});
  if (!result.status.ok()) return verify::at_least(0.0, 1.0, "the sampler finished");
  verify::Outcome outcome = matches_law(result.samples.col(0), p_t, context.alpha);
  require_bias_unresolved(outcome, 0.5 * epsilon, smallest_component_variance(p_t), paths);
  require_transient_resolved(outcome, std::pow(1.0 - 0.5 * epsilon / widest, static_cast<double>(steps)), paths);
  outcome.details["nfe"] = result.stats.model_evaluations;
  return outcome;
}

namespace {

// Claim: on N(0, 1) with h = 0.2 (Roberts & Tweedie 1996), ULA's stationary variance is the
// biased 1/(1 − h/2) = 1.111 and MALA's is 1. 20000 independent chains, 200 iterations from
// N(0, 1) (transient (1 − h)^400 ≈ 1e-39); the sample variance's SE is √(2/(N − 1)) v ≈ 0.011, so
// ULA's 11% bias is 10 SEs: a ULA without its bias, or a MALA with the Hastings ratio dropped or
// inverted, fails. Seed 5103.
verify::Outcome ula_mala_variance_case(const verify::RunContext& context) {
  constexpr std::size_t chains = 20000;
  constexpr double h = 0.2;
  const sampling::LangevinTarget target{
      "N(0,1)", 1, [](const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](const process::StateView& x) -> Eigen::ArrayXd { return -0.5 * x.col(0).square(); }};
  const auto start = ensemble::InitialLaw::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));
  const sampling::ChainOptions options{.paths = chains, .threads = context.threads};
  const auto ula = sampling::run_chains(target, start, context.seed, sampling::Ula{h, 200}, options);
  const auto mala = sampling::run_chains(target, start, context.seed, sampling::Mala{h, 200}, options);
  const auto variance = [](const Eigen::ArrayXXd& s) {
    return (s.col(0) - s.col(0).mean()).square().sum() / static_cast<double>(s.rows() - 1);
  };
  const double se_factor = std::sqrt(2.0 / static_cast<double>(chains - 1));
  const double ula_expected = sampling::ula_gaussian_stationary_variance(1.0, h);
  const double ula_var = variance(ula.samples), mala_var = variance(mala.samples);
  const std::vector<double> z{(ula_var - ula_expected) / (se_factor * ula_expected), (mala_var - 1.0) / se_factor};
  verify::Outcome outcome = verify::all_within_sigma(z, context.alpha);
  const double bias_in_se = std::abs(ula_var - 1.0) / (se_factor * ula_var);
  if (bias_in_se <= verify::normal_critical_value(context.alpha)) {
    outcome.passed = false;
    outcome.note = "ULA's bias is not resolved";
  }
  outcome.details.update({{"ula_variance", ula_var},   {"ula_expected", ula_expected}, {"ula_z", z[0]},
                          {"mala_variance", mala_var}, {"mala_z", z[1]},             {"ula_bias_in_se", bias_in_se},
                          {"mala_acceptance", mala.acceptance_rate}});
  return outcome;
}

// Claim: the predictor–corrector sampler (reverse diffusion + 1 Langevin step, r = 0.16, batch-mean
// norms, M = 200 uniform steps) with the exact score, started from the exact p_1, samples
// p_{t_min}, t_min = 0.01, of the bimodal mixture: KS and moments with 10000 paths. Checked by
// mutation: the predictor's x − f(x) written x + f(x) (a x for (2 − a) x) gives p ≈ 5e-26, the
// corrector's noise √ε z for √(2ε) z gives p ≈ 5e-71. (α_i inverted, ≈ 1 ± β Δt on this grid, is
// below the resolution.) Seed 5104.
verify::Outcome pc_end_to_end_case(const verify::RunContext& context) {
  constexpr std::size_t paths = 10000;
  constexpr double t_min = 0.01;
  const auto diffused = bimodal_under_vp();
  const auto p_1 = diffused.marginal(1.0);
  const auto initial = ensemble::InitialLaw::from(distribution::Law::mixture(p_1));
  const sampling::SamplingProblem problem{score::mixture_score(diffused), diffused.schedule(), initial, 1.0, t_min,
                                          context.seed};
  const auto result = sampling::sample(problem, sampling::PredictorCorrector{.steps = 200, .corrector_steps = 1, .snr = 0.16},
                                       {.paths = paths, .threads = context.threads});
  if (!result.status.ok()) return verify::at_least(0.0, 1.0, "the sampler finished");
  verify::Outcome outcome = matches_law(result.samples.col(0), diffused.marginal(t_min), context.alpha);
  outcome.details["nfe"] = result.stats.model_evaluations;
  return outcome;
}

}  // namespace

void register_langevin_cases(verify::Registry& registry) {
  registry.add({{"sampling/langevin-corrector-reaches-target",
                 "Langevin corrector steps (snr rule) with the exact score take chains started away from the exact diffused "
                 "marginal p_t to p_t (KS and moments within MC error)",
                 "Song et al. 2021, Alg. 3 (corrector)", verify::Tier::fast, verify::CaseKind::statistical, 5101},
                [](const verify::RunContext& c) { return corrector_reaches_target(c, sampling::langevin_correct); }});
  registry.add({{"sampling/annealed-langevin-reaches-target",
                 "Annealed Langevin at a fixed level with the exact score takes chains started away from the exact diffused "
                 "marginal p_t to p_t (KS and moments within MC error)",
                 "Song & Ermon 2019, Alg. 1", verify::Tier::fast, verify::CaseKind::statistical, 5102},
                [](const verify::RunContext& c) { return annealed_reaches_target(c, 300); }});
  registry.add({{"sampling/ula-biased-mala-unbiased-variance",
                 "ULA's stationary variance on N(0,1) equals its known biased value s^2/(1 - h/(2 s^2)), MALA's equals s^2",
                 "Roberts & Tweedie 1996, sec. 1.3-1.4", verify::Tier::fast, verify::CaseKind::statistical, 5103},
                ula_mala_variance_case});
  registry.add({{"sampling/predictor-corrector-end-to-end",
                 "The predictor-corrector sampler with the exact score samples the forward marginal p_{t_min} of a bimodal "
                 "mixture (KS and moments)",
                 "Song et al. 2021, Alg. 1-3", verify::Tier::fast, verify::CaseKind::statistical, 5104},
                pc_end_to_end_case});
}

}  // namespace kolmo::verification
