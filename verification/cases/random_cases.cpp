// Verification cases for kolmo::random: the quality of the Philox-based streams every Monte
// Carlo result rests on, and the exactness of the refinable Brownian path.
#include <cmath>
#include <numeric>
#include <vector>


#include "cases/cases.hpp"
#include "cases/mutable_studies.hpp"
#include "kolmo/random/brownian_increments.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/stats/chi_square.hpp"
#include "kolmo/stats/ks_test.hpp"
#include "kolmo/stats/running_moments.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {
namespace {

using random::Purpose;

std::vector<double> normals(const verify::RunContext& context, Purpose purpose, std::uint64_t step,
                            std::uint64_t first_path, std::size_t paths) {
  std::vector<double> z(paths);
  random::fill_standard_normals({context.seed, purpose, step, first_path, paths, 1}, z, context.threads);
  return z;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

verify::Outcome normal_ks(const verify::RunContext& context) {
  return normal_ks_of(normals(context, Purpose::verification, 0, 0, 1'000'000), context.alpha);
}

// Excess kurtosis is the moment most sensitive to a wrong shape of the ziggurat's layers (a
// wrong table, or abscissae scaled by the wrong layer, moves mass between centre and tails).
verify::Outcome normal_fourth_moment(const verify::RunContext& context) {
  const auto z = normals(context, Purpose::verification, 1, 0, 1 << 22);
  stats::RunningMoments fourth;
  for (double x : z) fourth.add(x * x * x * x);
  return verify::within_sigma(fourth.mean(), fourth.standard_error(), 3.0, context.alpha);
}

// Correlation between neighbouring streams: one address field changed at a time. Under
// independence sqrt(n) r ~ N(0, 1); the largest |z| over the six comparisons is held to the
// Bonferroni bound at the case's α.
verify::Outcome stream_independence(const verify::RunContext& context) {
  constexpr std::size_t n = 1 << 18;
  const auto base = normals(context, Purpose::brownian, 7, 0, n);
  auto other = [&](std::uint64_t seed, Purpose purpose, std::uint64_t step, std::uint64_t first_path,
                   std::uint64_t component) {
    std::vector<double> z(n);
    random::fill_standard_normals({seed, purpose, step, first_path, n, 1, component}, z, context.threads);
    return z;
  };
  const std::vector<std::vector<double>> neighbours{
      other(context.seed + 1, Purpose::brownian, 7, 0, 0), other(context.seed, Purpose::initial_state, 7, 0, 0),
      other(context.seed, Purpose::brownian, 8, 0, 0),     other(context.seed, Purpose::brownian, 7, n, 0),
      other(context.seed, Purpose::brownian, 7, 1, 0),     other(context.seed, Purpose::brownian, 7, 0, 1)};
  std::vector<double> z_scores;
  for (const auto& z : neighbours) {
    const double r = std::inner_product(base.begin(), base.end(), z.begin(), 0.0) / n;  // both mean 0, var 1
    z_scores.push_back(r * std::sqrt(static_cast<double>(n)));
  }
  verify::Outcome outcome = verify::all_within_sigma(z_scores, context.alpha);
  outcome.details["order"] = "seed, purpose, step, path block, pair lane, component";
  return outcome;
}

// W(1/4) and W(1) of the same path, assembled from the refinable increments at two different
// coarsenings: E[W_s W_t] = min(s, t) = 1/4 checks both the scale and the path consistency.
verify::Outcome brownian_covariance(const verify::RunContext& context) {
  constexpr std::size_t paths = 1 << 18;
  const random::BrownianIncrements w(context.seed, 0.0, 1.0, 64);
  std::vector<double> w_quarter(paths), w_rest(paths), dw(paths);
  w.fill(0, paths, 0, 16, w_quarter, context.threads);  // one step of 16 fine steps: W(1/4)
  for (std::uint64_t k = 4; k < 16; ++k) {              // steps 4..15 of 4 fine steps: W(1) − W(1/4)
    w.fill(0, paths, k, 4, dw, context.threads);
    for (std::size_t i = 0; i < paths; ++i) w_rest[i] += dw[i];
  }
  stats::RunningMoments product;
  for (std::size_t i = 0; i < paths; ++i) product.add(w_quarter[i] * (w_quarter[i] + w_rest[i]));
  return verify::within_sigma(product.mean(), product.standard_error(), 0.25, context.alpha);
}

// Deterministic: across many paths, every coarse increment is bit-for-bit the sum of its two
// halves, at every level of a dyadic hierarchy. Measured is the number of mismatches.
verify::Outcome brownian_refinement_exact(const verify::RunContext& context) {
  constexpr std::size_t paths = 4096;
  const random::BrownianIncrements w(20261122, 0.0, 1.0, 256, 2);
  std::vector<double> coarse(paths * 2), left(paths * 2), right(paths * 2);
  double mismatches = 0;
  for (std::uint64_t factor = 2; factor <= 256; factor *= 2) {
    for (std::uint64_t k = 0; k < w.steps(factor); ++k) {
      w.fill(0, paths, k, factor, coarse, context.threads);
      w.fill(0, paths, 2 * k, factor / 2, left, context.threads);
      w.fill(0, paths, 2 * k + 1, factor / 2, right, context.threads);
      for (std::size_t i = 0; i < coarse.size(); ++i) mismatches += coarse[i] != left[i] + right[i];
    }
  }
  return verify::within_absolute(mismatches, 0.0, 0.0, "no coarse increment differs from its halves' sum");
}

verify::Outcome uniform_ks(const verify::RunContext& context) {
  std::vector<double> u(1'000'000);
  random::fill_uniforms({context.seed, Purpose::verification, 0, 0, u.size(), 1}, u, context.threads);
  const auto ks = stats::ks_one_sample(u, [](double x) { return std::clamp(x, 0.0, 1.0); });
  auto outcome = verify::p_value_at_least(ks.p_value, context.alpha, "KS against U(0,1)");
  outcome.details = {{"n", u.size()}, {"ks_statistic", ks.statistic}};
  return outcome;
}

// Full tier: 2^30 normals binned into 1024 cells of equal N(0,1) probability by Phi(z). At this
// size Pearson's test resolves a cell-probability error of about 4 sqrt(2 * 1023) / 2^30 ~ 5e-7
// in total chi-square mass, far beyond what the 10^6-draw KS case can see (e.g. a defect of the
// ziggurat's rare path — wedges or tail — or a lattice artefact of 52-bit abscissae would show
// here first).
verify::Outcome normal_chi_square(const verify::RunContext& context) {
  constexpr std::size_t cells = 1024, batch = std::size_t{1} << 22, batches = 256;
  std::vector<double> counts(cells, 0.0), z(batch);
  std::vector<std::uint64_t> batch_counts(cells);
  for (std::uint64_t step = 0; step < batches; ++step) {
    random::fill_standard_normals({context.seed, Purpose::verification, step, 0, batch, 1}, z, context.threads);
    std::fill(batch_counts.begin(), batch_counts.end(), 0);
    std::uint64_t* c = batch_counts.data();
    // Integer counts: the reduction is exact, so the result does not depend on the thread count.
#pragma omp parallel for num_threads(context.threads) reduction(+ : c[:cells])
    for (std::size_t i = 0; i < batch; ++i) {
      const auto cell = static_cast<std::size_t>(normal_cdf(z[i]) * cells);
      ++c[std::min(cell, cells - 1)];
    }
    for (std::size_t k = 0; k < cells; ++k) counts[k] += static_cast<double>(batch_counts[k]);
  }
  const std::vector<double> probabilities(cells, 1.0 / cells);
  const auto chi2 = stats::chi_square_test(counts, probabilities);
  auto outcome = verify::p_value_at_least(chi2.p_value, context.alpha, "Pearson chi-square on 1024 cells");
  outcome.details = {{"n", batch * batches},
                     {"cells", cells},
                     {"statistic", chi2.statistic},
                     {"degrees_of_freedom", chi2.degrees_of_freedom}};
  return outcome;
}

}  // namespace

verify::Outcome normal_ks_of(std::span<const double> z, double alpha) {
  const auto ks = stats::ks_one_sample(z, normal_cdf);
  auto outcome = verify::p_value_at_least(ks.p_value, alpha, "KS against N(0,1)");
  outcome.details = {{"n", z.size()}, {"ks_statistic", ks.statistic}};
  return outcome;
}

void register_random_cases(verify::Registry& registry) {
  using verify::CaseKind;
  using verify::Tier;
  registry.add({{"random/normal-ks", "Batch standard normals (Philox4x32-10 + 2048-layer ziggurat) follow N(0,1): one-sample KS on 10^6 draws.",
                 "Salmon et al. SC'11 (Philox); Marsaglia & Tsang 2000 (ziggurat)", Tier::fast, CaseKind::statistical, 1},
                normal_ks});
  registry.add({{"random/normal-fourth-moment", "E[Z^4] = 3 for the batch standard normals (2^22 draws).",
                 "Moments of N(0,1)", Tier::fast, CaseKind::statistical, 2},
                normal_fourth_moment});
  registry.add({{"random/stream-independence",
                 "Streams differing in one address field (seed, purpose, step, path block, pair lane, component) are uncorrelated.",
                 "Counter-based RNG independence (Salmon et al. SC'11)", Tier::fast, CaseKind::statistical, 3},
                stream_independence});
  registry.add({{"random/uniform-ks", "Batch uniforms on (0,1) are uniform: one-sample KS on 10^6 draws.",
                 "Salmon et al. SC'11 (Philox)", Tier::fast, CaseKind::statistical, 4},
                uniform_ks});
  registry.add({{"random/brownian-covariance",
                 "Refinable increments coarsened two ways give one Brownian path: E[W(1/4) W(1)] = 1/4.",
                 "Cov(W_s, W_t) = min(s, t)", Tier::fast, CaseKind::statistical, 5},
                brownian_covariance});
  registry.add({{"random/brownian-refinement-exact",
                 "Every coarse Brownian increment equals the floating-point sum of its two halves, bit for bit, at all dyadic levels.",
                 "Higham 2001, SIAM Review 43(3), Sec. 4 (same path at dt and dt/2)", Tier::fast,
                 CaseKind::deterministic, 20261122},
                brownian_refinement_exact});
  registry.add({{"random/normal-chi-square-2p30",
                 "2^30 batch standard normals fall into 1024 equiprobable N(0,1) cells with equal frequency (Pearson chi-square).",
                 "Pearson 1900; Marsaglia & Tsang 2000", Tier::full, CaseKind::statistical, 6},
                normal_chi_square});
}

}  // namespace kolmo::verification
