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
#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <numbers>
#include <span>
#include <tuple>
#include <utility>
#include <string>
#include <vector>

#include "cases/cases.hpp"
#include "cases/nonlinear_forward.hpp"
#include "cases/score_learning_studies.hpp"
#include "kolmo/compare/compare.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/pde/fokker_planck.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/sampling/ddim.hpp"
#include "kolmo/sampling/dpm_solver_plus_plus.hpp"
#include "kolmo/sampling/reverse_sde.hpp"
#include "kolmo/score/train.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/stats/energy_distance.hpp"
#include "kolmo/stats/two_sample_test.hpp"
#include "kolmo/stats/grid_divergence.hpp"
#include "kolmo/score/empirical_score.hpp"
#include "kolmo/score/grid_oracle_score.hpp"
#include "kolmo/random/uniform.hpp"
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

stats::MeanEstimate mean_of(const Eigen::ArrayXd& terms) {
  return stats::estimate_mean(std::span<const double>(terms.data(), static_cast<std::size_t>(terms.size())));
}

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


// --- a learned score -----------------------------------------------------------------------------------
// An ε-prediction MLP (widths 64, 64, SiLU) trained by continuous-time DSM with the σ² weighting
// (Ho et al.'s ε-loss) on fresh draws of the 1-D data law 0.4 N(−1.5, 0.3²) + 0.6 N(1.2, 0.4²)
// under VP-linear(0.1, 20): 3000 Adam steps of 512, warm-up + cosine learning rate, EMA 0.999.
// The model is a fixed artefact of the cases, trained with seed 6100 whatever the run's seed (a
// seed sweep then tests the cases' rules, not the training); it takes ~2 s and is kept for the
// process. Training is bit-identical for any thread count, so every thread count checks one model.

namespace {

constexpr double learned_t_min = 0.01;

distribution::DiffusedMixture bimodal_1d() {
  return {test_support::bimodal_mixture_1d(), process::NoiseSchedule::vp_linear()};
}

const score::Mlp& learned_bimodal_1d(int threads) {
  static std::mutex mutex;
  static std::unique_ptr<score::Mlp> model;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!model) {
    const auto diffused = bimodal_1d();
    score::Mlp mlp({.dimension = 1, .hidden_widths = {64, 64}}, diffused.schedule(), 6100);
    const score::ContinuousScoreMatching objective{.schedule = diffused.schedule(),
                                                   .weighting = score::Weighting::sigma_squared(),
                                                   .t_min = 1e-3};
    const auto solution = score::train(mlp, objective, distribution::Law::mixture(diffused.data()),
                                       {.steps = 3000, .batch = 512,
                                        .learning_rate = score::LearningRate::warmup_cosine(3e-3, 200, 3000, 0.05),
                                        .ema_decay = 0.999, .seed = 6100, .threads = threads});
    if (!solution.status.ok()) throw kolmo::Error("training the learned score failed: " + solution.status.message);
    mlp.set_parameters(solution.ema_parameters);
    model = std::make_unique<score::Mlp>(std::move(mlp));
  }
  return *model;
}

/// KL(p ‖ q) of two 1-D densities by the trapezoid rule on [−12, 12] (200001 nodes; both are
/// smooth with Gaussian tails, so the quadrature error is far below anything compared with it).
template <class P, class Q>
double kl_by_quadrature(P log_p, Q log_q) {
  const int nodes = 200001;
  const Eigen::ArrayXXd x = Eigen::ArrayXd::LinSpaced(nodes, -12.0, 12.0);
  const Eigen::ArrayXd lp = log_p(x), lq = log_q(x);
  const Eigen::ArrayXd integrand = lp.exp() * (lp - lq);
  const double h = 24.0 / (nodes - 1);
  return h * (integrand.sum() - 0.5 * (integrand[0] + integrand[nodes - 1]));
}

/// KL(p ‖ q) of an exact density's cell averages p to a grid solution q. Crank–Nicolson and ADI
/// leave round-off negatives (~1e-27) in q's far tails, where the exact p is as small: they are
/// raised to the smallest normal double, a change of far below 1e-20 in the KL.
double kl_to_solution(const pde::DensityField& exact, const pde::DensityField& solved) {
  const Eigen::VectorXd& p = exact.values();
  const Eigen::VectorXd q = solved.values().cwiseMax(std::numeric_limits<double>::min());
  return stats::kl_divergence(std::span<const double>(p.data(), static_cast<std::size_t>(p.size())),
                              std::span<const double>(q.data(), static_cast<std::size_t>(q.size())),
                              exact.grid().cell_measure());
}

/// The generative SDE of `score` for a noise schedule in d dimensions, in forward time τ = T − t:
///   dY = [−f(t) Y + w g(t)² s(Y, t)] dτ + g(t) dW,  t = T − τ   (w = 1: Anderson 1982).
process::Sde generative_sde(const score::ScoreModel& score, const process::NoiseSchedule& schedule, std::size_t d,
                            double score_weight) {
  const double horizon = schedule.horizon();
  return process::Sde::additive(
      "generative SDE of " + score.name(), d, d,
      [=](double tau, const process::StateView& y) -> Eigen::ArrayXXd {
        const double t = horizon - tau;
        return -schedule.drift_rate(t) * y + score_weight * schedule.diffusion_squared(t) * score.score(t, y);
      },
      [=](double tau) -> Eigen::MatrixXd {
        return std::sqrt(schedule.diffusion_squared(horizon - tau)) *
               Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
      });
}

struct GenerativeGrid {
  pde::DensityField density;  ///< p_SDE at t_min
  double kl = 0.0;            ///< KL(p_{t_min} ‖ p_SDE) on this grid
};

/// The generative SDE of `score` (generative_sde) from the prior π = N(0, 1) at τ = 0 to
/// τ = T − t_min, on `cells` cells of [−6, 6] by Crank–Nicolson with `steps` steps.
GenerativeGrid solve_generative_grid(const score::ScoreModel& score, const distribution::DiffusedMixture& diffused,
                                     std::size_t cells, std::size_t steps, double score_weight) {
  const pde::Grid grid({{-6.0, 6.0, cells}});
  const pde::DensityField prior =
      distribution::Law::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1)).on(grid);
  const double span = diffused.schedule().horizon() - learned_t_min;
  const auto run = pde::solve({pde::FokkerPlanck(generative_sde(score, diffused.schedule(), 1, score_weight), grid), prior, span},
                              {.scheme = pde::TimeScheme::crank_nicolson, .dt = span / static_cast<double>(steps)});
  if (!run.status.ok()) throw kolmo::Error("the generative Fokker-Planck solve failed: " + run.status.message);
  return {run.density, kl_to_solution(distribution::Law::mixture(diffused.marginal(learned_t_min)).on(grid), run.density)};
}

/// The generative grid of the learned model, solved once per (cells, steps, weight) in a process:
/// the Girsanov and reverse-SDE cases share it.
GenerativeGrid generative_grid(const score::ScoreModel& score, const distribution::DiffusedMixture& diffused,
                               std::size_t cells, std::size_t steps, double score_weight) {
  static std::mutex mutex;
  static std::map<std::tuple<std::size_t, std::size_t, double>, GenerativeGrid> solved;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_tuple(cells, steps, score_weight);
  auto it = solved.find(key);
  if (it == solved.end()) it = solved.emplace(key, solve_generative_grid(score, diffused, cells, steps, score_weight)).first;
  return it->second;
}

}  // namespace

// Claim (Song, Durkan, Murray & Ermon 2021, Thm. 1, on [t_min, T]): for the learned score s_θ,
//   KL(p_{t_min} ‖ p_SDE) ≤ KL(p_T ‖ π) + ½ ∫_{t_min}^T g² E|s_θ − ∇log p_t|² dt,
// p_SDE the law at t_min of Anderson's reverse SDE driven by s_θ from π = N(0, 1).
//   right   KL(p_T ‖ π) by quadrature, plus the continuous ESM with the likelihood weighting
//           (score::evaluate, t drawn ∝ g²/σ², 50000 data points): a mean with its SE;
//   left    p_SDE from a Fokker–Planck solve of the generative SDE on 800 and 1600 cells
//           (Crank–Nicolson, 500 and 1000 steps: second order in h and dt together), the KL to
//           the exact p_{t_min} cell averages on each; the finer value less |fine − coarse| (three
//           times the Richardson estimate of its error) is a lower bound of the true KL.
// The check is one-sided: p = 1 − Φ((KL_lower − right)/SE) ≥ α. A generative drift with w = ½
// (the probability-flow weight, with noise kept) breaks the reverse process and its KL exceeds
// the bound (the mutation test). Seed 6105; the model is trained with seed 6100.
verify::Outcome girsanov_bound_with(const verify::RunContext& context, double score_weight) {
  const auto diffused = bimodal_1d();
  const score::ScoreModel model = learned_bimodal_1d(context.threads).score_model();
  const score::ScoreModel exact = score::mixture_score(diffused);
  const auto& schedule = diffused.schedule();

  const Eigen::ArrayXXd data = diffused.data().sample(context.seed, 0, 50000);
  const score::ObjectiveEstimate esm = score::evaluate(
      score::ContinuousScoreMatching{.schedule = schedule, .weighting = score::Weighting::likelihood(),
                                     .t_min = learned_t_min, .time_sampling = score::TimeSampling::likelihood_importance(),
                                     .reference = exact},
      model, data, context.seed);
  const distribution::GaussianMixture p_T = diffused.marginal(schedule.horizon());
  const double prior_kl = kl_by_quadrature(
      [&](const Eigen::ArrayXXd& x) { return p_T.log_density(x); },
      [](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd {
        return -0.5 * x.col(0).square() - 0.5 * std::log(2.0 * std::numbers::pi);
      });
  const double right = prior_kl + esm.value;

  const GenerativeGrid coarse = generative_grid(model, diffused, 800, 500, score_weight);
  const GenerativeGrid fine = generative_grid(model, diffused, 1600, 1000, score_weight);
  const double grid_error = std::abs(fine.kl - coarse.kl);
  const double left_lower = fine.kl - grid_error;

  const double z = (left_lower - right) / esm.standard_error;
  const double p_value = 0.5 * std::erfc(z / std::numbers::sqrt2);  // 1 − Φ(z)
  verify::Outcome outcome =
      verify::p_value_at_least(p_value, context.alpha, "KL(p_tmin || p_SDE) on the grid <= the Girsanov bound (one-sided)");
  outcome.details.update({{"kl_grid_fine", fine.kl}, {"kl_grid_coarse", coarse.kl}, {"kl_grid_error_bound", grid_error},
                          {"bound", right}, {"bound_standard_error", esm.standard_error}, {"prior_kl", prior_kl},
                          {"weighted_esm", esm.value}, {"z", z}, {"esm_status_ok", esm.status.ok()}});
  if (!esm.status.ok()) outcome.passed = false;
  return outcome;
}

// Claim: Anderson's reverse SDE driven by the learned score, integrated by the SDE engine
// (Euler–Maruyama, 1000 steps of −0.99/1000, 10000 paths from π = N(0, 1)), has the law of the
// generative Fokker–Planck solution of the same score (1600 cells): KS against the grid CDF,
// allowing the grid its Richardson L1 error (compare::compare with grid_error). The EM bias is
// O(dt) ≈ 1e-3 in the CDF, below the KS resolution 1.36/√10000 ≈ 0.014. A reverse drift with the
// probability-flow weight ½ g² s (noise kept) fails at p ≈ 0 (the mutation test). This is the cross-check of a learned
// score on two corners; the distance of each sampler's output to the exact p_{t_min} (energy
// distance against exact draws, for the reverse SDE, DDIM and DPM-Solver++(2M)) is reported —
// not held to zero, since a learned score is not exact. Seed 6106.
verify::Outcome learned_reverse_sde_with(const verify::RunContext& context, const ReverseSdeBuilder& reverse) {
  constexpr std::size_t paths = 10000;
  const auto diffused = bimodal_1d();
  const score::ScoreModel model = learned_bimodal_1d(context.threads).score_model();
  const GenerativeGrid coarse = generative_grid(model, diffused, 800, 500, 1.0);
  const GenerativeGrid fine = generative_grid(model, diffused, 1600, 1000, 1.0);
  const double grid_l1 = compare::richardson_l1_error(fine.density, coarse.density, 2.0);

  const auto prior = ensemble::InitialLaw::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));
  const sde::SdeProblem problem(reverse(sampling::ForwardProcess::of(diffused.schedule(), 1), model), prior,
                                diffused.schedule().horizon(), learned_t_min, context.seed);
  const auto run = sde::solve(problem, sde::EulerMaruyama{-(1.0 - learned_t_min) / 1000.0},
                              {.paths = paths, .threads = context.threads});
  if (!run.status.ok()) return verify::at_least(0.0, 1.0, "the reverse SDE finished");
  const compare::Comparison ks = compare::compare(run.terminal, fine.density, {.grid_error = grid_l1});
  verify::Outcome outcome = verify::p_value_at_least(ks.p_value, context.alpha,
                                                     "KS of reverse-SDE samples against the generative Fokker-Planck CDF");

  // Reported: each sampler's energy distance to exact draws of p_{t_min}.
  const Eigen::ArrayXXd exact_draws = diffused.marginal(learned_t_min).sample(context.seed + 1, 0, 4000);
  const sampling::SamplingProblem sampling_problem{model, diffused.schedule(), ensemble::InitialLaw(prior), 1.0,
                                                   learned_t_min, context.seed};
  const auto ddim = sampling::sample(sampling_problem, sampling::Ddim{.steps = 50}, {.paths = 4000, .threads = context.threads});
  const auto dpm = sampling::sample(sampling_problem, sampling::DpmSolverPlusPlus2M{.steps = 20},
                                    {.paths = 4000, .threads = context.threads});
  const auto energy = [&](const Eigen::ArrayXXd& samples) {
    return stats::energy_distance(samples.topRows(4000).matrix(), exact_draws.matrix());
  };
  outcome.details.update({{"ks_statistic", ks.statistic}, {"grid_l1_error", grid_l1},
                          {"energy_distance_reverse_sde", energy(run.terminal)},
                          {"energy_distance_ddim_50", energy(ddim.samples)},
                          {"energy_distance_dpm_solver_pp_2m_20", energy(dpm.samples)},
                          {"kl_grid", fine.kl}});
  return outcome;
}


// Claim (deterministic, held by its baseline): an ε-MLP (widths 64, 64, SiLU) trained by
// continuous DSM (σ² weighting, 3000 Adam steps of 512, warm-up + cosine, EMA 0.999, seed 6110)
// on the 2-D anisotropic bimodal mixture of lib/tests/support/bimodal_mixture.hpp learns its score:
// the likelihood-weighted ESM against the exact score (the Girsanov bound's KL term, t ∈ [0.01, 1],
// t ∝ g²/σ², 20000 data points, seed 6111) is below that of the best unimodal answer — the exact
// score of the Gaussian with the data's mean and covariance, pushed through the schedule — by more
// than four standard errors of the paired difference: the network has learned the two modes.
// Reported: its value, the σ²-weighted ESM per t (= ½E|ε̂ − ε*|²), and for DDIM, DPM-Solver++(2M),
// the reverse SDE and the probability-flow ODE driven by it (and for exact draws, the control)
// the energy distance of 1000 samples to 1000 exact draws of p_{t_min} beside the permutation
// test's 5% threshold and p-value (a learned score is not exact, so these are not held); the baseline holds the ESM to 5% (training is bit-identical for any
// thread count; glibc's exp/sin variants may differ in a last bit between machines). A network
// trained for 20 steps (the mutation test) fails.
namespace {

score::Mlp untrained_2d() {
  return score::Mlp({.dimension = 2, .hidden_widths = {64, 64}}, test_support::bimodal_vp_linear().schedule(), 6110);
}

/// The 2-D network trained for `steps` steps (the cases' 3000), once per process.
const score::Mlp& learned_bimodal_2d(int threads, std::size_t steps) {
  static std::mutex mutex;
  static std::map<std::size_t, score::Mlp> trained;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = trained.find(steps);
  if (it == trained.end()) {
    const auto diffused = test_support::bimodal_vp_linear();
    score::Mlp model = untrained_2d();
    const auto solution = score::train(
        model, score::ContinuousScoreMatching{.schedule = diffused.schedule(), .weighting = score::Weighting::sigma_squared(), .t_min = 1e-3},
        distribution::Law::mixture(diffused.data()),
        {.steps = steps, .batch = 512,
         .learning_rate = steps > 200 ? score::LearningRate::warmup_cosine(3e-3, 200, steps, 0.05) : score::LearningRate::constant(3e-3),
         .ema_decay = 0.999, .seed = 6110, .threads = threads});
    if (!solution.status.ok()) throw kolmo::Error("training the 2-D learned score failed: " + solution.status.message);
    model.set_parameters(solution.ema_parameters);
    it = trained.emplace(steps, std::move(model)).first;
  }
  return it->second;
}

}  // namespace

verify::Outcome learned_2d_with(const verify::RunContext& context, std::size_t steps) {
  const auto diffused = test_support::bimodal_vp_linear();
  const auto& schedule = diffused.schedule();
  const score::ScoreModel exact = score::mixture_score(diffused);
  const score::Mlp untrained = untrained_2d();
  const score::ScoreModel learned = learned_bimodal_2d(context.threads, steps).score_model("learned 2-D");

  const score::ContinuousScoreMatching girsanov{.schedule = schedule, .weighting = score::Weighting::likelihood(),
                                                .t_min = learned_t_min,
                                                .time_sampling = score::TimeSampling::likelihood_importance(),
                                                .reference = exact};
  const Eigen::ArrayXXd data = diffused.data().sample(6111, 0, 20000);
  const Eigen::ArrayXd trained_rows = library_rows(girsanov, learned, data, 6111);
  const Eigen::ArrayXd untrained_rows = library_rows(girsanov, untrained.score_model(), data, 6111);
  const score::ScoreModel gaussian = score::mixture_score(distribution::DiffusedMixture(
      distribution::GaussianMixture::gaussian(diffused.data().mean(), diffused.data().covariance()), schedule));
  const Eigen::ArrayXd gaussian_rows = library_rows(girsanov, gaussian, data, 6111);
  const Eigen::ArrayXd improvement = gaussian_rows - trained_rows;
  const stats::MeanEstimate gain =
      stats::estimate_mean(std::span<const double>(improvement.data(), static_cast<std::size_t>(improvement.size())));

  nlohmann::json per_t = nlohmann::json::object();
  for (const auto& [label, t] : {std::pair{"t=0.01", 0.01}, std::pair{"t=0.1", 0.1}, std::pair{"t=0.5", 0.5}, std::pair{"t=1", 1.0}}) {
    const Eigen::ArrayXXd x = diffused.marginal(t).sample(6112, 0, 10000);
    const double sigma = schedule.sigma(t);
    per_t[label] =
        sigma * sigma * library_rows(score::ExplicitScoreMatching{exact, t}, learned, x, 6112).mean();
  }
  const auto prior = ensemble::InitialLaw::gaussian(Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity());
  const sampling::SamplingProblem problem{learned, schedule, prior, 1.0, learned_t_min, 6113};
  constexpr std::size_t paths = 1000;
  const Eigen::ArrayXXd reference = diffused.marginal(learned_t_min).sample(6114, 0, paths);
  // Each sampler's energy distance to exact draws, with the permutation test's 5% threshold (the
  // distance two samples of one law exceed with probability 5%) and p-value: 199 permutations.
  const auto distance = [&](const Eigen::ArrayXXd& samples) {
    const stats::TwoSampleTestResult test = stats::energy_test(samples.matrix(), reference.matrix(), 6116, 199, 0.05);
    return nlohmann::json{{"energy_distance", test.statistic}, {"threshold_at_5_percent", test.threshold}, {"p_value", test.p_value}};
  };
  const auto reverse_family = [&](double k, std::size_t steps) {
    return sde::solve(sde::SdeProblem(sampling::reverse_sde(sampling::ForwardProcess::of(schedule, 2), learned, k), prior, 1.0,
                                      learned_t_min, 6113),
                      sde::EulerMaruyama{-(1.0 - learned_t_min) / static_cast<double>(steps)},
                      {.paths = paths, .threads = context.threads})
        .terminal;
  };
  nlohmann::json samplers = nlohmann::json::object();
  samplers["ddim_50"] = distance(sampling::sample(problem, sampling::Ddim{.steps = 50}, {.paths = paths, .threads = context.threads}).samples);
  samplers["dpm_solver_pp_2m_20"] = distance(
      sampling::sample(problem, sampling::DpmSolverPlusPlus2M{.steps = 20}, {.paths = paths, .threads = context.threads}).samples);
  samplers["reverse_sde_euler_maruyama_500"] = distance(reverse_family(1.0, 500));
  samplers["probability_flow_euler_500"] = distance(reverse_family(0.0, 500));
  samplers["exact_draws"] = distance(diffused.marginal(learned_t_min).sample(6115, 0, paths));
  const double trained_esm = trained_rows.mean();
  verify::Outcome outcome = verify::at_most(
      trained_esm, gaussian_rows.mean() - 4.0 * gain.standard_error,
      "the trained network's weighted ESM below the moment-matched Gaussian score's by more than 4 SE of the paired difference");
  outcome.details.update({{"untrained_weighted_esm", untrained_rows.mean()}, {"gaussian_weighted_esm", gaussian_rows.mean()},
                          {"improvement_standard_error", gain.standard_error}, {"sigma2_esm_per_t", per_t},
                          {"samplers_vs_exact_p_tmin", samplers}});
  return outcome;
}

// Claim (Song, Durkan, Murray & Ermon 2021, Thm. 1, on [t_min, T] with t_min = 0.1, full tier):
// for the 2-D network of score/learned-mlp-2d-weighted-esm,
//   KL(p_{t_min} ‖ p_SDE) ≤ KL(p_T ‖ π) + ½ ∫_{t_min}^T g² E|s_θ − ∇log p_t|² dt,
// p_SDE the law at t_min of Anderson's reverse SDE driven by s_θ from π = N(0, I).
//   right   KL(p_T ‖ π) = E_{p_T}[log p_T − log π] from 100000 exact draws, plus the continuous ESM
//           with the likelihood weighting (t ∝ g²/σ², 20000 data points): the sum with the SE of
//           the two independent means;
//   left    p_SDE from Fokker–Planck solves of the generative SDE on [−6, 6]² with 160² and 320²
//           cells (Douglas ADI, dt = 0.9/300 and 0.9/600: second order in h and dt together), the
//           KL of the exact p_{t_min} cell averages to each; the finer less |fine − coarse| is a
//           lower bound of the true KL, as in 1-D.
// t_min = 0.1 keeps p_{t_min}'s narrowest direction (standard deviation 0.35) resolved by the
// coarse grid (h = 0.075). One-sided: p = 1 − Φ((KL_lower − right)/SE) ≥ α. A generative drift
// with the probability-flow weight w = ½ (noise kept) fails (the mutation test). Seed 6116.
verify::Outcome girsanov_bound_2d_with(const verify::RunContext& context, double score_weight, std::size_t coarse_cells) {
  constexpr double t_min = 0.1;
  const auto diffused = test_support::bimodal_vp_linear();
  const auto& schedule = diffused.schedule();
  const score::ScoreModel learned = learned_bimodal_2d(context.threads, 3000).score_model("learned 2-D");

  const Eigen::ArrayXXd data = diffused.data().sample(context.seed, 0, 20000);
  const score::ObjectiveEstimate esm = score::evaluate(
      score::ContinuousScoreMatching{.schedule = schedule, .weighting = score::Weighting::likelihood(), .t_min = t_min,
                                     .time_sampling = score::TimeSampling::likelihood_importance(),
                                     .reference = score::mixture_score(diffused)},
      learned, data, context.seed);
  const distribution::GaussianMixture p_T = diffused.marginal(schedule.horizon());
  const Eigen::ArrayXXd prior_draws = p_T.sample(context.seed + 1, 0, 100000);
  const Eigen::ArrayXd log_ratio = p_T.log_density(prior_draws) + 0.5 * prior_draws.square().rowwise().sum() +
                                   std::log(2.0 * std::numbers::pi);
  const stats::MeanEstimate prior_kl = mean_of(log_ratio);
  const double right = prior_kl.mean + esm.value;
  const double right_se = std::hypot(prior_kl.standard_error, esm.standard_error);

  const auto kl_on = [&](std::size_t cells, std::size_t steps) {
    const pde::Grid grid({{-6.0, 6.0, cells}, {-6.0, 6.0, cells}});
    const pde::DensityField prior = distribution::Law::gaussian(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2)).on(grid);
    const double span = schedule.horizon() - t_min;
    const auto run = pde::solve({pde::FokkerPlanck(generative_sde(learned, schedule, 2, score_weight), grid), prior, span},
                                {.scheme = pde::TimeScheme::douglas_adi, .dt = span / static_cast<double>(steps)});
    if (!run.status.ok()) throw kolmo::Error("the 2-D generative Fokker-Planck solve failed: " + run.status.message);
    return kl_to_solution(distribution::Law::mixture(diffused.marginal(t_min)).on(grid), run.density);
  };
  const std::size_t coarse_steps = 300 * coarse_cells / 160;  // dt ∝ h
  const double coarse = kl_on(coarse_cells, coarse_steps), fine = kl_on(2 * coarse_cells, 2 * coarse_steps);
  const double grid_error = std::abs(fine - coarse);
  const double z = (fine - grid_error - right) / right_se;
  verify::Outcome outcome = verify::p_value_at_least(0.5 * std::erfc(z / std::numbers::sqrt2), context.alpha,
                                                     "KL(p_tmin || p_SDE) on the 2-D grid <= the Girsanov bound (one-sided)");
  outcome.details.update({{"kl_grid_fine", fine}, {"kl_grid_coarse", coarse}, {"kl_grid_error_bound", grid_error},
                          {"bound", right}, {"bound_standard_error", right_se}, {"prior_kl", prior_kl.mean},
                          {"weighted_esm", esm.value}, {"z", z}});
  if (!esm.status.ok()) outcome.passed = false;
  return outcome;
}

// Claim: the kernel score estimator (score/kernel_score.hpp; median bandwidth, ridge 0.1/√n, at
// most 400 centres) has an expected ESM against the exact score that decreases with its data set:
// E_D ESM(100) > E_D ESM(400) > E_D ESM(1600) over data sets D of p_t (t = 0.3, the 2-D bimodal
// mixture). The expectation is over the data: one data set's ESM varies by a third from draw to
// draw (an unlucky 100 points can fit better than the next 400), so a test that conditions on one
// data set holds only the evaluation noise and fails far more often than α. Instead R = 30
// replicates, each with its own 1600 data points (fits on its first 100, 400, 1600) and its own
// 2000 evaluation points, give i.i.d. paired differences D_r = ESM_r(n) − ESM_r(4n); each mean
// decrease must exceed 0 by a one-sided Student-t test on R − 1 degrees of freedom (Bonferroni over
// the two). A fit that uses only its first 100 points whatever it is given (the mutant, max_rows =
// 100) leaves the ESM flat and fails. Seed 6107.
verify::Outcome kernel_consistency_with(const verify::RunContext& context, std::size_t max_rows) {
  constexpr Eigen::Index replicates = 30, evaluation_points = 2000, data_points = 1600;
  const auto diffused = test_support::bimodal_vp_linear();
  const auto exact = score::mixture_score(diffused);
  const distribution::GaussianMixture p_t = diffused.marginal(t_fixed);
  const std::vector<std::size_t> sizes = {100, 400, 1600};
  Eigen::ArrayXXd esm(replicates, static_cast<Eigen::Index>(sizes.size()));
  // Replicates are independent and each is computed alone: threads share them out without
  // changing a number. An exception is carried out of the parallel loop, not let escape it.
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(replicates));
#pragma omp parallel for num_threads(context.threads) schedule(dynamic, 1)
  for (Eigen::Index r = 0; r < replicates; ++r) {
    try {
      const auto first = static_cast<std::uint64_t>(r);
      const Eigen::ArrayXXd evaluation = p_t.sample(context.seed, first * evaluation_points, evaluation_points);
      const Eigen::ArrayXXd data = p_t.sample(context.seed + 1, first * data_points, data_points);
      for (std::size_t k = 0; k < sizes.size(); ++k) {
        const auto used = static_cast<Eigen::Index>(std::min(sizes[k], max_rows));
        const auto fit = score::fit_kernel_score(
            data.topRows(used), {.ridge = 0.1 / std::sqrt(static_cast<double>(sizes[k])),
                                 .basis_points = std::min<std::size_t>(static_cast<std::size_t>(used), 400)});
        esm(r, static_cast<Eigen::Index>(k)) =
            library_rows(score::ExplicitScoreMatching{exact, t_fixed}, fit.model, evaluation, context.seed).mean();
      }
    } catch (...) {
      errors[static_cast<std::size_t>(r)] = std::current_exception();
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  std::vector<double> t;
  for (Eigen::Index k = 0; k + 1 < esm.cols(); ++k) {
    const stats::MeanEstimate decrease = mean_of(esm.col(k) - esm.col(k + 1));
    t.push_back(decrease.mean / decrease.standard_error);
  }
  // The one-sided Student-t critical value at α / 2 (Bonferroni over the two decreases).
  const double alpha = context.alpha / static_cast<double>(t.size());
  const double critical =
      boost::math::quantile(boost::math::complement(boost::math::students_t(static_cast<double>(replicates - 1)), alpha));
  verify::Outcome outcome = verify::at_least(
      *std::min_element(t.begin(), t.end()), critical,
      "each mean decrease of the ESM from n to 4n over 30 data sets resolved: t at least the one-sided Student-t "
      "critical value (29 dof, Bonferroni)");
  outcome.details.update({{"mean_esm_n100", esm.col(0).mean()}, {"mean_esm_n400", esm.col(1).mean()},
                          {"mean_esm_n1600", esm.col(2).mean()}, {"t_decreases", t}, {"replicates", replicates}});
  return outcome;
}

// Claim: the empirical score of N = 40 points (score/empirical_score.hpp) drives DPM-Solver++(2M)
// (200 steps, uniform in λ) from exact draws of its own p_T to exact p_{t_min} of the noised
// empirical law, a mixture of N(α y_j, σ² I), at t_min = 0.1, 0.01 and 0.001: the distance of
// each sample to the nearest α y_j has the distribution of the same distance under exact draws
// (two-sample KS, 2000 samples against 20000 exact draws; Bonferroni over the three t_min). So the
// samples collapse onto the data as t_min → 0: the mean nearest distance, reported per t_min, falls
// like σ(t_min) (σ √(π/2) in 2-D once the law has memorised the points). A score of the data
// scaled by 1.05 — a model that has not memorised these points — fails (the mutation test). Seed 6108.
verify::Outcome memorisation_with(const verify::RunContext& context, double data_scale) {
  const auto schedule = process::NoiseSchedule::vp_linear();
  const Eigen::ArrayXXd data = test_support::bimodal_mixture().sample(context.seed, 0, 40);
  const score::ScoreModel model = score::empirical_score(data_scale * data, schedule);
  const distribution::GaussianMixture empirical = distribution::GaussianMixture::empirical(data);
  const auto nearest_distances = [&](const Eigen::ArrayXXd& x, double alpha) {
    const Eigen::ArrayXXd centres = alpha * data;
    Eigen::ArrayXXd d(x.rows(), 1);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      d(i, 0) = std::sqrt((centres.rowwise() - x.row(i)).square().rowwise().sum().minCoeff());
    }
    return d;
  };
  std::vector<double> p_values, nearest, sigma_ratio;
  for (const double t_min : {0.1, 0.01, 0.001}) {
    const auto initial = ensemble::InitialLaw::from(
        distribution::Law::mixture(empirical.noised(schedule.alpha(1.0), schedule.sigma(1.0))));
    const sampling::SamplingProblem problem{model, schedule, initial, 1.0, t_min, context.seed};
    const auto result = sampling::sample(problem, sampling::DpmSolverPlusPlus2M{.steps = 200},
                                         {.paths = 2000, .threads = context.threads});
    if (!result.status.ok()) return verify::at_least(0.0, 1.0, "the sampler finished");
    const double alpha = schedule.alpha(t_min), sigma = schedule.sigma(t_min);
    const Eigen::ArrayXXd exact = empirical.noised(alpha, sigma).sample(context.seed + 1, 0, 20000);
    const Eigen::ArrayXXd sampled = nearest_distances(result.samples, alpha);
    p_values.push_back(compare::compare(sampled, nearest_distances(exact, alpha)).kolmogorov_smirnov->p_value);
    nearest.push_back(sampled.mean());
    sigma_ratio.push_back(sampled.mean() / sigma);
  }
  verify::Outcome outcome = verify::smallest_p_value_at_least(
      p_values, context.alpha, "two-sample KS of nearest-data distances against exact draws at three t_min");
  outcome.details.update({{"mean_nearest_data_distance", nearest}, {"nearest_over_sigma", sigma_ratio}});
  return outcome;
}

// --- a score learned from the samples of a nonlinear, state-dependent SDE ------------------------
// The forward process of cases/nonlinear_forward.hpp has no Gaussian transition kernel, so DSM
// cannot train on it: the network learns from the SDE's own samples by implicit score matching
// over time (score::TimedPoints; Hyvärinen 2005, Song et al. 2019), and the grid-oracle score of
// a Fokker–Planck solve is the truth it is measured against. The training data are 20000 paths
// of the forward SDE from exact draws of p_0 (Euler–Maruyama, dt = 1e-3, seed 6121) observed
// every 0.02 on [0, 1]: 51 snapshots, 1.02e6 timed points. The network: score output, widths
// 64, 64, SiLU, exact-trace ISM, 3000 Adam steps of 512, warm-up + cosine from 3e-3, EMA 0.999,
// seed 6121 (its schedule only sets the time scale τ = t/T, T = 1: a score output needs no α, σ).

namespace {

/// The forward grid solution at `cells`, solved once per process.
const nonlinear::ForwardSolution& nonlinear_forward(std::size_t cells) {
  static std::mutex mutex;
  static std::map<std::size_t, nonlinear::ForwardSolution> solved;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = solved.find(cells);
  if (it == solved.end()) it = solved.emplace(cells, nonlinear::solve_forward(cells)).first;
  return it->second;
}

score::TimedPoints nonlinear_training_data(int threads) {
  std::vector<double> times;
  for (int k = 0; k <= 50; ++k) times.push_back(0.02 * k);
  const sde::SdeProblem problem(nonlinear::forward_sde(), ensemble::InitialLaw::from(distribution::Law::mixture(nonlinear::data_law())),
                                0.0, nonlinear::horizon, 6121);
  const auto run = sde::solve(problem, sde::EulerMaruyama{1e-3},
                              {.paths = 20000, .threads = threads, .observe = {.terminal = false, .snapshot_times = times}});
  if (!run.status.ok()) throw kolmo::Error("the forward ensemble of the nonlinear SDE failed: " + run.status.message);
  return score::TimedPoints::from_snapshots(run.snapshots);
}

/// The network trained for `steps` steps (the cases' 3000; the mutation test's fewer), once per process.
const score::Mlp& learned_nonlinear(int threads, std::size_t steps) {
  static std::mutex mutex;
  static std::map<std::size_t, score::Mlp> trained;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = trained.find(steps);
  if (it == trained.end()) {
    score::Mlp mlp({.dimension = 1, .hidden_widths = {64, 64}, .output = score::Parameterisation::score},
                   process::NoiseSchedule::vp_linear(), 6121);
    const auto learning_rate = steps > 200 ? score::LearningRate::warmup_cosine(3e-3, 200, steps, 0.05)
                                           : score::LearningRate::constant(3e-3);
    const auto solution = score::train(mlp, score::ImplicitScoreMatching{}, nonlinear_training_data(threads),
                                       {.steps = steps, .batch = 512, .learning_rate = learning_rate, .ema_decay = 0.999,
                                        .seed = 6121, .threads = threads});
    if (!solution.status.ok()) throw kolmo::Error("training on the nonlinear SDE's samples failed: " + solution.status.message);
    mlp.set_parameters(solution.ema_parameters);
    it = trained.emplace(steps, std::move(mlp)).first;
  }
  return it->second;
}

/// n timed points (t_i, x_i): t_i uniform on [0, T] at (seed, verification, i), x_i one exact draw
/// of the 1600-cell grid p_{t_i} (the series interpolated linearly in t, which keeps it a density:
/// O(0.02²/8 · |∂²p/∂t²|) ≈ 1e-4 of p, far below the SEs of what these points estimate).
score::TimedPoints nonlinear_marginal_points(std::uint64_t seed, std::size_t n) {
  const pde::DensitySeries& series = nonlinear_forward(1600).series;
  score::TimedPoints points{Eigen::ArrayXd(static_cast<Eigen::Index>(n)), Eigen::ArrayXXd(static_cast<Eigen::Index>(n), 1)};
  for (std::size_t i = 0; i < n; ++i) {
    const double t = nonlinear::horizon * random::uniform01({seed, random::Purpose::verification, i, 0, 0});
    points.t[static_cast<Eigen::Index>(i)] = t;
    points.x.row(static_cast<Eigen::Index>(i)) = distribution::Law::grid(series.at(t)).sample(seed, i, 1);
  }
  return points;
}

/// Per point, ½ g(x_i)² |s(x_i, t_i) − ∇log p_{t_i}(x_i)|² against the 1600-cell grid oracle: the
/// Girsanov bound's integrand for a state-dependent g (the path KL of two SDEs with diffusion g and
/// drifts differing by g² (s − ∇log p) is ½ ∫ E|g (s − ∇log p)|² dt).
Eigen::ArrayXd weighted_oracle_errors(const score::ScoreModel& model, const score::TimedPoints& points) {
  const score::ScoreModel oracle = score::grid_oracle_score(nonlinear_forward(1600).series);
  const Eigen::ArrayXd esm = score::evaluate(score::ExplicitScoreMatching{oracle}, model, points, 0).row_losses;
  return points.x.col(0).unaryExpr(&nonlinear::diffusion_squared) * esm;
}

/// The best unimodal answer: the score of the Gaussian with p_t's mean and variance (from the grid).
score::ScoreModel moment_matched_gaussian_score() {
  const pde::DensitySeries* series = &nonlinear_forward(1600).series;  // kept for the process
  const auto at = [series](double t, const Eigen::ArrayXXd& x) -> Eigen::ArrayXXd {
    const pde::DensityField p = series->at(t);
    return -(x - p.mean()(0)) / p.covariance()(0, 0);
  };
  return score::ScoreModel("moment-matched Gaussian of p_t", 1,
                           [at](double t, const process::StateView& x) -> Eigen::ArrayXXd { return at(t, x); });
}

}  // namespace

// Claim (deterministic, held by its baseline): the network trained by ISM over time on the
// SDE's samples learns the score of the nonlinear process: its g²-weighted ESM against the grid
// oracle, ½ ∫_0^1 E g²|s_θ − ∇log p_t|² dt (20000 timed points, seed 6122), is below that of the
// time-dependent moment-matched Gaussian score by more than four SEs of the paired difference.
// Reported: the value (baseline, 5%), per-t ESM, the untrained network's value. A network trained
// for 20 steps (the mutation test) fails.
verify::Outcome nonlinear_learned_with(const verify::RunContext& context, std::size_t steps) {
  const score::ScoreModel learned = learned_nonlinear(context.threads, steps).score_model("learned from SDE samples");
  const score::TimedPoints points = nonlinear_marginal_points(6122, 20000);
  const Eigen::ArrayXd trained = weighted_oracle_errors(learned, points);
  const Eigen::ArrayXd gaussian = weighted_oracle_errors(moment_matched_gaussian_score(), points);
  const stats::MeanEstimate gain = mean_of(gaussian - trained);
  verify::Outcome outcome = verify::at_most(
      trained.mean(), gaussian.mean() - 4.0 * gain.standard_error,
      "the trained network's g^2-weighted ESM against the grid oracle below the moment-matched Gaussian's by more than 4 SE");
  nlohmann::json per_t = nlohmann::json::object();
  const score::ScoreModel oracle = score::grid_oracle_score(nonlinear_forward(1600).series);
  for (const auto& [label, t] : {std::pair{"t=0", 0.0}, std::pair{"t=0.1", 0.1}, std::pair{"t=0.5", 0.5}, std::pair{"t=1", 1.0}}) {
    const Eigen::ArrayXXd x = distribution::Law::grid(nonlinear_forward(1600).series.at(t)).sample(6123, 0, 10000);
    per_t[label] = score::evaluate(score::ExplicitScoreMatching{oracle, t}, learned, x, 0).value;
  }
  outcome.details.update({{"gaussian_weighted_esm", gaussian.mean()}, {"improvement_standard_error", gain.standard_error},
                          {"trained_standard_error", mean_of(trained).standard_error}, {"esm_per_t", per_t}});
  return outcome;
}

// Claim (Song, Durkan, Murray & Ermon 2021, Thm. 1, for a state-dependent g): for the network
// learned from the SDE's samples,
//   KL(p_0 ‖ p_SDE) ≤ KL(p_T ‖ π) + ½ ∫_0^T E g² |s_θ − ∇log p_t|² dt,
// p_SDE the law at t = 0 of the generative SDE dY = [−f + (g²)' + g² s_θ] dτ + g dW in τ = T − t
// from π = the grid p_T (so KL(p_T ‖ π) = 0 up to the grid error the left side allows for).
//   right   the g²-weighted ESM against the grid oracle on 20000 timed points of the run's seed: a
//           mean with its SE;
//   left    p_SDE from Fokker–Planck solves of the generative SDE on 800 and 1600 cells
//           (Crank–Nicolson, dt = 4/cells), the KL of the exact p_0 cell averages to each; the
//           finer less |fine − coarse| bounds the true KL from below (as in the 1-D DSM case).
// One-sided: p = 1 − Φ((KL_lower − right)/SE) ≥ α. A generative drift with g² s_θ halved (the
// mutation test, w = ½) is not the reverse process and its KL exceeds the bound. Seed 6120.
verify::Outcome nonlinear_girsanov_with(const verify::RunContext& context, double score_weight) {
  const score::ScoreModel learned = learned_nonlinear(context.threads, 3000).score_model("learned from SDE samples");
  const stats::MeanEstimate right = mean_of(weighted_oracle_errors(learned, nonlinear_marginal_points(context.seed, 20000)));

  const auto kl_on = [&](std::size_t cells) {
    const nonlinear::ForwardSolution& forward = nonlinear_forward(cells);
    const process::Sde generative = process::Sde::diagonal(
        "generative SDE of " + learned.name(), 1,
        [=](double tau, const process::StateView& y) -> Eigen::ArrayXXd {
          const Eigen::ArrayXXd g2 = y.unaryExpr(&nonlinear::diffusion_squared);
          return -y.unaryExpr(&nonlinear::drift) + y.unaryExpr(&nonlinear::diffusion_squared_slope) +
                 score_weight * g2 * learned.score(nonlinear::horizon - tau, y);
        },
        [](double, const process::StateView& y) -> Eigen::ArrayXXd {
          return y.unaryExpr([](double v) { return std::sqrt(nonlinear::diffusion_squared(v)); });
        });
    const pde::Grid& grid = forward.end.grid();
    // π at τ = 0: the grid p_T (Crank–Nicolson's ~1e-27 round-off negatives in the tails set to 0).
    const pde::DensityField prior(grid, forward.end.values().cwiseMax(0.0), 0.0);
    const auto run = pde::solve({pde::FokkerPlanck(generative, grid), prior, nonlinear::horizon},
                                {.scheme = pde::TimeScheme::crank_nicolson, .dt = 4.0 / static_cast<double>(cells)});
    if (!run.status.ok()) throw kolmo::Error("the generative Fokker-Planck solve failed: " + run.status.message);
    return kl_to_solution(distribution::Law::mixture(nonlinear::data_law()).on(grid), run.density);
  };
  const double coarse = kl_on(800), fine = kl_on(1600);
  const double grid_error = std::abs(fine - coarse);
  const double z = (fine - grid_error - right.mean) / right.standard_error;
  verify::Outcome outcome = verify::p_value_at_least(0.5 * std::erfc(z / std::numbers::sqrt2), context.alpha,
                                                     "KL(p_0 || p_SDE) on the grid <= the Girsanov bound (one-sided)");
  outcome.details.update({{"kl_grid_fine", fine}, {"kl_grid_coarse", coarse}, {"kl_grid_error_bound", grid_error},
                          {"bound", right.mean}, {"bound_standard_error", right.standard_error}, {"z", z}});
  return outcome;
}

namespace {

score::LossBatch library_dsm(const score::DenoisingScoreMatching& dsm, const Eigen::ArrayXXd& x0, std::uint64_t seed) {
  return score::draw_loss_batch(dsm, x0, seed);
}

verify::CaseInfo info(std::string name, std::string claim, std::string source, std::uint64_t seed) {
  return {std::move(name), std::move(claim), std::move(source), verify::Tier::fast, verify::CaseKind::statistical, seed};
}

/// A deterministic case on a trained network, held by its baseline to 5% (training is
/// bit-identical for any thread count; glibc's exp/sin variants may differ in a last bit between
/// machines, which training amplifies).
verify::CaseInfo trained_network_info(std::string name, std::string claim, std::string source) {
  verify::CaseInfo info{std::move(name), std::move(claim), std::move(source), verify::Tier::fast,
                        verify::CaseKind::deterministic, 0};
  info.baseline_relative_tolerance = 0.05;
  return info;
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
  registry.add({info("score/learned-girsanov-bound-1d",
                     "For an MLP score trained by DSM on a 1-D bimodal mixture, KL(p_tmin || p_SDE) (generative "
                     "Fokker-Planck on a grid) is at most KL(p_T || prior) + (1/2) int g^2 E|s - grad log p_t|^2 dt",
                     "Song, Durkan, Murray & Ermon 2021, Thm. 1", 6105),
                [](const verify::RunContext& c) { return girsanov_bound_with(c, 1.0); }});
  registry.add({info("score/learned-reverse-sde-matches-fokker-planck",
                     "Anderson's reverse SDE driven by a learned MLP score has the law of the generative Fokker-Planck "
                     "solution of the same score (KS allowing the grid error); sampler distances to p_tmin reported",
                     "Anderson 1982; Song et al. 2021 (ICLR), eq. 6", 6106),
                [](const verify::RunContext& c) {
                  return learned_reverse_sde_with(c, [](const sampling::ForwardProcess& forward, const score::ScoreModel& s) {
                    return sampling::reverse_sde(forward, s);
                  });
                }});
  registry.add({trained_network_info("score/learned-mlp-2d-weighted-esm",
                                     "An MLP score trained by DSM on a 2-D anisotropic bimodal mixture learns both modes: its "
                                     "likelihood-weighted ESM against the exact score (held by a baseline) is below the "
                                     "moment-matched Gaussian score's; per-t errors and sampler distances reported",
                                     "Song, Durkan, Murray & Ermon 2021, Thm. 1; Ho et al. 2020"),
                [](const verify::RunContext& c) { return learned_2d_with(c, 3000); }});
  registry.add({trained_network_info("score/learned-ism-nonlinear-sde",
                                     "An MLP trained by implicit score matching over time on samples of a nonlinear, "
                                     "state-dependent SDE learns its score: g^2-weighted ESM against the grid oracle (held by a "
                                     "baseline) below the moment-matched Gaussian score's",
                                     "Hyvarinen 2005; Song et al. 2019; Song, Durkan, Murray & Ermon 2021"),
                [](const verify::RunContext& c) { return nonlinear_learned_with(c, 3000); }});
  registry.add({info("score/learned-girsanov-bound-nonlinear-sde",
                     "For the MLP learned from samples of a nonlinear, state-dependent SDE, KL(p_0 || p_SDE) (generative "
                     "Fokker-Planck on a grid) is at most (1/2) int E g^2 |s - grad log p_t|^2 dt against the grid oracle",
                     "Song, Durkan, Murray & Ermon 2021, Thm. 1", 6120),
                [](const verify::RunContext& c) { return nonlinear_girsanov_with(c, 1.0); }});
  verify::CaseInfo bound_2d = info("score/learned-girsanov-bound-2d",
                                   "For the MLP score trained by DSM on the 2-D bimodal mixture, KL(p_tmin || p_SDE) (generative "
                                   "Fokker-Planck on a 2-D grid, t_min = 0.1) is at most KL(p_T || prior) + (1/2) int g^2 "
                                   "E|s - grad log p_t|^2 dt",
                                   "Song, Durkan, Murray & Ermon 2021, Thm. 1", 6116);
  bound_2d.tier = verify::Tier::full;
  registry.add({bound_2d, [](const verify::RunContext& c) { return girsanov_bound_2d_with(c, 1.0, 160); }});
  registry.add({info("score/kernel-esm-decreases-with-data",
                     "The kernel score estimator's expected ESM against the exact score decreases as its data set "
                     "grows (n = 100, 400, 1600; t-tests over 30 independent data sets)",
                     "Strathmann et al. 2015; Sriperumbudur et al. 2017 (consistency)", 6107),
                [](const verify::RunContext& c) { return kernel_consistency_with(c, 1600); }});
  registry.add({info("score/empirical-score-memorises",
                     "DPM-Solver++ driven by the empirical score of 40 points samples the noised empirical law at t_min = "
                     "0.1, 0.01, 0.001: the samples collapse onto the data as t_min -> 0",
                     "Karras et al. 2022, App. B.3; Vincent 2011", 6108),
                [](const verify::RunContext& c) { return memorisation_with(c, 1.0); }});
}

}  // namespace kolmo::verification
