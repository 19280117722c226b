#include "kolmo/sampling/langevin_mcmc.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/stats/running_moments.hpp"
#include "support/expect_error.hpp"

namespace kolmo::sampling {
namespace {

// N(0, s² I) in d dimensions: score −x/s², log π = −|x|²/(2s²).
LangevinTarget gaussian_target(std::size_t dimension, double variance) {
  return {"gaussian", dimension,
          [variance](const process::StateView& x) -> Eigen::ArrayXXd { return -x / variance; },
          [variance](const process::StateView& x) -> Eigen::ArrayXd {
            return -x.square().rowwise().sum() / (2.0 * variance);
          }};
}

// Sample variance of component 0 and its standard error √(2/(n−1)) v (normal data).
std::pair<double, double> variance_with_error(const Eigen::ArrayXXd& samples) {
  const auto moments =
      stats::moments_of(std::span<const double>(samples.col(0).data(), static_cast<std::size_t>(samples.rows())));
  const double v = moments.variance();
  return {v, v * std::sqrt(2.0 / static_cast<double>(samples.rows() - 1))};
}

// Target N(0, 4), step h = 1.6 = 0.4 s²: ULA's stationary variance is s²/(1 − 0.2) = 5, 25% above
// the target's. Chains start at stationarity of neither; after 200 iterations the transient
// (1 − h/s²)^{400} = 0.6^{400} is nil. 20000 chains give a 1% standard error on the variance, so
// the 4σ band (±4%) separates 4 from 5 — a ULA without its bias or a MALA without its
// correction (or with the Hastings ratio upside down) fails. Seed 2026.
TEST(LangevinMcmc, UlaHasItsKnownBiasedVarianceAndMalaIsExact) {
  const double s2 = 4.0;
  const double h = 1.6;
  const auto target = gaussian_target(1, s2);
  const auto start = ensemble::InitialLaw::point(Eigen::VectorXd::Constant(1, 3.0));
  const ChainOptions options{.paths = 20000, .threads = 2};

  const ChainSolution ula = run_chains(target, start, 2026, Ula{h, 200}, options);
  ASSERT_TRUE(ula.status.ok());
  const auto [ula_variance, ula_error] = variance_with_error(ula.samples);
  EXPECT_NEAR(ula_gaussian_stationary_variance(s2, h), 5.0, 1e-15);
  EXPECT_NEAR(ula_variance, 5.0, 4.0 * ula_error);
  EXPECT_EQ(ula.stats.score_evaluations, 200u);

  const ChainSolution mala = run_chains(target, start, 2026, Mala{h, 200}, options);
  ASSERT_TRUE(mala.status.ok());
  const auto [mala_variance, mala_error] = variance_with_error(mala.samples);
  EXPECT_NEAR(mala_variance, s2, 4.0 * mala_error);
  EXPECT_GT(mala.acceptance_rate, 0.5);
  EXPECT_LT(mala.acceptance_rate, 1.0);
  EXPECT_EQ(mala.stats.score_evaluations, 201u);
}

TEST(LangevinMcmc, ChainsAreBitIdenticalForAnyThreadCountAndPathRange) {
  const auto target = gaussian_target(2, 1.0);
  const auto start = ensemble::InitialLaw::gaussian(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2));
  const ChainSolution one = run_chains(target, start, 5, Mala{0.5, 30}, {.paths = 3000, .threads = 1});
  const ChainSolution four = run_chains(target, start, 5, Mala{0.5, 30}, {.paths = 3000, .threads = 4});
  EXPECT_TRUE((one.samples == four.samples).all());
  EXPECT_EQ(one.acceptance_rate, four.acceptance_rate);
  const ChainSolution tail =
      run_chains(target, start, 5, Mala{0.5, 30}, {.paths = 1000, .threads = 3, .first_path = 2000});
  EXPECT_TRUE((tail.samples == one.samples.bottomRows(1000)).all());
}

// ULA on N(0, 1) with h > 2 s² is unstable: |1 − h| > 1 and the chain grows without bound
// until it overflows — a status naming the chain, never a silent NaN.
TEST(LangevinMcmc, DivergentChainsAreReportedNotHidden) {
  const auto target = gaussian_target(1, 1.0);
  const ChainSolution result = run_chains(target, ensemble::InitialLaw::point(Eigen::VectorXd::Ones(1)), 1,
                                        Ula{3.0, 2000}, {.paths = 4});
  EXPECT_EQ(result.status.code, StatusCode::non_finite);
  EXPECT_EQ(result.failures.size(), 4u);
  EXPECT_TRUE(result.samples.isNaN().all());
  EXPECT_NE(result.status.where.find("path 0"), std::string::npos) << result.status.where;
}

TEST(LangevinMcmc, RefusesBadArguments) {
  const auto target = gaussian_target(1, 1.0);
  const auto start = ensemble::InitialLaw::point(Eigen::VectorXd::Zero(1));
  KOLMO_EXPECT_THROW_NAMING((void)run_chains(target, start, 1, Ula{0.0, 10}, {.paths = 1}), "step");
  KOLMO_EXPECT_THROW_NAMING((void)run_chains(target, start, 1, Ula{0.1, 0}, {.paths = 1}), "iterations");
  KOLMO_EXPECT_THROW_NAMING((void)run_chains(target, start, 1, Mala{0.1, 10}, {.paths = 0}), "options.paths");
  auto no_density = target;
  no_density.log_density = nullptr;
  KOLMO_EXPECT_THROW_NAMING((void)run_chains(no_density, start, 1, Mala{0.1, 10}, {.paths = 1}),
                            "target.log_density");
  KOLMO_EXPECT_THROW_NAMING(
      (void)run_chains(target, ensemble::InitialLaw::point(Eigen::VectorXd::Zero(2)), 1, Ula{0.1, 10}, {.paths = 1}),
      "initial.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)ula_gaussian_stationary_variance(1.0, 2.0), "step");
}

}  // namespace
}  // namespace kolmo::sampling
