#include "kolmo/sde/convergence.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "kolmo/process/geometric_brownian_motion.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/exact_linear.hpp"
#include "kolmo/sde/milstein.hpp"
#include "support/expect_error.hpp"
#include "support/gbm_study.hpp"

namespace kolmo::sde {
namespace {

using test_support::gbm;
using test_support::gbm_options;
using test_support::gbm_problem;

TEST(ConvergenceStudy, MilsteinOnGbmHasDecreasingErrorsAndAFittedOrderNearOne) {
  const ConvergenceStudy study = study_convergence(gbm_problem(), Milstein{}, gbm_options());
  ASSERT_TRUE(study.status.ok());
  EXPECT_EQ(study.fine_steps, 24u);
  ASSERT_EQ(study.resolutions.size(), 4u);
  for (std::size_t k = 1; k < 4; ++k) EXPECT_LT(study.resolutions[k].strong.mean, study.resolutions[k - 1].strong.mean);
  ASSERT_TRUE(study.strong_order.status.ok());
  EXPECT_EQ(study.strong_order.jackknife_groups, 100u);
  EXPECT_EQ(study.strong_order.interval_dof, 99u);
  // The straight line through these pre-asymptotic steps is biased low; the last local order
  // with its drift bound and jackknife margins (what the verification rule uses) holds 1.
  ASSERT_TRUE(study.strong_local.has_value());
  ASSERT_TRUE(study.strong_local->status.ok()) << study.strong_local->status.message;
  const auto [lower, upper] = study.strong_local->interval(0.95);
  EXPECT_LE(lower, 1.0);
  EXPECT_GE(upper, 1.0);
  // The Milstein mean recursion is E X_{n+1} = (1 + λh) E X_n exactly, so the weak error of φ(x) = x
  // is (1 + λh)^{1/h} − e^λ; the coupled estimate sees it within 4 standard errors.
  for (const Resolution& r : study.resolutions) {
    const double exact = std::pow(1 + 2.0 * r.dt, static_cast<double>(r.steps)) - std::exp(2.0);
    EXPECT_NEAR(r.weak[0].mean, exact, 4 * r.weak[0].standard_error) << "dt = " << r.dt;
  }
}

TEST(ConvergenceStudy, BackwardsInTimeMilsteinConvergesToTheReversedClockSolution) {
  // From t0 = 1 to t1 = 0 the schemes integrate dX = −λX dτ + μX dW̄; the catalogue's solution
  // uses |t1 − t0| in the Itô correction, so the strong error falls at order 1 as forwards.
  const SdeProblem backwards(gbm.sde(), InitialLaw::point(Eigen::VectorXd::Ones(1)), 1.0, 0.0, 11);
  ConvergenceOptions options = gbm_options();
  for (double& dt : options.dts) dt = -dt;
  const ConvergenceStudy study = study_convergence(backwards, Milstein{}, options);
  ASSERT_TRUE(study.strong_local.has_value() && study.strong_local->status.ok());
  const auto [lower, upper] = study.strong_local->interval(0.95);
  EXPECT_LE(lower, 1.0);
  EXPECT_GE(upper, 1.0);
  EXPECT_DOUBLE_EQ(gbm.second_moment(1.0, -0.5), std::exp(2.0 * 2.0 * -0.5 + 0.5));
}

TEST(ConvergenceStudy, RefusesToFitErrorsThatAreNotAboveNoise) {
  // Euler–Maruyama is exact for Brownian motion with drift: every error is rounding-level zero.
  const process::LinearSde bm = process::LinearSde::brownian_motion(Eigen::VectorXd::Ones(1), Eigen::MatrixXd::Ones(1, 1));
  const SdeProblem problem(bm.sde(), InitialLaw::point(Eigen::VectorXd::Zero(1)), 0.0, 1.0, 5);
  ConvergenceOptions options = gbm_options();
  options.exact = [](double t0, double t1, const process::StateView& x0, const process::StateView& w) -> Eigen::ArrayXXd {
    return x0 + (t1 - t0) + w;
  };
  const ConvergenceStudy study = study_convergence(problem, EulerMaruyama{}, options);
  EXPECT_TRUE(study.status.ok());
  EXPECT_EQ(study.strong_order.status.code, StatusCode::within_noise);
}

TEST(ConvergenceStudy, OverflowingErrorsAreANonFiniteStatusNotAnException) {
  // dX = λX dt with λ = 1e154: at h = T/2 = 0.25 the paths stay finite (X_T ≈ 6e306), but the squares
  // behind the distances and standard errors overflow. The fits refuse with non_finite, naming the step.
  const process::Sde explosive = process::Sde::additive(
      "explosive", 1, 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 1e154 * x; },
      [](double) { return Eigen::MatrixXd::Zero(1, 1); });
  const SdeProblem problem(explosive, InitialLaw::point(Eigen::VectorXd::Ones(1)), 0.0, 0.5, 5);
  ConvergenceOptions options;
  options.dts = {0.5, 0.25};
  options.paths = 4;
  options.groups = 2;
  options.exact = [](double, double, const process::StateView& x0, const process::StateView&) -> Eigen::ArrayXXd {
    return Eigen::ArrayXXd::Zero(x0.rows(), x0.cols());
  };
  const ConvergenceStudy study = study_convergence(problem, EulerMaruyama{}, options);
  ASSERT_TRUE(study.status.ok()) << study.status.message;
  ASSERT_EQ(study.resolutions.size(), 2u);
  EXPECT_TRUE(std::isfinite(study.resolutions[0].strong_rms));
  EXPECT_FALSE(std::isfinite(study.resolutions[1].strong_rms_standard_error));
  for (const auto* fit : {&study.strong_order, &study.strong_rms_order}) {
    EXPECT_EQ(fit->status.code, StatusCode::non_finite);
    EXPECT_EQ(fit->status.where, "h = 0.25");
  }
}

/// 600 000 paths in 1-D are 3 waves of 262 144: held one wave at a time, the study sums the same
/// segments in the same order as when it holds every path — bit for bit, failures included.
TEST(ConvergenceStudy, AStudyHeldAChunkAtATimeIsTheStudyHeldWhole) {
  constexpr std::uint64_t paths = 600'000;
  Eigen::ArrayXXd starts = Eigen::ArrayXXd::Ones(static_cast<Eigen::Index>(paths), 1);
  ConvergenceOptions whole = gbm_options();
  whole.dts = {1.0 / 8, 1.0 / 16, 1.0 / 32};
  whole.paths = paths;
  ConvergenceOptions chunked = whole;
  chunked.paths_in_memory = 1;  // rounded up to one wave
  const auto study = [&](const ConvergenceOptions& options) {
    return study_convergence(SdeProblem(gbm.sde(), InitialLaw::points(starts), 0.0, 1.0, 11), EulerMaruyama{}, options);
  };
  const ConvergenceStudy a = study(chunked), b = study(whole);
  ASSERT_TRUE(a.status.ok() && b.status.ok());
  ASSERT_EQ(a.resolutions.size(), 3u);
  ASSERT_EQ(b.resolutions.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(a.resolutions[k].strong.mean, b.resolutions[k].strong.mean);
    EXPECT_EQ(a.resolutions[k].strong.standard_error, b.resolutions[k].strong.standard_error);
    EXPECT_EQ(a.resolutions[k].strong_rms, b.resolutions[k].strong_rms);
    EXPECT_EQ(a.resolutions[k].weak[0].mean, b.resolutions[k].weak[0].mean);
    EXPECT_EQ(a.resolutions[k].strong_group_means, b.resolutions[k].strong_group_means);
    EXPECT_EQ(a.resolutions[k].weak_group_means, b.resolutions[k].weak_group_means);
    EXPECT_EQ(a.resolutions[k].drift_evaluations, b.resolutions[k].drift_evaluations);
  }
  EXPECT_EQ(a.strong_order.slope, b.strong_order.slope);
  EXPECT_EQ(a.strong_local->upper_end, b.strong_local->upper_end);
  EXPECT_EQ(a.weak_local[0].local.estimate, b.weak_local[0].local.estimate);

  // A path that fails in the last chunk (its first step overflows) fails both studies alike,
  // naming the same path.
  starts(550'000, 0) = 1e308;
  const ConvergenceStudy failed_a = study(chunked), failed_b = study(whole);
  EXPECT_EQ(failed_a.status.code, StatusCode::non_finite);
  EXPECT_EQ(failed_a.status.where, failed_b.status.where);
  EXPECT_NE(failed_a.status.where.find("550000"), std::string::npos) << failed_a.status.where;
  EXPECT_EQ(failed_a.resolutions.size(), failed_b.resolutions.size());
}

TEST(ConvergenceStudy, BadInputIsAClearError) {
  ConvergenceOptions options = gbm_options();
  options.dts = {0.25};
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(gbm_problem(), EulerMaruyama{}, options), "options.dts.size()");
  options = gbm_options();
  options.exact = nullptr;
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(gbm_problem(), EulerMaruyama{}, options), "options.reference_dt");
  options.reference_dt = 1.0 / 12;
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(gbm_problem(), EulerMaruyama{}, options), "options.reference_dt");
  options = gbm_options();
  options.dts = {1.0 / 65537, 1.0 / 65539};  // coprime: lcm = 65537 * 65539 > 2^32
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(gbm_problem(), EulerMaruyama{}, options), "lcm of the step counts");
  options = gbm_options();
  options.groups = 1;  // a jackknife needs two groups
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(gbm_problem(), EulerMaruyama{}, options), "options.groups");
  options.groups = options.paths + 1;  // a group without paths
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(gbm_problem(), EulerMaruyama{}, options), "options.groups");
  options = gbm_options();
  options.paths_in_memory = 0;
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(gbm_problem(), EulerMaruyama{}, options), "options.paths_in_memory");
  options = gbm_options();
  options.strong_correction_order = 0.0;
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(gbm_problem(), EulerMaruyama{}, options),
                            "options.strong_correction_order");
  const process::LinearSde ou(-Eigen::MatrixXd::Ones(1, 1), Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Ones(1, 1));
  const SdeProblem linear(ou.sde(), InitialLaw::point(Eigen::VectorXd::Zero(1)), 0.0, 1.0, 5);
  KOLMO_EXPECT_THROW_NAMING((void)study_convergence(linear, ExactLinear{0.0, ou}, gbm_options()), "scheme");
}

}  // namespace
}  // namespace kolmo::sde
