// Verification cases for learning scores (issue #18, §4): the identities that make score
// matching work, each checked on a family of different score models with common random numbers.
//
//   ESM − ISM   ½E|s − ∇log p|² − E[∇·s + ½|s|²] = ½E|∇log p|² for every s (Hyvärinen 2005, Thm. 1):
//               per point, δ = ESM − ISM − ½|∇log p|² = −s·∇log p − ∇·s, E δ = 0 by parts.
//   ESM − DSM   at one noise level, ESM on x̃ minus DSM = ½E|∇log p_t|² − ½E|∇log q|² for every s
//               (Vincent 2011, App.): per point δ = s·(∇log q − ∇log p_t), E δ = 0 by Tweedie.
//   traces      Hutchinson and sliced estimators are unbiased for the exact ISM term (Hutchinson
//               1989; Song et al. 2019, Lemma 1 of the VR form): per point, estimate − exact has mean 0.
//   Tweedie     least squares of the DSM target on an affine family of x̃ recovers the exact score
//               of Gaussian data, −C⁻¹(x − α μ), C = α²Σ + σ²I (Efron 2011; Vincent 2011).
//
// Every check is a z-score of a mean of per-point terms against its standard error (or, for the
// regression, of a coefficient against its heteroscedasticity-consistent sandwich SE, White 1980),
// the family held together by Bonferroni at the case's α.

#include <Eigen/Dense>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "cases/cases.hpp"
#include "cases/score_learning_studies.hpp"
#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/score/empirical_score.hpp"
#include "kolmo/score/kernel_score.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "kolmo/score/mlp.hpp"
#include "kolmo/stats/mean_estimate.hpp"
#include "kolmo/verify/tolerance.hpp"
#include "support/bimodal_mixture.hpp"

namespace kolmo::verification {
namespace {

constexpr double t_fixed = 0.3;
constexpr std::size_t points_per_check = 20000;

/// mean / SE of per-point terms (a z-score against 0).
double z_of(const Eigen::ArrayXd& terms) {
  const stats::MeanEstimate m =
      stats::estimate_mean(std::span<const double>(terms.data(), static_cast<std::size_t>(terms.size())));
  return m.standard_error > 0.0 ? m.mean / m.standard_error : (m.mean == 0.0 ? 0.0 : INFINITY);
}

/// −A (x − m), a linear score with a non-symmetric Jacobian −A, and its derivatives.
score::ScoreModel linear_score(const Eigen::Matrix2d& a, const Eigen::Vector2d& m) {
  const auto apply = [a](const process::StateView& x) -> Eigen::ArrayXXd {
    return -(x.matrix() * a.transpose()).array();
  };
  return score::ScoreModel("linear", 2,
                           [apply, m](double, const process::StateView& x) -> Eigen::ArrayXXd {
                             return apply(x.rowwise() - m.transpose().array());
                           })
      .with_divergence([a](double, const process::StateView& x) -> Eigen::ArrayXXd {
        return Eigen::ArrayXXd::Constant(x.rows(), 1, -a.trace());
      })
      .with_jacobian_vector_product(
          [apply](double, const process::StateView&, const process::StateView& v) { return apply(v); });
}

/// The family every identity is checked on: five unrelated scores of the 2-D bimodal mixture's
/// p_t — exact, two linear (one far off, one with a non-symmetric Jacobian), a kernel fit, an
/// untrained MLP and the empirical score of 50 points.
std::vector<score::ScoreModel> score_family(std::uint64_t seed) {
  const auto diffused = test_support::bimodal_vp_linear();
  const distribution::GaussianMixture p_t = diffused.marginal(t_fixed);
  std::vector<score::ScoreModel> family;
  family.push_back(score::mixture_score(diffused));
  family.push_back(linear_score(Eigen::Matrix2d::Identity() * 0.8, Eigen::Vector2d(0.2, -0.1)));
  family.push_back(linear_score((Eigen::Matrix2d() << 1.2, 0.3, -0.4, 0.7).finished(), Eigen::Vector2d(-1.0, 0.5)));
  family.push_back(score::fit_kernel_score(p_t.sample(seed + 1, 0, 400), {.ridge = 1e-2}).model);
  family.push_back(score::Mlp({.dimension = 2, .hidden_widths = {32, 32}}, diffused.schedule(), seed + 2).score_model());
  family.push_back(score::empirical_score(p_t.sample(seed + 3, 0, 50), diffused.schedule()));
  return family;
}

verify::Outcome family_outcome(const std::vector<double>& z, double alpha, const nlohmann::json& details = nlohmann::json::object()) {
  verify::Outcome outcome = verify::all_within_sigma(z, alpha);
  outcome.details.update(details);
  outcome.details["z_scores"] = z;
  return outcome;
}

Eigen::ArrayXd half_squared_norms(const Eigen::ArrayXXd& v) { return 0.5 * v.square().rowwise().sum(); }

}  // namespace

Eigen::ArrayXd library_rows(const score::Objective& objective, const score::ScoreModel& model,
                            const Eigen::ArrayXXd& points, std::uint64_t seed) {
  return score::evaluate(objective, model, points, seed).row_losses;
}

// Claim: for each model of the family, the per-point δ = ESM − ISM − ½|∇log p_t|² has mean 0
// within its SE (20000 points of p_t, t = 0.3). A trace with the wrong sign shifts δ by 2E[∇·s]
// (−2 tr A for a linear score), a dropped ½ on |s|² by ½E|s|²: both are tens of SEs
// (the mutation tests). Seed 6101.
verify::Outcome esm_minus_ism_with(const verify::RunContext& context, const ObjectiveRows& ism_rows) {
  const auto diffused = test_support::bimodal_vp_linear();
  const auto exact = score::mixture_score(diffused);
  const Eigen::ArrayXXd x = diffused.marginal(t_fixed).sample(context.seed, 0, points_per_check);
  const Eigen::ArrayXd constant = half_squared_norms(exact.score(t_fixed, x));
  std::vector<double> z;
  for (const auto& model : score_family(context.seed)) {
    const Eigen::ArrayXd esm = library_rows(score::ExplicitScoreMatching{exact, t_fixed}, model, x, context.seed);
    const Eigen::ArrayXd ism = ism_rows(score::ImplicitScoreMatching{.t = t_fixed}, model, x, context.seed);
    z.push_back(z_of(esm - ism - constant));
  }
  return family_outcome(z, context.alpha);
}

// Claim: Hutchinson (Rademacher, K = 1; Gaussian, K = 2) and sliced (Gaussian and Rademacher,
// K = 1) ISM estimates minus the exact ISM have mean 0 for each model (20000 points). Gaussian
// probes of variance 2 bias the trace by tr ∇s; a sliced term without its ½ by ½E|s|² (mutants).
// Seed 6102.
verify::Outcome trace_estimators_unbiased_with(const verify::RunContext& context, const ObjectiveRows& estimator_rows) {
  using score::Probe;
  using score::TraceEstimator;
  const auto diffused = test_support::bimodal_vp_linear();
  const Eigen::ArrayXXd x = diffused.marginal(t_fixed).sample(context.seed, 0, points_per_check);
  const std::vector<score::ImplicitScoreMatching> estimators{
      {.t = t_fixed, .trace = TraceEstimator::hutchinson, .probe = Probe::rademacher, .probes = 1},
      {.t = t_fixed, .trace = TraceEstimator::hutchinson, .probe = Probe::gaussian, .probes = 2},
      {.t = t_fixed, .trace = TraceEstimator::sliced, .probe = Probe::gaussian, .probes = 1},
      {.t = t_fixed, .trace = TraceEstimator::sliced, .probe = Probe::rademacher, .probes = 1}};
  std::vector<double> z;
  for (const auto& model : score_family(context.seed)) {
    const Eigen::ArrayXd exact = library_rows(score::ImplicitScoreMatching{.t = t_fixed}, model, x, context.seed);
    for (const auto& estimator : estimators) z.push_back(z_of(estimator_rows(estimator, model, x, context.seed) - exact));
  }
  return family_outcome(z, context.alpha);
}

// Claim: for each model, per point δ = ESM(x̃) − DSM − ½|∇log p_t(x̃)|² + ½|∇log q(x̃|x)|² has
// mean 0 (20000 data points of the bimodal mixture noised to t = 0.3 by VP-linear). A target
// −ε/σ² for −ε/σ, or x̃ = α x + σ² ε, breaks Tweedie's identity (mutants). Seed 6103.
verify::Outcome esm_minus_dsm_with(const verify::RunContext& context, const DenoisingBatch& batch) {
  const auto diffused = test_support::bimodal_vp_linear();
  const auto exact = score::mixture_score(diffused);
  const Eigen::ArrayXXd x0 = diffused.data().sample(context.seed, 0, points_per_check);
  const score::LossBatch dsm = batch({diffused.schedule(), t_fixed}, x0, context.seed);
  const Eigen::ArrayXXd reference = exact.score(t_fixed, dsm.x);
  const Eigen::ArrayXd constant = half_squared_norms(reference) - half_squared_norms(dsm.target);
  std::vector<double> z;
  for (const auto& model : score_family(context.seed)) {
    const Eigen::ArrayXd dsm_rows = score::row_losses(dsm, model);
    const Eigen::ArrayXd esm_rows = library_rows(score::ExplicitScoreMatching{exact, t_fixed}, model, dsm.x, context.seed);
    z.push_back(z_of(esm_rows - dsm_rows - constant));
  }
  return family_outcome(z, context.alpha);
}

// Claim: least squares of the DSM target on (x̃, 1) over 20000 rows recovers the exact affine
// score of Gaussian data N(μ, Σ), −C⁻¹ x + C⁻¹ α μ, at t = 0.05 and t = 0.5 of VP-linear: each
// of the 12 coefficients within its sandwich SE (the residual q − ∇log p_t(x̃) has conditional
// mean 0, so OLS is unbiased and the HC0 sandwich is its covariance). A target −ε (no 1/σ) scales
// every coefficient by σ; noise σ² ε changes C (mutants). Seed 6104.
verify::Outcome tweedie_linear_with(const verify::RunContext& context, const DenoisingBatch& batch) {
  const Eigen::Vector2d mu(1.0, -0.5);
  const Eigen::Matrix2d sigma_data = (Eigen::Matrix2d() << 0.6, 0.25, 0.25, 0.4).finished();
  const auto data = distribution::GaussianMixture::gaussian(mu, sigma_data);
  const auto schedule = process::NoiseSchedule::vp_linear();
  const Eigen::ArrayXXd x0 = data.sample(context.seed, 0, points_per_check);
  std::vector<double> z;
  nlohmann::json details = nlohmann::json::object();
  for (const double t : {0.05, 0.5}) {
    const score::LossBatch dsm = batch({schedule, t}, x0, context.seed + static_cast<std::uint64_t>(t * 100));
    const Eigen::Index n = dsm.x.rows();
    Eigen::MatrixXd design(n, 3);
    design << dsm.x.matrix(), Eigen::VectorXd::Ones(n);
    const Eigen::MatrixXd gram_inverse = (design.transpose() * design).inverse();
    const Eigen::MatrixXd coefficients = gram_inverse * design.transpose() * dsm.target.matrix();  // 3 × 2
    const Eigen::MatrixXd residuals = dsm.target.matrix() - design * coefficients;

    const double alpha = schedule.alpha(t), sigma = schedule.sigma(t);
    const Eigen::Matrix2d precision =
        (alpha * alpha * sigma_data + sigma * sigma * Eigen::Matrix2d::Identity()).inverse();
    Eigen::MatrixXd exact(3, 2);
    exact.topRows(2) = -precision;  // symmetric: the coefficient of x̃_a on s_j is (−C⁻¹)_{ja}
    exact.row(2) = (precision * (alpha * mu)).transpose();
    for (Eigen::Index j = 0; j < 2; ++j) {
      const Eigen::MatrixXd meat = design.transpose() * residuals.col(j).array().square().matrix().asDiagonal() * design;
      const Eigen::MatrixXd covariance = gram_inverse * meat * gram_inverse;
      for (Eigen::Index a = 0; a < 3; ++a) {
        z.push_back((coefficients(a, j) - exact(a, j)) / std::sqrt(covariance(a, a)));
      }
    }
    details["coefficients_t" + std::to_string(static_cast<int>(t * 100))] =
        std::vector<double>(coefficients.data(), coefficients.data() + coefficients.size());
  }
  return family_outcome(z, context.alpha, details);
}

namespace {

score::LossBatch library_dsm(const score::DenoisingScoreMatching& dsm, const Eigen::ArrayXXd& x0, std::uint64_t seed) {
  return score::draw_loss_batch(dsm, x0, seed);
}

verify::CaseInfo info(std::string name, std::string claim, std::string source, std::uint64_t seed) {
  return {std::move(name), std::move(claim), std::move(source), verify::Tier::fast, verify::CaseKind::statistical, seed};
}

}  // namespace

void register_score_learning_cases(verify::Registry& registry) {
  registry.add({info("score/esm-minus-ism-constant",
                     "ESM - ISM equals (1/2) E|grad log p|^2 for every score model of a family of six (exact, linear, "
                     "kernel, MLP, empirical), per-point differences with mean 0 within MC error",
                     "Hyvarinen 2005, Thm. 1", 6101),
                [](const verify::RunContext& c) { return esm_minus_ism_with(c, library_rows); }});
  registry.add({info("score/trace-estimators-unbiased",
                     "Hutchinson (Rademacher, Gaussian) and sliced (Gaussian, Rademacher) ISM estimates are unbiased for "
                     "the exact-trace ISM of every model of the family",
                     "Hutchinson 1989; Song et al. 2019, sliced score matching, eq. 6-8", 6102),
                [](const verify::RunContext& c) { return trace_estimators_unbiased_with(c, library_rows); }});
  registry.add({info("score/esm-minus-dsm-constant",
                     "At one noise level, ESM on the noised points minus DSM is the same constant for every score model "
                     "of the family (per-point differences with mean 0 within MC error)",
                     "Vincent 2011, sec. 4.2 and appendix", 6103),
                [](const verify::RunContext& c) { return esm_minus_dsm_with(c, library_dsm); }});
  registry.add({info("score/dsm-tweedie-linear-gaussian",
                     "Least squares of the DSM target over affine scores recovers the exact noised score of Gaussian data "
                     "(each coefficient within its sandwich SE, two noise levels)",
                     "Vincent 2011; Efron 2011 (Tweedie's formula)", 6104),
                [](const verify::RunContext& c) { return tweedie_linear_with(c, library_dsm); }});
}

}  // namespace kolmo::verification
