// Verification cases for the grid oracle: the Fokker–Planck density series p_t of a forward SDE
// with no closed-form marginal (nonlinear drift, state-dependent diffusion) used as the score
// ∇log p_t that drives probability-flow transport.
//
// The identity. For dX = f dt + g dW in 1-D with D = g²/2, the Fokker–Planck flux is
// f p − ∂_x(D p) = (f − ∂_x D − D ∂_x log p) p = v p with v the probability-flow velocity
// f − ½∂_x g² − ½ g² ∂_x log p_t (Song et al. 2021, eq. 13; Maoutsa, Reich & Opper 2020). So
// the continuity equation ∂p/∂t = −∂_x(v p) driven by the grid's own score must reproduce the
// grid's own p_t: two different solvers (implicit exponentially fitted fluxes with
// Crank–Nicolson; explicit MUSCL with SSPRK(3,3)) meeting through the score.

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "cases/cases.hpp"
#include "cases/nonlinear_forward.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/sampling/reverse_sde.hpp"
#include "kolmo/score/grid_oracle_score.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/compare/compare.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/stats/running_moments.hpp"
#include "kolmo/pde/continuity.hpp"
#include "kolmo/pde/density_series.hpp"
#include "kolmo/pde/fokker_planck.hpp"
#include "kolmo/pde/ssp_runge_kutta.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/stats/order_fit.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

using nonlinear::data_law;
using nonlinear::diffusion_squared;
using nonlinear::diffusion_squared_slope;
using nonlinear::drift;
using nonlinear::ForwardSolution;
using nonlinear::forward_process;
using nonlinear::forward_sde;
using nonlinear::half_width;
using nonlinear::horizon;
using nonlinear::solve_forward;

struct GridTransport {
  double l1_difference;   // ∫ |p_T^continuity − p_T^Fokker–Planck| dx
  double mass_drift;      // |1 − mass of the continuity solution|
  std::uint64_t steps;    // continuity steps
};

// The continuity equation from the same p_0, driven by v from the series at each stage time.
GridTransport transport(std::size_t cells) {
  const ForwardSolution forward = solve_forward(cells);
  const pde::DensitySeries& series = forward.series;
  const pde::Grid& grid = series.grid();
  const pde::DensityField& start = forward.start;
  // v = f − ½ ∂_x g² − ½ g² ∂_x log p_t, the probability-flow velocity with the grid score.
  const auto velocity = [&series](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    const Eigen::ArrayXXd score = series.score(x, std::min(t, horizon), pde::TimeInterpolation::cubic);
    const Eigen::ArrayXd y = x.col(0);
    return y.unaryExpr(&drift) - 0.5 * y.unaryExpr(&diffusion_squared_slope) -
           0.5 * y.unaryExpr(&diffusion_squared) * score.col(0);
  };
  const auto flow = pde::solve({pde::Continuity(velocity, grid), start, horizon},
                               {.order = 3, .adaptive = true, .cfl = 0.9, .time_dependent = true});
  const Eigen::VectorXd difference = flow.density.values() - forward.end.values();
  return {difference.cwiseAbs().sum() * grid.cell_measure(), std::abs(1.0 - flow.density.mass()), flow.stats.steps};
}

// Claim: the L1 distance between the two grid solutions at T falls at least at order 2 over
// 200 … 1600 cells (halvings), under the one-sided deterministic order rule
// (verify::order_in_drift_bound, OrderClaim::at_least: a distance between two second-order
// approximations of one density is O(h²) or smaller, as leading errors may cancel — measured
// local orders rise above 2). Both solvers are second order in L1 and the
// grid score is a second-order difference of log p, so their distance is O(h²); a wrong factor
// in v (the ½ of the probability flow, a missing −½∂_x g² term, the score's sign) leaves an O(1)
// distance that does not converge and fails the fit; a first-order score (one-sided differences)
// gives order 1. Measured values are recorded as details.
verify::Outcome probability_flow_continuity_case(const verify::RunContext&) {
  std::vector<double> h, distance, mass;
  for (std::size_t cells : {200u, 400u, 800u, 1600u}) {
    const GridTransport run = transport(cells);
    h.push_back(2.0 * half_width / static_cast<double>(cells));
    distance.push_back(run.l1_difference);
    mass.push_back(run.mass_drift);
  }
  verify::Outcome outcome = verify::order_in_drift_bound(h, distance, 2.0, {.claim = verify::OrderClaim::at_least});
  outcome.details["l1_distances"] = distance;
  outcome.details["mass_drift"] = mass;
  return outcome;
}

// --- reversal with the grid score ---------------------------------------------------------------
// Anderson's reverse-time SDE and the probability-flow ODE, both with the grid oracle's score,
// run from samples of the grid p_T back to t = 0 and must return p_0 — the data law, here known
// in closed form (the forward process has none, but its start does). p_0 is smooth, so no
// truncation time is needed: the grid series holds p_0 itself.

/// Exact draws of the grid density (its cell averages are a piecewise-constant density): the
/// particle face of distribution::Law::grid.
ensemble::InitialLaw grid_law(const pde::DensityField& field) { return ensemble::InitialLaw::from(distribution::Law::grid(field)); }

/// KS of the returned samples against p_0's exact CDF, with the moments' z-scores as details.
verify::Outcome returned_to_data(const Eigen::ArrayXXd& samples, std::size_t failures, const std::string& test,
                                 double alpha) {
  const compare::Comparison ks = compare::compare(samples, distribution::Law::mixture(data_law()));
  verify::Outcome outcome = verify::p_value_at_least(ks.p_value, alpha, test);
  const Eigen::ArrayXd x = compare::finite_rows(samples).rows.col(0);
  const std::vector<double> values(x.begin(), x.end());
  const auto moments = stats::moments_of(values);
  const double mean = data_law().mean()(0);
  const double variance = data_law().covariance()(0, 0);
  const double n = static_cast<double>(values.size());
  outcome.details["ks_statistic"] = ks.statistic;
  outcome.details["ks_resolution"] = 1.36 / std::sqrt(n);
  outcome.details["mean_z"] = (moments.mean() - mean) / std::sqrt(variance / n);
  outcome.details["variance_relative_error"] = moments.variance() / variance - 1.0;
  outcome.details["failed_paths"] = failures;
  if (failures > 0) outcome.passed = false;
  return outcome;
}

// 20000 paths of the grid p_T (1600 cells) through Euler–Maruyama with dt = −1/1000. The KS test
// resolves CDF errors of ~1.36/√20000 ≈ 0.0096; what must stay below that:
//   grid error      O(h²): the L1 error of the 1600-cell solution is ~4e-5 (the continuity case
//                   above measures distances of that size), a bound on the CDF error;
//   Euler–Maruyama  weak order 1: the O(dt) = O(1e-3) bias of a smooth reverse drift;
//   time            cubic interpolation of the snapshots, ~1e-7.
// A reverse drift missing ∇·(g gᵀ) (the −½cos x term for this g), with the score's sign
// flipped, or with the forward drift's sign flipped moves O(1) mass and fails at p ≈ 0.
verify::Outcome reverse_sde_case(const verify::RunContext& context) {
  const ForwardSolution forward = solve_forward(1600);
  const score::ScoreModel score = score::grid_oracle_score(forward.series);
  const sde::SdeProblem problem(sampling::reverse_sde(forward_process(), score), grid_law(forward.end), horizon,
                                0.0, context.seed);
  const auto run = sde::solve(problem, sde::EulerMaruyama{-1e-3}, {.paths = 20000, .threads = context.threads});
  verify::Outcome outcome = returned_to_data(run.terminal, run.failures.size(),
                                             "KS of the reverse-SDE samples at t = 0 against p_0", context.alpha);
  outcome.details["score_evaluations_per_path"] = static_cast<double>(score.evaluations()) / 20000.0;
  return outcome;
}

// The probability-flow ODE from the same p_T samples must return p_0 as well. It is the k = 0
// member of the reverse family, integrated here by the batched SDE engine (with zero noise,
// Euler–Maruyama is Euler's method, dt = −1/1000, an O(1e-3) bias): all paths of a batch then
// share each time, which the grid oracle's cache of the last few times turns into one grid-score
// construction per step. (ode::solve integrates path by path, rebuilding the grid score
// at every call — correct, but ~100× slower for this score.)
verify::Outcome probability_flow_case(const verify::RunContext& context) {
  const ForwardSolution forward = solve_forward(1600);
  const score::ScoreModel score = score::grid_oracle_score(forward.series);
  const sde::SdeProblem problem(sampling::reverse_sde(forward_process(), score, 0.0), grid_law(forward.end),
                                horizon, 0.0, context.seed);
  const auto run = sde::solve(problem, sde::EulerMaruyama{-1e-3}, {.paths = 20000, .threads = context.threads});
  return returned_to_data(run.terminal, run.failures.size(),
                          "KS of the probability-flow samples at t = 0 against p_0", context.alpha);
}

}  // namespace

void register_grid_oracle_cases(verify::Registry& registry) {
  registry.add({{"sampling/grid-oracle-probability-flow-continuity",
                 "The continuity equation driven by the probability-flow velocity v = f - (g^2)'/2 - (g^2/2) d/dx log p_t "
                 "with the grid score "
                 "reproduces the Fokker-Planck p_T of a nonlinear, state-dependent SDE: L1 distance of order 2",
                 "Song et al. 2021 (eq. 13); Maoutsa, Reich & Opper 2020", verify::Tier::fast,
                 verify::CaseKind::deterministic, 0},
                probability_flow_continuity_case});
  registry.add({{"sampling/grid-oracle-reverse-sde-returns-data",
                 "Anderson's reverse SDE with the grid-oracle score of a nonlinear, state-dependent forward SDE, started "
                 "from the grid p_T, returns samples of p_0 (KS against the exact data CDF)",
                 "Anderson 1982; Song et al. 2021 (eq. 6); Kolmogorov 1933", verify::Tier::fast,
                 verify::CaseKind::statistical, 601},
                reverse_sde_case});
  registry.add({{"sampling/grid-oracle-probability-flow-returns-data",
                 "The probability-flow ODE with the grid-oracle score, started from the grid p_T, returns samples of p_0 "
                 "(KS against the exact data CDF)",
                 "Song et al. 2021 (eq. 13); Kolmogorov 1933", verify::Tier::fast, verify::CaseKind::statistical, 602},
                probability_flow_case});
}

}  // namespace kolmo::verification
