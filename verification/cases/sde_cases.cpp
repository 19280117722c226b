// Verification cases for the Monte Carlo SDE engine (kolmo::sde): every scheme held to its
// advertised strong or weak order by a convergence study, exact linear sampling against
// closed-form moments, an ensemble of the double-well Langevin equation against its Gibbs law,
// and the CIR samplers against the noncentral chi-square law.
// Order rule (verify::order_in_confidence_interval): the theoretical order lies in the (1 − α)
// interval of the fitted order, whose standard error is a jackknife over path groups (all step
// sizes share the paths), and the interval's half-width is at most 0.25. The study set-ups are in sde_studies.hpp;
// verification/tests/sde_cases_test.cpp shows that each rule rejects a scheme with a wrong
// coefficient.
#include <cmath>
#include <numbers>
#include <vector>

#include "cases/cases.hpp"
#include "cases/mutable_studies.hpp"
#include "cases/sde_studies.hpp"
#include "kolmo/compare/compare.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/process/cox_ingersoll_ross.hpp"
#include "kolmo/process/double_well.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/sde/drift_implicit_square_root.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/exact_cox_ingersoll_ross.hpp"
#include "kolmo/sde/exact_linear.hpp"
#include "kolmo/sde/milstein.hpp"
#include "kolmo/sde/platen_weak2.hpp"
#include "kolmo/sde/rossler_sra1.hpp"
#include "kolmo/sde/stochastic_heun.hpp"
#include "kolmo/stats/ks_test.hpp"
#include "kolmo/stats/mean_estimate.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

// --- exact linear sampling -------------------------------------------------------------------
// 2-D OU with a rotating drift A = −θ I + ω J (J the quarter turn) and isotropic noise σ I. Its
// law is known without matrix exponentials: mean e^{−θt} R(ωt) x0 and covariance
// σ²/(2θ)(1 − e^{−2θt}) I, since rotations leave an isotropic covariance unchanged.
constexpr double theta = 0.8, omega = 2.5, sigma = 0.6, horizon = 1.5;
constexpr std::uint64_t exact_paths = 1 << 17;

verify::Outcome exact_linear_moments(const verify::RunContext& context) {
  const Eigen::Matrix2d a = (Eigen::Matrix2d() << -theta, -omega, omega, -theta).finished();
  const process::LinearSde rotating(a, Eigen::Vector2d::Zero(), sigma * Eigen::Matrix2d::Identity());
  const Eigen::Vector2d x0(1.0, -0.5);
  const sde::SdeProblem problem(rotating.sde("rotating-ou"), ensemble::InitialLaw::point(x0), 0.0, horizon, context.seed);
  // Three steps of 0.5: the transition is chained, so the test also covers the semigroup property.
  const auto solution =
      sde::solve(problem, sde::ExactLinear{horizon / 3, rotating}, {.paths = exact_paths, .threads = context.threads});

  const double decay = std::exp(-theta * horizon);
  const double angle = omega * horizon;
  const Eigen::Vector2d mean = decay * (Eigen::Matrix2d() << std::cos(angle), -std::sin(angle), std::sin(angle),
                                        std::cos(angle)).finished() * x0;
  const double variance = sigma * sigma / (2 * theta) * (1 - decay * decay);

  // Five estimates (2 means, 2 variances, 1 covariance about the exact mean), each with its
  // standard error from the same samples, held together to the case's α (Bonferroni).
  const Eigen::ArrayXXd centred = solution.terminal.rowwise() - mean.transpose().array();
  const std::vector<Eigen::ArrayXd> samples = {centred.col(0), centred.col(1), centred.col(0).square(),
                                               centred.col(1).square(), centred.col(0) * centred.col(1)};
  const std::vector<double> expected = {0.0, 0.0, variance, variance, 0.0};
  std::vector<double> z_scores;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const stats::MeanEstimate estimate = stats::estimate_mean({samples[k].data(), static_cast<std::size_t>(samples[k].size())});
    z_scores.push_back(stats::z_score(estimate, expected[k]));
  }
  verify::Outcome outcome = verify::all_within_sigma(z_scores, context.alpha);
  outcome.details["order"] = "mean x, mean y, var x, var y, cov xy";
  outcome.details["exact_mean"] = {mean(0), mean(1)};
  outcome.details["exact_variance"] = variance;
  outcome.details["paths"] = exact_paths;
  return outcome;
}

// --- double well at long time ------------------------------------------------------------------
// U(x) = (x² − 1)², D = 1/2, all paths start in the left well, x0 = −1. Hopping between wells
// relaxes the population imbalance at rate λ1 ≈ 2k, with the Kramers rate
// k = sqrt(U''(1)|U''(0)|)/(2π) e^{−ΔU/D} = (sqrt(32)/2π) e^{−2} ≈ 0.12; at T = 30 the remaining
// imbalance e^{−λ1 T} ≈ 7e-4 moves the CDF by < 4e-4, and SRA1's weak O(h²) bias at h = 1/32 is
// of order 1e-3 — both far below the KS resolution 1.36/sqrt(n) ≈ 0.01 at n = 20 000.
verify::Outcome double_well_gibbs(const verify::RunContext& context) {
  const process::DoubleWellLangevin model(1.0, 0.5);
  constexpr double t1 = 30.0;
  constexpr std::uint64_t paths = 20000;
  const sde::SdeProblem problem(model.sde(), ensemble::InitialLaw::point(Eigen::VectorXd::Constant(1, -1.0)), 0.0, t1,
                                context.seed);
  const auto solution = sde::solve(problem, sde::RosslerSra1{1.0 / 32}, {.paths = paths, .threads = context.threads});
  const std::vector<double> x(solution.terminal.data(), solution.terminal.data() + solution.terminal.size());
  const auto ks = stats::ks_one_sample(x, [&](double v) { return model.gibbs_cdf(v); });
  verify::Outcome outcome = verify::p_value_at_least(ks.p_value, context.alpha, "KS against the Gibbs law");
  const double right_well = static_cast<double>((solution.terminal.col(0) > 0).count()) / paths;
  outcome.details = {{"n", paths}, {"ks_statistic", ks.statistic}, {"fraction_in_right_well", right_well},
                     {"status", to_string(solution.status.code)}};
  if (!solution.status.ok()) outcome.passed = false;
  return outcome;
}

}  // namespace

// --- the Cox–Ingersoll–Ross process ---------------------------------------------------------
// Two samplers against the noncentral-χ² transition law (Boost.Math's CDF), each by KS on 20 000
// paths, held together by Bonferroni:
//   exact      ExactCoxIngersollRoss (the case's), two steps of 0.5 from X0 = 0.05 below the Feller condition
//              (κ = 1, θ = 0.3, σ = 1: 2κθ/σ² = 0.6, zero is reached): exact at any step, so
//              only a wrong δ, scale or Poisson mixture can move D; the chained steps test the
//              Markov composition.
//   implicit   DriftImplicitSquareRoot at h = 1/64 in the Feller regime (κ = 2, θ = 1, σ = 0.5,
//              X0 = 0.3): its weak error there, measured at 4e-4 in E X (sde/cir-drift-implicit-
//              strong-order's study), moves the CDF by ~1e-3 — a tenth of the KS resolution
//              1.36/√20000 ≈ 0.0096 — while a wrong drift constant a = (4κθ − σ²)/8 moves E X by O(1).
// Every returned state must be ≥ 0, and Euler–Maruyama on the first problem must report the
// paths it pushes below 0 (status left_state_space): the hazard the state space declaration fixes.
// The exact sampler is a parameter (mutable_studies.hpp) so that the mutation suite can inject a
// wrong one.

verify::Outcome cir_transition_law_with(const verify::RunContext& context, const CirExactSampler& exact_sampler) {
  constexpr std::uint64_t paths = 20000;
  const auto transition_law = [&](const process::CoxIngersollRoss& cir, double x0, double t) {
    // The KS reference needs only the CDF; the sampler is the exact one, for completeness.
    return distribution::Law::custom(
        "cir-transition", 1,
        [cir, x0, t](std::uint64_t seed, std::uint64_t first, std::size_t count) -> Eigen::ArrayXXd {
          Eigen::ArrayXXd x(static_cast<Eigen::Index>(count), 1);
          for (std::size_t i = 0; i < count; ++i) {
            x(static_cast<Eigen::Index>(i), 0) = cir.sample_transition(
                x0, t, random::uniform01({seed, random::Purpose::initial_state, first + i, 0, 0}),
                random::uniform01({seed, random::Purpose::initial_state, first + i, 0, 1}));
          }
          return x;
        },
        {}, [cir, x0, t](const Eigen::ArrayXd& x) { return cir.transition_cdf(x0, t, x); });
  };
  const process::CoxIngersollRoss rough(1.0, 0.3, 1.0), feller(2.0, 1.0, 0.5);
  const auto start = [](double x0) { return ensemble::InitialLaw::point(Eigen::VectorXd::Constant(1, x0)); };
  const sde::SdeProblem rough_problem(rough.sde(), start(0.05), 0.0, 1.0, context.seed);
  const sde::SdeProblem feller_problem(feller.sde(), start(0.3), 0.0, 1.0, context.seed);
  const sde::EnsembleSolution exact =
      exact_sampler(rough_problem, rough, sde::EnsembleOptions{.paths = paths, .threads = context.threads});
  const auto implicit =
      sde::solve(feller_problem, sde::DriftImplicitSquareRoot{1.0 / 64, feller}, {.paths = paths, .threads = context.threads});
  const auto euler = sde::solve(rough_problem, sde::EulerMaruyama{1.0 / 64}, {.paths = paths, .threads = context.threads});
  const compare::Comparison exact_ks = compare::compare(exact.terminal, transition_law(rough, 0.05, 1.0));
  const compare::Comparison implicit_ks = compare::compare(implicit.terminal, transition_law(feller, 0.3, 1.0));
  const std::vector<double> p_values{exact_ks.p_value, implicit_ks.p_value};
  verify::Outcome outcome = verify::smallest_p_value_at_least(p_values, context.alpha, "KS of the exact and the implicit sampler");
  const bool positive = (exact.terminal >= 0.0).all() && (implicit.terminal >= 0.0).all();
  const bool euler_flagged = euler.status.code == StatusCode::left_state_space && !euler.failures.empty();
  outcome.details = {{"exact_ks_statistic", exact_ks.statistic},    {"implicit_ks_statistic", implicit_ks.statistic},
                     {"p_values", p_values},                        {"all_states_non_negative", positive},
                     {"euler_paths_below_zero", euler.failures.size()}, {"euler_status", to_string(euler.status.code)}};
  if (!exact.status.ok() || !implicit.status.ok() || !positive || !euler_flagged) {
    outcome.passed = false;
    outcome.note = "a sampler failed, returned a negative state, or Euler-Maruyama's crossings below 0 went unreported";
  }
  return outcome;
}

namespace {

verify::Outcome cir_transition_law(const verify::RunContext& context) {
  return cir_transition_law_with(context, [](const sde::SdeProblem& problem, const process::CoxIngersollRoss& cir,
                                             const sde::EnsembleOptions& options) {
    return sde::solve(problem, sde::ExactCoxIngersollRoss{0.5, cir}, options);
  });
}

verify::CaseInfo info(std::string name, std::string claim, std::string source, std::uint64_t seed) {
  return {std::move(name), std::move(claim), std::move(source), verify::Tier::fast, verify::CaseKind::statistical, seed};
}

}  // namespace

void register_sde_cases(verify::Registry& registry) {
  registry.add({info("sde/em-strong-order-gbm", "Euler-Maruyama has strong order 1/2 on geometric Brownian motion",
                     "Higham 2001, SIAM Review 43(3), Sec. 4; Kloeden & Platen 1992, Sec. 10.2", 201),
                [](const verify::RunContext& c) {
                  return order_case(higham_gbm_study(c.seed, c.threads), sde::EulerMaruyama{}, OrderKind::strong, c.alpha);
                }});
  registry.add({info("sde/em-weak-order-gbm", "Euler-Maruyama has weak order 1 on geometric Brownian motion (phi = x)",
                     "Higham 2001, Sec. 5; Kloeden & Platen 1992, Sec. 14.1", 202),
                [](const verify::RunContext& c) {
                  return order_case(higham_gbm_study(c.seed, c.threads), sde::EulerMaruyama{}, OrderKind::weak, c.alpha);
                }});
  registry.add({info("sde/milstein-strong-order-gbm", "Milstein has strong order 1 on geometric Brownian motion",
                     "Milstein 1974; Kloeden & Platen 1992, Sec. 10.3", 203),
                [](const verify::RunContext& c) {
                  return order_case(higham_gbm_study(c.seed, c.threads), sde::Milstein{}, OrderKind::strong, c.alpha);
                }});
  registry.add({info("sde/heun-strong-order-stratonovich-gbm",
                     "Stochastic Heun has strong order 1 on a Stratonovich SDE with commutative noise",
                     "Rumelin 1982, SIAM J. Numer. Anal. 19(3); Kloeden & Platen 1992, Sec. 11.1", 204),
                [](const verify::RunContext& c) {
                  return order_case(stratonovich_gbm_study(c.seed, c.threads), sde::StochasticHeun{}, OrderKind::strong, c.alpha);
                }});
  registry.add({info("sde/sra1-strong-order-additive", "Rossler's SRA1 has strong order 1.5 for additive noise",
                     "Rossler 2010, SIAM J. Numer. Anal. 48(3) (scheme SRA1)", 205),
                [](const verify::RunContext& c) {
                  return order_case(sine_drift_additive_study(c.seed, c.threads), sde::RosslerSra1{}, OrderKind::strong, c.alpha);
                }});
  registry.add({info("sde/platen-weak-order-gbm", "Platen's explicit scheme has weak order 2 (phi = x^2) on a linear SDE",
                     "Kloeden & Platen 1992, Sec. 15.1", 206),
                [](const verify::RunContext& c) {
                  return order_case(weak_gbm_study(c.seed, c.threads), sde::PlatenWeak2{}, OrderKind::weak, c.alpha);
                }});
  registry.add({info("sde/exact-linear-moments",
                     "Exact linear-SDE sampling reproduces the closed-form mean and covariance of a rotating 2-D OU",
                     "Van Loan 1978; Gardiner, Stochastic Methods (multivariate OU)", 207),
                exact_linear_moments});
  registry.add({info("sde/double-well-gibbs-ks",
                     "An SDE ensemble of double-well Langevin dynamics relaxes to the Gibbs law exp(-U/D)/Z",
                     "Pavliotis 2014, Sec. 4.5; Kramers 1940", 208),
                double_well_gibbs});
  registry.add({info("sde/cir-drift-implicit-strong-order",
                     "The drift-implicit square-root scheme has strong order 1 on the CIR process in the Feller regime",
                     "Alfonsi 2005, Monte Carlo Methods Appl. 11; Neuenkirch & Szpruch 2014, Numer. Math. 128", 209),
                [](const verify::RunContext& c) {
                  const process::CoxIngersollRoss cir(2.0, 1.0, 0.5);
                  return order_case(cir_feller_study(c.seed, c.threads), sde::DriftImplicitSquareRoot{1.0, cir},
                                    OrderKind::strong, c.alpha);
                }});
  registry.add({info("sde/cir-transition-law-ks",
                     "Exact and drift-implicit CIR samplers follow the noncentral chi-square transition law and stay >= 0",
                     "Feller 1951; Glasserman 2003, Sec. 3.4; Alfonsi 2005", 210),
                cir_transition_law});
}

}  // namespace kolmo::verification
