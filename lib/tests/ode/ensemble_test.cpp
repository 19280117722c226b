#include "kolmo/ode/ensemble.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <vector>

#include "kolmo/ode/integrate.hpp"
#include "support/expect_error.hpp"

namespace kolmo::ode {
namespace {

const Eigen::Matrix2d a = (Eigen::Matrix2d() << -0.4, 1.2, -0.3, 0.1).finished();

Flow linear() {
  Flow flow("linear", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return (x.matrix() * a.transpose()).array();
  });
  flow.with_divergence([](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return Eigen::ArrayXXd::Constant(x.rows(), 1, a.trace());
  });
  return flow;
}

const ensemble::InitialLaw gaussian = ensemble::InitialLaw::gaussian(Eigen::Vector2d(0.5, -0.5), Eigen::Matrix2d::Identity() * 0.2);

FlowEnsembleOptions options(int threads) {
  FlowEnsembleOptions o{.paths = 2500, .threads = threads};
  o.observe.snapshot_times = {0.5};
  o.observe.moment_times = {1.0, 0.5};
  o.observe.histograms = {{1.0, 1, {-2.0, -1.0, 0.0, 1.0, 2.0}}};
  o.log_density = ExactDivergence{};
  return o;
}

/// The exact flow map of the linear flow: x(t) = exp(A t) x0.
Eigen::ArrayXXd exact_linear(const Eigen::ArrayXXd& x0, double t) {
  Eigen::EigenSolver<Eigen::Matrix2d> eigen(a * t);
  const Eigen::Matrix2d expm =
      (eigen.eigenvectors() * eigen.eigenvalues().array().exp().matrix().asDiagonal() * eigen.eigenvectors().inverse()).real();
  return (x0.matrix() * expm.transpose()).array();
}

TEST(FlowEnsemble, EveryPathCarriesMinusTimeTimesTheTraceAndMeetsTheTolerance) {
  const FlowEnsembleSolution result = solve({linear(), gaussian, 0.0, 1.0, 17}, DormandPrince{1e-10, 1e-10}, options(2));
  ASSERT_TRUE(result.ensemble.status.ok());
  EXPECT_TRUE((result.log_density_change - (-a.trace())).abs().maxCoeff() < 1e-9);
  const Eigen::ArrayXXd x0 = gaussian.sample(17, 0, 2500);
  // Global error of a tolerance-1e-10 integration over unit time of a flow with |A| ~ 1: < 1e-8.
  EXPECT_LT((result.ensemble.terminal - exact_linear(x0, 1.0)).abs().maxCoeff(), 1e-8);
  EXPECT_LT((result.ensemble.snapshots[0].states - exact_linear(x0, 0.5)).abs().maxCoeff(), 1e-8);
  EXPECT_EQ(result.ensemble.histograms[0].total(), 2500u);
  EXPECT_EQ(result.ensemble.moments[0].moments.count(), 2500u);
}

TEST(FlowEnsemble, FixedStepBatchesEqualSingleIntegrationsForEveryDivergenceMethod) {
  // Rk4 takes the same steps in a batch as alone: the batch must reproduce ode::integrate to
  // round-off, log-density (exact, finite-difference and Hutchinson with the same probes) included.
  Flow no_divergence("linear without divergence", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return (x.matrix() * a.transpose()).array();
  });
  const std::vector<DivergenceMethod> methods{ExactDivergence{}, FiniteDifference{}, Hutchinson{.probes = 3}};
  for (const DivergenceMethod& method : methods) {
    const Flow& flow = std::holds_alternative<ExactDivergence>(method) ? linear() : no_divergence;
    FlowEnsembleOptions o{.paths = 300, .log_density = method};
    o.observe.snapshot_times = {0.5};
    const FlowEnsembleSolution batch = solve({flow, gaussian, 0.0, 1.0, 23}, Rk4{0.05}, o);
    ASSERT_TRUE(batch.ensemble.status.ok());
    const Eigen::ArrayXXd x0 = gaussian.sample(23, 0, 300);
    for (Eigen::Index p : {0, 171, 299}) {
      const TrajectorySolution path = integrate(flow, x0.row(p).transpose(), 0.0, 1.0, Rk4{0.05},
                                                {.log_density = method, .observe_times = {0.5}, .seed = 23,
                                                 .path = static_cast<std::uint64_t>(p)});
      EXPECT_LT((batch.ensemble.terminal.row(p).transpose().matrix() - path.state).norm(), 1e-14);
      EXPECT_LT((batch.ensemble.snapshots[0].states.row(p).transpose().matrix() - path.observed[0]).norm(), 1e-14);
      EXPECT_NEAR(batch.log_density_change(p), path.log_density_change, 1e-12);
      EXPECT_NEAR(batch.log_density_standard_error(p), path.log_density_standard_error, 1e-12);
    }
  }
}

TEST(FlowEnsemble, AHardPathIsIntegratedAloneAndDoesNotSlowItsBatch) {
  // y' = −λ y with λ a constant second component: λ = 300 on one path of 256, λ = 1 elsewhere.
  // With one shared step the batch would take the hard path's steps; with per-path control it
  // costs about what the paths cost integrated one by one.
  const Flow decay("decay", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd v = Eigen::ArrayXXd::Zero(x.rows(), 2);
    v.col(0) = -x.col(1) * x.col(0);
    return v;
  });
  Eigen::ArrayXXd starts(256, 2);
  starts.col(0) = Eigen::ArrayXd::LinSpaced(256, 0.5, 1.5);
  starts.col(1) = 1.0;
  starts(100, 1) = 300.0;
  const DormandPrince method{1e-9, 1e-9};
  const FlowEnsembleSolution batch = solve({decay, ensemble::InitialLaw::points(starts), 0.0, 1.0, 1}, method, {.paths = 256});
  ASSERT_TRUE(batch.ensemble.status.ok());
  std::uint64_t alone = 0;
  for (Eigen::Index p = 0; p < 256; ++p) {
    const TrajectorySolution path = integrate(decay, starts.row(p).transpose(), 0.0, 1.0, method);
    alone += path.velocity_evaluations;
    const double exact = starts(p, 0) * std::exp(-starts(p, 1));
    EXPECT_NEAR(batch.ensemble.terminal(p, 0), exact, 1e-8) << "path " << p;
  }
  EXPECT_LT(static_cast<double>(batch.velocity_evaluations), 1.5 * static_cast<double>(alone));
}

TEST(FlowEnsemble, HardPathsLeaveAndRejoinTheirBatchWithTheirOwnProbes) {
  // The decay flow above with Hutchinson's log-density (K = 3 Gaussian probes) and four hard
  // paths (λ = 300: 3, 100, 101, 200), which leave the batch at their own steps and rejoin it at
  // the end; the batch keeps its states, derivatives and probes in place as they leave. Every
  // path's log-density change must be the one it gets integrated alone with its own probes (the
  // same addresses): zᵀ J z = −λ z_0² − x_0 z_0 z_1, so another path's probes would move it by
  // O(λ). Both solve to 1e-9, so 1e-6 (1 + |Δℓ|) bounds their difference. Once with the forms
  // supplied fused, once with none (central differences of v along z).
  const auto velocity = [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd v = Eigen::ArrayXXd::Zero(x.rows(), 2);
    v.col(0) = -x.col(1) * x.col(0);
    return v;
  };
  Flow fused("decay with forms", 2, velocity);
  fused.with_jacobian_quadratic_forms([](double, const process::StateView& x, const process::StateView& z) {
    const Eigen::Index n = x.rows();
    Eigen::ArrayXXd forms(n, z.rows() / n);
    for (Eigen::Index k = 0; k < forms.cols(); ++k) {
      const auto zk = z.middleRows(k * n, n);
      forms.col(k) = -x.col(1) * zk.col(0).square() - x.col(0) * zk.col(0) * zk.col(1);
    }
    return forms;
  });
  const Flow by_differences("decay", 2, velocity);
  Eigen::ArrayXXd starts(256, 2);
  starts.col(0) = Eigen::ArrayXd::LinSpaced(256, 0.5, 1.5);
  starts.col(1) = 1.0;
  for (Eigen::Index hard : {3, 100, 101, 200}) starts(hard, 1) = 300.0;
  const DormandPrince method{1e-9, 1e-9};
  const Hutchinson probes{.probes = 3, .kind = ProbeKind::gaussian};
  for (const Flow* flow : std::vector<const Flow*>{&fused, &by_differences}) {
    const FlowEnsembleSolution batch =
        solve({*flow, ensemble::InitialLaw::points(starts), 0.0, 1.0, 5}, method, {.paths = 256, .log_density = probes});
    ASSERT_TRUE(batch.ensemble.status.ok());
    for (Eigen::Index p : {0, 3, 4, 99, 100, 101, 102, 200, 255}) {
      const TrajectorySolution path = integrate(*flow, starts.row(p).transpose(), 0.0, 1.0, method,
                                                {.log_density = probes, .seed = 5, .path = static_cast<std::uint64_t>(p)});
      EXPECT_NEAR(batch.ensemble.terminal(p, 0), path.state(0), 1e-8) << flow->name() << ", path " << p;
      EXPECT_NEAR(batch.log_density_change(p), path.log_density_change, 1e-6 * (1.0 + std::abs(path.log_density_change)))
          << flow->name() << ", path " << p;
      EXPECT_NEAR(batch.log_density_standard_error(p), path.log_density_standard_error,
                  1e-6 * (1.0 + path.log_density_standard_error))
          << flow->name() << ", path " << p;
    }
  }
}

TEST(FlowEnsemble, ResultsAreBitIdenticalForAnyThreadCount) {
  const FlowEnsembleSolution one = solve({linear(), gaussian, 0.0, 1.0, 17}, DormandPrince{}, options(1));
  const FlowEnsembleSolution three = solve({linear(), gaussian, 0.0, 1.0, 17}, DormandPrince{}, options(3));
  EXPECT_TRUE((one.ensemble.terminal == three.ensemble.terminal).all());
  EXPECT_TRUE((one.log_density_change == three.log_density_change).all());
  EXPECT_EQ(one.ensemble.moments[1].moments.co_moment()(0, 1), three.ensemble.moments[1].moments.co_moment()(0, 1));
  EXPECT_EQ(one.ensemble.histograms[0].counts, three.ensemble.histograms[0].counts);
}

TEST(FlowEnsemble, AFailedPathIsReportedAndLeftOutOfStatistics) {
  const Flow blow_up("blow-up", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x.square(); });
  Eigen::ArrayXXd starts(4, 1);
  starts << -1.0, 1.0, -1.0, 1.0;
  FlowEnsembleOptions o{.paths = 4};
  o.observe.moment_times = {2.0};
  const FlowEnsembleSolution result =
      solve({blow_up, ensemble::InitialLaw::points(starts), 0.0, 2.0, 1}, DormandPrince{1e-8, 1e-8, 5000}, o);
  EXPECT_FALSE(result.ensemble.status.ok());
  ASSERT_EQ(result.ensemble.failures.size(), 2u);
  EXPECT_EQ(result.ensemble.failures[0].path, 1u);
  EXPECT_LE(result.ensemble.failures[0].time, 1.0 + 1e-6);  // the exact solution 1/(1 − t) blows up at t = 1
  EXPECT_EQ(result.ensemble.moments[0].moments.count(), 2u);
  EXPECT_TRUE(std::isnan(result.ensemble.terminal(3, 0)));
}

TEST(FlowEnsemble, BadInputIsAClearError) {
  KOLMO_EXPECT_THROW_NAMING(
      (void)solve({linear(), ensemble::InitialLaw::point(Eigen::VectorXd::Ones(3)), 0.0, 1.0, 1}, DormandPrince{}, {.paths = 1}),
      "initial.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)solve({linear(), gaussian, 0.0, 1.0, 1}, DormandPrince{}, {.paths = 0}), "options.paths");
  FlowEnsembleOptions outside{.paths = 1};
  outside.observe.moment_times = {3.0};
  KOLMO_EXPECT_THROW_NAMING((void)solve({linear(), gaussian, 0.0, 1.0, 1}, DormandPrince{}, outside), "observation time");
}

}  // namespace
}  // namespace kolmo::ode
