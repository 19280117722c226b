#include "kolmo/ode/ensemble.hpp"

#include <gtest/gtest.h>

#include <cmath>

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

TEST(FlowEnsemble, EveryPathCarriesMinusTimeTimesTheTraceAndMatchesSingleIntegrations) {
  const FlowEnsembleSolution result = solve({linear(), gaussian, 0.0, 1.0, 17}, DormandPrince{1e-10, 1e-10}, options(2));
  ASSERT_TRUE(result.ensemble.status.ok());
  EXPECT_TRUE((result.log_density_change - (-a.trace())).abs().maxCoeff() < 1e-9);
  const Eigen::ArrayXXd x0 = gaussian.sample(17, 0, 2500);
  for (Eigen::Index p : {0, 1234, 2499}) {
    IntegrateOptions single;
    single.observe_times = {0.5};
    const TrajectorySolution path = integrate(linear(), x0.row(p).transpose(), 0.0, 1.0, DormandPrince{1e-10, 1e-10}, single);
    EXPECT_TRUE((result.ensemble.terminal.row(p).transpose().matrix() - path.state).norm() < 1e-14);
    EXPECT_TRUE((result.ensemble.snapshots[0].states.row(p).transpose().matrix() - path.observed[0]).norm() < 1e-14);
  }
  EXPECT_EQ(result.ensemble.histograms[0].total(), 2500u);
  EXPECT_EQ(result.ensemble.moments[0].moments.count(), 2500u);
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
