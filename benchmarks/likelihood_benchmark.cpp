// The probability-flow ODE log-likelihood (likelihood/ode_log_likelihood.hpp) of points of the
// 2-D bimodal mixture (lib/tests/support/bimodal_mixture.hpp) at t_min = 1e-3 under VP-linear(0.1, 20),
// with its exact score and the prior p_T, so that the exact answer log p_{t_min}(x) is known:
// issue #19 §4, against SciPy's solve_ivp(RK45) on the flattened batch
// (benchmarks/peers/compare_ode_likelihood.sh).
//
// BM_OdeLogLikelihood/points/probes/tolerance_exponent   Dormand–Prince at absolute = relative
//     tolerance 10^−arg, 2 threads, no second solve (estimate_ode_error = false); probes 0 is the
//     exact divergence, K > 0 Hutchinson with K Rademacher probes. items = points; counters:
//     max_error and mean_error of the log-likelihood against log p_{t_min}(x) (for Hutchinson
//     they include its Monte Carlo error), evaluations_per_point (velocity evaluations).

#include <benchmark/benchmark.h>

#include <cmath>

#include "kolmo/likelihood/ode_log_likelihood.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"

namespace {

void BM_OdeLogLikelihood(benchmark::State& state) {
  const auto points = static_cast<std::size_t>(state.range(0));
  const auto probes = static_cast<std::size_t>(state.range(1));
  const double tolerance = std::pow(10.0, -static_cast<double>(state.range(2)));
  constexpr double t_min = 1e-3;
  const auto diffused = kolmo::test_support::bimodal_vp_linear();
  const auto forward = kolmo::sampling::ForwardProcess::of(diffused.schedule(), 2);
  const kolmo::score::ScoreModel exact = kolmo::score::mixture_score(diffused);
  const Eigen::ArrayXXd x = diffused.marginal(t_min).sample(12, 0, points);
  const Eigen::ArrayXd truth = diffused.marginal(t_min).log_density(x);
  kolmo::likelihood::OdeLikelihoodOptions options{.t_min = t_min, .method = kolmo::ode::DormandPrince{tolerance, tolerance},
                                                  .estimate_ode_error = false, .seed = 13, .threads = 2};
  if (probes > 0) options.divergence = kolmo::ode::Hutchinson{.probes = probes};
  Eigen::ArrayXd error;
  double evaluations = 0.0;
  for (auto _ : state) {
    const auto result = kolmo::likelihood::ode_log_likelihood(forward, exact, diffused.marginal(1.0), x, options);
    error = (result.log_likelihood - truth).abs();
    evaluations = static_cast<double>(result.velocity_evaluations) / static_cast<double>(points);
  }
  state.counters["evaluations_per_point"] = evaluations;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(points));
  state.counters["max_error"] = error.maxCoeff();
  state.counters["mean_error"] = error.mean();
}
// Tolerances 1e-3, 1e-4 and 1e-6 match SciPy's runs by largest error (compare_ode_likelihood.sh).
BENCHMARK(BM_OdeLogLikelihood)
    ->Args({10000, 0, 3})
    ->Args({10000, 0, 4})
    ->Args({10000, 0, 5})
    ->Args({10000, 0, 6})
    ->Args({10000, 0, 7})
    ->Args({100000, 0, 5})
    ->Args({10000, 1, 5})
    ->Args({10000, 10, 5})
    ->ArgNames({"points", "probes", "tolerance_exponent"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
