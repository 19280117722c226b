// Verification cases for likelihoods of diffusion models (issue #19, §3): every number the
// likelihood module gives checked against one computed another way.
//
//   exact         with the exact score and π = p_T the probability-flow ODE is exact, so its
//                 log-likelihood is the closed-form log p_{t_min}(x), within the ODE error
//                 estimate the result carries;
//   two routes    for a perturbed score (no closed form) the per-point ODE log-likelihood equals
//                 the log of the model's density from the continuity equation on a grid, within
//                 the grid's Richardson error plus the ODE's — also when π ≠ p_T;
//   cross-entropy the average NLL of data drawn from p_{t_min} estimates H(p_{t_min}, p_ODE),
//                 which the grid density gives by quadrature (and, for the exact score, the
//                 entropy of p_{t_min}).

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <optional>
#include <string>
#include <vector>

#include "cases/bound_rows.hpp"
#include "cases/cases.hpp"
#include "cases/likelihood_studies.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/likelihood/continuous_elbo.hpp"
#include "kolmo/likelihood/model_density.hpp"
#include "kolmo/likelihood/ode_log_likelihood.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "kolmo/stats/mean_estimate.hpp"
#include "kolmo/verify/tolerance.hpp"
#include "support/bimodal_mixture.hpp"

namespace kolmo::verification {
namespace {

constexpr double t_min = 0.05;

stats::MeanEstimate mean_of(const Eigen::ArrayXd& terms) {
  return stats::estimate_mean(std::span<const double>(terms.data(), static_cast<std::size_t>(terms.size())));
}

distribution::DiffusedMixture bimodal_1d() {
  return {test_support::bimodal_mixture_1d(), process::NoiseSchedule::vp_linear()};
}

/// The grid a 1-D model density is compared on, [−7, 7] with `cells` cells.
pde::Grid line(std::size_t cells) { return pde::Grid({{-7.0, 7.0, cells}}); }

}  // namespace

score::ScoreModel perturbed_score(const score::ScoreModel& exact, double epsilon) {
  return score::ScoreModel("exact + " + std::to_string(epsilon) + " sin(x)", exact.dimension(),
                           [exact, epsilon](double t, const process::StateView& x) -> Eigen::ArrayXXd {
                             return exact.score(t, x) + epsilon * x.sin();
                           })
      .with_divergence([exact, epsilon](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return exact.divergence(t, x) + epsilon * x.cos().rowwise().sum();
      });
}

// Claim (deterministic): with the exact score of the 2-D bimodal mixture under VP-linear and the
// prior π = p_T, the probability-flow ODE carries p_T to p_{t_min} exactly (Song et al. 2021,
// §4.3), so ode_log_likelihood of 2000 points of p_{t_min} (Dormand–Prince, tolerance 1e-6, its
// error estimated by a solve at 1e-8) equals log p_{t_min}(x) in closed form within the ODE error
// estimate: max_i |ℓ_i − log p(x_i)| ≤ max_i err_i. (Point by point the estimate |coarse − fine|
// can vanish by accident where the two step sequences happen to agree; its largest value bounds
// the largest miss.) A score scaled by `score_scale` ≠ 1 (the mutation test: 0.98) moves every ℓ
// by far more than the ODE error.
verify::Outcome exact_likelihood_with(const verify::RunContext& context, double score_scale) {
  const auto diffused = test_support::bimodal_vp_linear();
  const score::ScoreModel exact = score::mixture_score(diffused);
  const score::ScoreModel model =
      score::ScoreModel("scaled exact", 2, [exact, score_scale](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return score_scale * exact.score(t, x);
      }).with_divergence([exact, score_scale](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return score_scale * exact.divergence(t, x);
      });
  const Eigen::ArrayXXd x = diffused.marginal(t_min).sample(6301, 0, 2000);
  const likelihood::OdeLikelihood result =
      likelihood::ode_log_likelihood(sampling::ForwardProcess::of(diffused.schedule(), 2), model, diffused.marginal(1.0), x,
                                     {.t_min = t_min, .method = ode::DormandPrince{1e-6, 1e-6}, .threads = context.threads});
  const Eigen::ArrayXd miss = (result.log_likelihood - diffused.marginal(t_min).log_density(x)).abs();
  verify::Outcome outcome = verify::at_most(miss.maxCoeff(), result.ode_error.maxCoeff(),
                                            "largest |ODE log-likelihood - exact log density| <= largest ODE error estimate");
  outcome.details.update({{"largest_miss", miss.maxCoeff()}, {"largest_ode_error", result.ode_error.maxCoeff()},
                          {"mean_log_likelihood", result.mean.mean}, {"failed_points", result.failed_points.size()},
                          {"velocity_evaluations_per_point", static_cast<double>(result.velocity_evaluations) / 2000.0}});
  if (!result.status.ok()) outcome.passed = false;
  return outcome;
}

// Claim (deterministic): for the perturbed score s + 0.2 sin x of the 1-D bimodal mixture (no closed
// form), the ODE log-likelihood equals the log of the ODE model's density from the continuity
// equation on a grid (likelihood::ode_model_density on 600 and 1800 cells of [−7, 7]) at the
// coarse grid's cell centres where the model density is at least 1e-3 of its peak (the 1800-cell
// grid's centres too, so no interpolation enters; further out the finite-volume tails are not in
// their asymptotic regime): max_i |ℓ_i − log p_1800(x_i)| ≤ max_i |log p_1800 − log p_600| +
// max_i err_i. A cell value is p at the centre plus O(h²) and the solvers are second order away
// from extrema (first order where the slope limiter clips, LeVeque 2002, §6.9), so the fine
// grid's error is |fine − coarse|/8 to /2: the bound is 2 to 8 times the Richardson estimate,
// plus the ODE's error estimate (Dormand–Prince 1e-8 against 1e-10). The bound is on the largest
// values: point by point, |fine − coarse| vanishes where the grid error changes sign. With the
// prior N(0, 1) at T = `horizon`: at T = 1 it is p_T to 1e-4; at T = 0.3 (the prior-mismatch
// case) p_T is far from it and both routes must account for π alike. Comparing with the SDE
// model's grid density instead (the mutation test) fails.
verify::Outcome ode_vs_grid_with(const verify::RunContext& context, double horizon, bool sde_grid) {
  const auto diffused = bimodal_1d();
  const auto forward = sampling::ForwardProcess::of(diffused.schedule(), 1);
  const score::ScoreModel model = perturbed_score(score::mixture_score(diffused), 0.2);
  const distribution::GaussianMixture prior =
      distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));
  const auto grid_density = [&](std::size_t cells) {
    const likelihood::GridModelOptions options{.t_min = t_min, .t_max = horizon, .fokker_planck_steps = 2 * cells};
    const likelihood::ModelDensity density = sde_grid ? likelihood::sde_model_density(forward, model, prior, line(cells), options)
                                                      : likelihood::ode_model_density(forward, model, prior, line(cells), options);
    if (!density.status.ok()) throw kolmo::Error("the grid model density failed: " + density.status.message);
    return density.density;
  };
  const pde::DensityField coarse_field = grid_density(600), fine_field = grid_density(1800);
  // The points: the coarse centres where the model density is at least 1e-3 of its peak.
  const Eigen::VectorXd& p = coarse_field.values();
  std::vector<double> centres;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    if (p(i) >= 1e-3 * p.maxCoeff()) centres.push_back(coarse_field.grid().center(0, static_cast<std::size_t>(i)));
  }
  const Eigen::ArrayXXd x = Eigen::Map<const Eigen::ArrayXd>(centres.data(), static_cast<Eigen::Index>(centres.size()));
  const likelihood::OdeLikelihood ode = likelihood::ode_log_likelihood(
      forward, model, prior, x,
      {.t_min = t_min, .t_max = horizon, .method = ode::DormandPrince{1e-8, 1e-8}, .threads = context.threads});
  const Eigen::ArrayXd coarse = likelihood::log_density_at(coarse_field, x), fine = likelihood::log_density_at(fine_field, x);
  const Eigen::ArrayXd miss = (ode.log_likelihood - fine).abs();
  Eigen::Index worst = 0;
  const double largest_miss = miss.maxCoeff(&worst);
  const double bound = (fine - coarse).abs().maxCoeff() + ode.ode_error.maxCoeff();
  verify::Outcome outcome = verify::at_most(
      largest_miss, bound, "largest |ODE log-likelihood - log grid density| <= largest grid difference + ODE error");
  outcome.details.update({{"largest_grid_difference", (fine - coarse).abs().maxCoeff()},
                          {"largest_ode_error", ode.ode_error.maxCoeff()}, {"worst_point", x(worst, 0)},
                          {"mean_log_likelihood", ode.mean.mean}, {"points", x.rows()}, {"horizon", horizon}});
  if (!ode.status.ok()) outcome.passed = false;
  return outcome;
}

// Claim (statistical): the average NLL of N = 20000 exact draws of p_{t_min} estimates the
// cross-entropy H(p_{t_min}, p_ODE) = −∫ p_{t_min} log p_ODE, computed independently by quadrature
// of the grid density (1600 cells; its error ~1e-5, far below the SE): for the perturbed score
// (above) and for the exact score, whose cross-entropy is the entropy of p_{t_min} itself. Two
// z-scores (mean NLL − H)/SE, Bonferroni. The NLLs use RK4 (200 steps) with the exact divergence.
// Points drawn at 2 t_min instead (the mutation test) miss H by many SEs. Seed 6303.
verify::Outcome cross_entropy_with(const verify::RunContext& context, double data_time) {
  const auto diffused = bimodal_1d();
  const auto forward = sampling::ForwardProcess::of(diffused.schedule(), 1);
  const distribution::GaussianMixture prior = diffused.marginal(1.0);
  const Eigen::ArrayXXd x = diffused.marginal(data_time).sample(context.seed, 0, 20000);
  const pde::DensityField exact_cells = distribution::Law::mixture(diffused.marginal(t_min)).on(line(1600));
  std::vector<double> z;
  nlohmann::json details = nlohmann::json::object();
  for (const double epsilon : {0.2, 0.0}) {
    const score::ScoreModel model = perturbed_score(score::mixture_score(diffused), epsilon);
    const likelihood::OdeLikelihood nll = likelihood::ode_log_likelihood(
        forward, model, prior, x,
        {.t_min = t_min, .method = ode::Rk4{(1.0 - t_min) / 200}, .estimate_ode_error = false, .threads = context.threads});
    const likelihood::ModelDensity grid =
        likelihood::ode_model_density(forward, model, prior, line(1600), {.t_min = t_min});
    const Eigen::VectorXd& p = exact_cells.values();
    const Eigen::ArrayXd q = grid.density.values().array().max(std::numeric_limits<double>::min());
    const double cross_entropy = -(p.array() * q.log()).sum() * exact_cells.grid().cell_measure();
    z.push_back((-nll.mean.mean - cross_entropy) / nll.mean.standard_error);
    details[epsilon == 0.0 ? "exact_score" : "perturbed_score"] = {
        {"mean_nll", -nll.mean.mean}, {"standard_error", nll.mean.standard_error}, {"grid_cross_entropy", cross_entropy}};
    if (!nll.status.ok() || !grid.status.ok()) return verify::at_least(0.0, 1.0, "the likelihoods finished");
  }
  verify::Outcome outcome = verify::all_within_sigma(z, context.alpha);
  outcome.details.update(details);
  return outcome;
}

// Claim (statistical; Hutchinson 1990; Grathwohl et al. 2019): Hutchinson's log-likelihood with
// K Rademacher probes fixed along each path is unbiased for the exact-trace one, and its
// standard error falls as 1/√K. On 400 points of the 2-D mixture (exact score, RK4 with 100
// steps, the same steps for every K, so the ODE error is common):
//   unbiased  z of the mean over points of ℓ_K=8 − ℓ_exact, against its SE over points;
//   1/√K      per point K·SE_K² is s²_K, the probes' sample variance, an unbiased estimate of one
//             probe's variance for every K: the mean over points of 2·SE_2² − 32·SE_32² has
//             expectation 0 (a z-score against its SE over points).
// Two z-scores, Bonferroni. `reported_se(se, K)` is the library's SE as the study reads it (the
// identity); the mutation test reports the probes' standard deviation instead (se·√K), which
// breaks the 1/√K law. Seed 6304.
verify::Outcome hutchinson_with(const verify::RunContext& context, const ReportedSe& reported_se) {
  const auto diffused = test_support::bimodal_vp_linear();
  const auto forward = sampling::ForwardProcess::of(diffused.schedule(), 2);
  const score::ScoreModel exact = score::mixture_score(diffused);
  const Eigen::ArrayXXd x = diffused.marginal(t_min).sample(context.seed, 0, 400);
  const auto run = [&](std::optional<std::size_t> probes) {
    likelihood::OdeLikelihoodOptions options{.t_min = t_min, .method = ode::Rk4{(1.0 - t_min) / 100}, .estimate_ode_error = false,
                                             .seed = context.seed, .threads = context.threads};
    if (probes) options.divergence = ode::Hutchinson{.probes = *probes};
    likelihood::OdeLikelihood result = likelihood::ode_log_likelihood(forward, exact, diffused.marginal(1.0), x, options);
    if (probes) result.probe_standard_error = reported_se(result.probe_standard_error, *probes);
    return result;
  };
  const likelihood::OdeLikelihood reference = run(std::nullopt), eight = run(8), two = run(2), many = run(32);
  const stats::MeanEstimate bias = mean_of(eight.log_likelihood - reference.log_likelihood);
  const stats::MeanEstimate variance_gap = mean_of(2.0 * two.probe_standard_error.square() - 32.0 * many.probe_standard_error.square());
  const std::vector<double> z{bias.mean / bias.standard_error, variance_gap.mean / variance_gap.standard_error};
  verify::Outcome outcome = verify::all_within_sigma(z, context.alpha);
  outcome.details.update({{"mean_difference_k8", bias.mean}, {"mean_difference_standard_error", bias.standard_error},
                          {"mean_se_k2", two.probe_standard_error.mean()}, {"mean_se_k8", eight.probe_standard_error.mean()},
                          {"mean_se_k32", many.probe_standard_error.mean()}, {"z_scores", z}});
  return outcome;
}

// Claim (deterministic): a diffusion model's two densities part as its score errs. For the
// score s + ε sin x of the 1-D bimodal mixture (ε = 0.025 … 0.2, doubling) and π = p_T, the grid
// densities of the ODE and SDE models (likelihood::ode_model_density, sde_model_density; 1600
// cells, 3200 Crank–Nicolson steps) have KL(p_{t_min} ‖ p_model) that vanish with ε; by the
// Girsanov bound KL_SDE ≤ ½ ∫ g² E|ε sin x|² dt = O(ε²) (Song, Durkan et al. 2021, Thm. 1), so
// KL_SDE falls at least at order 2 in ε (verify::order_in_drift_bound, at_least). The ODE model
// has no such bound; its KL, the local exponents of both and their gap are measured and
// reported, not asserted (with the exact score both KLs are the grid's ~1e-9). A generative SDE
// with the probability-flow drift but the noise kept (the mutation test) does not tend to the
// data law as ε → 0 and fails.
verify::Outcome models_part_with(const verify::RunContext&, const SdeDensity& sde_density) {
  const auto diffused = bimodal_1d();
  const auto forward = sampling::ForwardProcess::of(diffused.schedule(), 1);
  const distribution::GaussianMixture prior = diffused.marginal(1.0);
  const pde::Grid grid = line(1600);
  const pde::DensityField exact = distribution::Law::mixture(diffused.marginal(t_min)).on(grid);
  const likelihood::GridModelOptions options{.t_min = t_min, .fokker_planck_steps = 3200};
  const auto kl = [&](const pde::DensityField& q) {
    const Eigen::ArrayXd p = exact.values().array(), qq = q.values().array().max(std::numeric_limits<double>::min());
    return (p * (p.max(std::numeric_limits<double>::min()).log() - qq.log())).sum() * grid.cell_measure();
  };
  std::vector<double> epsilons{0.025, 0.05, 0.1, 0.2}, kl_ode, kl_sde, gap;
  for (const double epsilon : epsilons) {
    const score::ScoreModel model = perturbed_score(score::mixture_score(diffused), epsilon);
    kl_ode.push_back(kl(likelihood::ode_model_density(forward, model, prior, grid, options).density));
    kl_sde.push_back(kl(sde_density(forward, model, prior, grid, options).density));
    gap.push_back(std::abs(kl_ode.back() - kl_sde.back()));
  }
  const double floor_ode = kl(likelihood::ode_model_density(forward, score::mixture_score(diffused), prior, grid, options).density);
  const double floor_sde = kl(sde_density(forward, score::mixture_score(diffused), prior, grid, options).density);
  verify::Outcome outcome = verify::order_in_drift_bound(epsilons, kl_sde, 2.0, {.claim = verify::OrderClaim::at_least});
  const auto local_exponents = [](const std::vector<double>& kl) {
    std::vector<double> exponents;
    for (std::size_t i = 1; i < kl.size(); ++i) exponents.push_back(std::log2(kl[i] / kl[i - 1]));
    return exponents;
  };
  outcome.details.update({{"epsilon", epsilons}, {"kl_ode", kl_ode}, {"kl_sde", kl_sde}, {"kl_gap", gap},
                          {"kl_ode_local_exponents", local_exponents(kl_ode)},
                          {"kl_gap_local_exponents", local_exponents(gap)},
                          {"kl_ode_exact_score", floor_ode}, {"kl_sde_exact_score", floor_sde}});
  return outcome;
}

// Claim (statistical; Huang, Lim & Courville 2021, Thm. 3; Song, Durkan et al. 2021, Thm. 3): with
// the exact score and π = p_T the continuous-time ELBO is tight — the forward path law from x is
// the generative path law conditioned on ending at x — so at each of 40 points of p_{t_min}
// (2-D bimodal mixture, VP-linear, t_min = 1e-3) the estimate with 4000 draws (importance-sampled
// times ∝ g²/σ²) equals the closed-form log p_{t_min}(x): 40 z-scores and their pooled z,
// Bonferroni (verify::bounds_hold). The score's
// divergence weighted ½ (the mutation test: the probability-flow ODE's weight, a plausible slip
// between the two bounds) moves every point's bound by ~½ ∫ g² E[Δlog p_t] dt, tens of SEs.
verify::Outcome elbo_tight_with(const verify::RunContext& context, double divergence_scale) {
  const auto diffused = test_support::bimodal_vp_linear();
  const score::ScoreModel exact = score::mixture_score(diffused);
  const score::ScoreModel model =
      score::ScoreModel("exact", 2, [exact](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return exact.score(t, x);
      }).with_divergence([exact, divergence_scale](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return divergence_scale * exact.divergence(t, x);
      });
  constexpr double elbo_t_min = 1e-3;
  const Eigen::ArrayXXd x = diffused.marginal(elbo_t_min).sample(context.seed, 0, 40);
  const likelihood::ContinuousElbo elbo = likelihood::continuous_elbo(
      diffused.schedule(), model, diffused.marginal(1.0), x,
      {.t_min = elbo_t_min, .draws = 4000, .seed = context.seed, .threads = context.threads});
  const Eigen::ArrayXd exact_log_density = diffused.marginal(elbo_t_min).log_density(x);
  verify::Outcome outcome = verify::bounds_hold(
      {compare_bound("ELBO = log p_tmin (closed form), exact score, pi = p_T", verify::BoundRelation::tight, elbo.elbo,
                     elbo.standard_error, exact_log_density)},
      context.alpha);
  outcome.details.update({{"points", x.rows()}, {"draws", 4000}});
  if (!elbo.status.ok()) outcome.passed = false;
  return outcome;
}

namespace {

/// ∫_{t_min}^{T} ½ g² ε² E_{p_t}[sin² X] dt, the Girsanov path KL of the score error ε sin x
/// against the forward process, with E[sin² X] = ½ (1 − e^{−2v} cos 2μ) per component N(μ, v) of
/// p_t, by composite Simpson's rule on 4000 intervals (the integrand is smooth in t; the rule's
/// error is far below the Monte Carlo SE it is compared with).
double girsanov_path_kl(const distribution::DiffusedMixture& diffused, double epsilon, double t0, double t1) {
  const auto integrand = [&](double t) {
    const distribution::GaussianMixture p = diffused.marginal(t);
    double mean_sin2 = 0.0;
    for (std::size_t k = 0; k < p.components(); ++k) {
      const double mu = p.means()[k](0), v = p.covariances()[k](0, 0);
      mean_sin2 += p.weights()[k] * 0.5 * (1.0 - std::exp(-2.0 * v) * std::cos(2.0 * mu));
    }
    return 0.5 * diffused.schedule().diffusion_squared(t) * epsilon * epsilon * mean_sin2;
  };
  constexpr int intervals = 4000;
  const double h = (t1 - t0) / intervals;
  double sum = integrand(t0) + integrand(t1);
  for (int i = 1; i < intervals; ++i) sum += (i % 2 == 1 ? 4.0 : 2.0) * integrand(t0 + i * h);
  return sum * h / 3.0;
}

}  // namespace

// Claim (statistical): for the score s + 0.3 sin x of the 1-D bimodal mixture (no closed form)
// and π = p_T, (i) the continuous-time ELBO is below the SDE model's log-likelihood at every one
// of 600 points of p_{t_min} (log p_SDE from the Fokker–Planck grid of the generative SDE,
// likelihood::sde_model_density, 1600 cells): one-sided z_i = (ELBO_i − log p_SDE(x_i))/SE_i ≤
// the Bonferroni quantile of verify::bounds_hold (a z far below it is the gap, not a failure); and (ii) the average
// gap is the one theory names: E_x[log p_SDE − ELBO] = KL(Q ‖ P) − KL(p_{t_min} ‖ p_SDE), with
// the path KL from Girsanov, ½ ∫ g² ε² E_{p_t}[sin² X] dt (quadrature, girsanov_path_kl above),
// and KL(p_{t_min} ‖ p_SDE) by quadrature of the grid density against the exact cell averages —
// two routes that share no Monte Carlo with the ELBO: a two-sided z against the SE over points.
// The grid's own error (Richardson between 800 and 1600 cells, ~1e-5) is far below the SEs.
// Reported, not asserted (issue #20 §1c): where the same points' probability-flow ODE
// log-likelihood falls relative to the ELBO — the theory orders the ELBO only against log p_SDE.
// Comparing with the probability-flow ODE model's grid density instead (the mutation test)
// breaks the gap identity. Seed 6402.
verify::Outcome elbo_gap_with(const verify::RunContext& context, const SdeDensity& model_density) {
  const auto diffused = bimodal_1d();
  const auto forward = sampling::ForwardProcess::of(diffused.schedule(), 1);
  const distribution::GaussianMixture prior = diffused.marginal(1.0);
  constexpr double epsilon = 0.3;
  const score::ScoreModel model = perturbed_score(score::mixture_score(diffused), epsilon);
  const pde::Grid grid = line(1600);
  const likelihood::ModelDensity density =
      model_density(forward, model, prior, grid, {.t_min = t_min, .fokker_planck_steps = 3200});
  if (!density.status.ok()) throw kolmo::Error("the grid model density failed: " + density.status.message);
  const Eigen::ArrayXXd x = diffused.marginal(t_min).sample(context.seed, 0, 600);
  const likelihood::ContinuousElbo elbo = likelihood::continuous_elbo(
      diffused.schedule(), model, prior, x, {.t_min = t_min, .draws = 400, .seed = context.seed, .threads = context.threads});
  const Eigen::ArrayXd log_model = likelihood::log_density_at(density.density, x);
  // (ii) the average gap against KL(Q ‖ P) − KL(p_tmin ‖ p_SDE).
  const pde::DensityField exact = distribution::Law::mixture(diffused.marginal(t_min)).on(grid);
  const Eigen::ArrayXd p = exact.values().array().max(std::numeric_limits<double>::min()),
                       q = density.density.values().array().max(std::numeric_limits<double>::min());
  const double kl_data = (exact.values().array() * (p.log() - q.log())).sum() * grid.cell_measure();
  const double path_kl = girsanov_path_kl(diffused, epsilon, t_min, diffused.schedule().horizon());
  const stats::MeanEstimate gap = mean_of(log_model - elbo.elbo);
  const double predicted = path_kl - kl_data;
  // (i) one-sided at every point; (ii) two-sided on the paired mean gap (bounds_hold: Bonferroni over all).
  verify::BoundComparison identity{"mean ELBO + [KL(Q||P) - KL(p_tmin||p_SDE)] (Girsanov, quadrature) = mean log p_SDE",
                                   verify::BoundRelation::tight, {elbo.elbo.mean() + predicted}, {elbo.mean.standard_error},
                                   {log_model.mean()}, {}, {gap.standard_error}};
  verify::Outcome outcome = verify::bounds_hold(
      {compare_bound("ELBO <= log p_SDE (Fokker-Planck grid), score + 0.3 sin x", verify::BoundRelation::below, elbo.elbo,
                     elbo.standard_error, log_model),
       std::move(identity)},
      context.alpha);
  outcome.details.update({{"mean_gap", gap.mean}, {"mean_gap_standard_error", gap.standard_error},
                          {"girsanov_path_kl", path_kl}, {"kl_data_model", kl_data}, {"predicted_gap", predicted}});
  const likelihood::OdeLikelihood ode = likelihood::ode_log_likelihood(
      forward, model, prior, x,
      {.t_min = t_min, .method = ode::DormandPrince{1e-7, 1e-7}, .estimate_ode_error = false, .threads = context.threads});
  const Eigen::ArrayXd z_ode = (elbo.elbo - ode.log_likelihood) / elbo.standard_error;
  outcome.details.update({{"mean_ode_log_likelihood", ode.mean.mean},
                          {"points_with_elbo_above_ode_by_4se", (z_ode > 4.0).count()},
                          {"points_with_elbo_below_ode_by_4se", (z_ode < -4.0).count()}});
  if (!elbo.status.ok()) outcome.passed = false;
  return outcome;
}

// Claim (statistical; Huang, Lim & Courville 2021, Thm. 1): the general form of the continuous
// ELBO — inference paths dX = [f X − g² s + g a] dt + g dW with any control a — is below the
// likelihood by KL(Q_a ‖ P(· | x)). With the exact score and π = p_T the plug-in control a = g s
// is optimal, so for a = g s + c (c constant) the gap is the KL between two inference laws whose
// drifts differ by g c: ½ |c|² (T − t_min). On the 2-D bimodal mixture under VP-linear, t_min =
// 0.05, 10 points of p_{t_min}, controls c = 0, (0.6, −0.4), (1, 0.5): the Richardson value
// R = 2 ELBO_200 − ELBO_100 (same Brownian paths, 8000 draws; Euler's weak-order-1 bias removed,
// O(Δt²) left) equals log p_{t_min}(x) − ½|c|²(T − t_min), two-sided with se(R) = 2 se_200 + se_100
// (the SD of 2a − b whatever their correlation), and is ≤ log p_{t_min}(x), one-sided. The control
// KL without its ½ (`kl_factor` = 1; the mutation test) misses by 0.25 and 0.59 nats per point.
verify::Outcome elbo_variational_drift_with(const verify::RunContext& context, double kl_factor) {
  const auto diffused = test_support::bimodal_vp_linear();
  const score::ScoreModel exact = score::mixture_score(diffused);
  constexpr double t0 = 0.05;
  const Eigen::ArrayXXd x = diffused.marginal(t0).sample(context.seed, 0, 10);
  const Eigen::ArrayXd log_p = diffused.marginal(t0).log_density(x);
  const process::NoiseSchedule schedule = diffused.schedule();
  std::vector<verify::BoundComparison> comparisons;
  bool finished = true;
  for (const Eigen::Array2d c : {Eigen::Array2d(0.0, 0.0), Eigen::Array2d(0.6, -0.4), Eigen::Array2d(1.0, 0.5)}) {
    const process::BatchCoefficient control = [schedule, exact, c](double t, const process::StateView& y) -> Eigen::ArrayXXd {
      return std::sqrt(schedule.diffusion_squared(t)) * exact.score(t, y) + c.transpose().replicate(y.rows(), 1);
    };
    const auto run = [&](std::size_t steps) {
      const likelihood::ContinuousElbo elbo = likelihood::continuous_elbo(
          schedule, exact, diffused.marginal(1.0), x,
          {.t_min = t0, .draws = 8000, .seed = context.seed, .threads = context.threads,
           .variational = likelihood::VariationalDrift{control, steps, 200}});
      finished = finished && elbo.status.ok();
      return elbo;
    };
    const likelihood::ContinuousElbo coarse = run(100), fine = run(200);
    const std::string name = "c = (" + std::to_string(c(0)).substr(0, 4) + ", " + std::to_string(c(1)).substr(0, 4) + ")";
    comparisons.push_back(compare_bound("ELBO_a (Richardson) = log p_tmin - |c|^2 (T - t_min)/2, a = g s + c, " + name,
                                        verify::BoundRelation::tight, 2.0 * fine.elbo - coarse.elbo,
                                        2.0 * fine.standard_error + coarse.standard_error,
                                        log_p - kl_factor * c.square().sum() * (schedule.horizon() - t0)));
    comparisons.push_back(compare_bound("ELBO_a (Richardson) <= log p_tmin, a = g s + c, " + name, verify::BoundRelation::below,
                                        2.0 * fine.elbo - coarse.elbo, 2.0 * fine.standard_error + coarse.standard_error, log_p));
  }
  verify::Outcome outcome = verify::bounds_hold(std::move(comparisons), context.alpha);
  if (!finished) outcome.passed = false;
  return outcome;
}

namespace {

/// A deterministic likelihood case, held by its baseline to 1%: its value is an error magnitude
/// from adaptive ODE steps, whose sequence a last-bit difference in a libm result may change.
verify::CaseInfo deterministic(std::string name, std::string claim, std::string source) {
  verify::CaseInfo info{std::move(name), std::move(claim), std::move(source), verify::Tier::fast,
                        verify::CaseKind::deterministic, 0};
  info.baseline_relative_tolerance = 1e-2;
  return info;
}

}  // namespace

void register_likelihood_cases(verify::Registry& registry) {
  registry.add({deterministic("likelihood/sde-and-ode-models-part-with-the-score-error",
                              "For a score off by eps sin(x), KL(p_tmin || p_SDE) on the grid falls at least as eps^2 "
                              "(Girsanov); KL of the ODE model, the local exponents of both and their gap are reported",
                              "Song, Durkan, Murray & Ermon 2021, Thm. 1; Lu et al. 2022"),
                [](const verify::RunContext& c) { return models_part_with(c, &likelihood::sde_model_density); }});
  registry.add({{"likelihood/hutchinson-unbiased-se-falls-as-inverse-sqrt-k",
                 "Hutchinson's ODE log-likelihood with K fixed probes is unbiased for the exact-trace one (K = 8) and its "
                 "standard error falls as 1/sqrt(K) (K = 2 vs 32), within MC error over 400 points",
                 "Hutchinson 1990; Grathwohl et al. 2019 (FFJORD)", verify::Tier::fast, verify::CaseKind::statistical, 6304},
                [](const verify::RunContext& c) {
                  return hutchinson_with(c, [](const Eigen::ArrayXd& se, std::size_t) { return se; });
                }});
  registry.add({deterministic("likelihood/ode-exact-score-is-exact-log-density",
                 "With the exact score and prior p_T, the probability-flow ODE log-likelihood of 2000 points of a 2-D "
                 "mixture equals the closed-form log p_tmin within the ODE error estimate (largest miss <= largest estimate)",
                 "Song et al. 2021 (ICLR), sec. 4.3; Chen et al. 2018, Thm. 1"),
                [](const verify::RunContext& c) { return exact_likelihood_with(c, 1.0); }});
  registry.add({deterministic("likelihood/ode-log-likelihood-matches-grid-density",
                 "For a perturbed score, the per-point probability-flow ODE log-likelihood equals the log of the ODE "
                 "model's density from the continuity equation on a grid, within the grid's Richardson error plus the ODE "
                 "error (prior N(0,1) at T = 1)",
                 "Song et al. 2021 (ICLR), eq. 13; Liouville's equation"),
                [](const verify::RunContext& c) { return ode_vs_grid_with(c, 1.0, false); }});
  registry.add({deterministic("likelihood/prior-mismatch-accounted-for",
                 "With the prior N(0,1) at T = 0.3, far from p_T, the per-point ODE log-likelihood still equals the log of "
                 "the grid density started from that prior (grid + ODE error bound)",
                 "Song et al. 2021 (ICLR), sec. 4.3"),
                [](const verify::RunContext& c) { return ode_vs_grid_with(c, 0.3, false); }});
  registry.add({{"likelihood/ct-elbo-exact-score-is-tight",
                 "With the exact score and prior p_T the continuous-time ELBO of the reverse SDE equals the exact "
                 "log p_tmin at each of 40 points of a 2-D mixture, within MC error (4000 importance-sampled draws each)",
                 "Huang, Lim & Courville 2021, Thm. 3; Song, Durkan, Murray & Ermon 2021, Thm. 3", verify::Tier::fast,
                 verify::CaseKind::statistical, 6401},
                [](const verify::RunContext& c) { return elbo_tight_with(c, 1.0); }});
  registry.add({{"likelihood/ct-elbo-below-sde-likelihood-by-the-path-kl",
                 "For a perturbed score the continuous-time ELBO is below log p_SDE (Fokker-Planck grid) at every point, and "
                 "its mean gap equals KL(Q||P) - KL(p_tmin||p_SDE) with the path KL from Girsanov, within MC error",
                 "Huang, Lim & Courville 2021, Thm. 3 and eq. 18; Song, Durkan et al. 2021, Thm. 1", verify::Tier::fast,
                 verify::CaseKind::statistical, 6402},
                [](const verify::RunContext& c) { return elbo_gap_with(c, &likelihood::sde_model_density); }});
  registry.add({{"likelihood/ct-elbo-variational-drift-gap-is-the-control-kl",
                 "The general-form continuous ELBO with control a = g s + c (exact score, pi = p_T) is below log p_tmin "
                 "by |c|^2 (T - t_min)/2, the KL to the optimal inference law, within MC error (Richardson of 100, 200 steps)",
                 "Huang, Lim & Courville 2021, Thm. 1; Girsanov", verify::Tier::fast, verify::CaseKind::statistical, 6406},
                [](const verify::RunContext& c) { return elbo_variational_drift_with(c, 0.5); }});
  registry.add({{"likelihood/average-nll-is-cross-entropy",
                 "The average ODE NLL of exact draws of p_tmin equals the cross-entropy H(p_tmin, p_ODE) from the grid "
                 "density (perturbed score), and the entropy of p_tmin for the exact score, within MC error",
                 "Song et al. 2021 (ICLR), sec. 4.3; Cover & Thomas 2006, eq. 2.90", verify::Tier::fast,
                 verify::CaseKind::statistical, 6303},
                [](const verify::RunContext& c) { return cross_entropy_with(c, t_min); }});
}

}  // namespace kolmo::verification
