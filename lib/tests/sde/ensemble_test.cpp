#include "kolmo/sde/ensemble.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/process/geometric_brownian_motion.hpp"
#include "kolmo/process/linear_sde.hpp"
#include "kolmo/random/brownian_increments.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/milstein.hpp"
#include "support/expect_error.hpp"

namespace kolmo::sde {
namespace {

constexpr std::uint64_t seed = 2718;

// Brownian motion with drift v and G: Euler–Maruyama is exact, X_T = x0 + v T + G W_T.
const process::LinearSde brownian = process::LinearSde::brownian_motion(
    (Eigen::VectorXd(2) << 0.5, -1.0).finished(), (Eigen::MatrixXd(2, 2) << 1.0, 0.0, 0.3, 0.7).finished());
const Eigen::VectorXd x0 = (Eigen::VectorXd(2) << 1.0, 2.0).finished();

SdeProblem brownian_problem(double t0, double t1) {
  return SdeProblem(brownian.sde("bm"), InitialLaw::point(x0), t0, t1, seed);
}

TEST(Ensemble, EulerMaruyamaOnBrownianMotionWithDriftIsItsExactSolution) {
  for (auto [t0, t1] : {std::pair{0.0, 1.0}, std::pair{1.0, -1.0}}) {  // forwards and backwards
    const auto solution = solve(brownian_problem(t0, t1), EulerMaruyama{(t1 - t0) / 16}, {.paths = 301, .threads = 2});
    ASSERT_TRUE(solution.status.ok());
    const random::BrownianIncrements w(seed, t0, t1, 16, 2);
    for (std::uint64_t p : {0u, 17u, 300u}) {
      const Eigen::Vector2d w_t(w.increment(p, 0, 0, 16), w.increment(p, 1, 0, 16));
      const Eigen::Vector2d exact = x0 + brownian.drift_offset() * (t1 - t0) + brownian.diffusion_matrix() * w_t;
      for (Eigen::Index c = 0; c < 2; ++c) {
        EXPECT_NEAR(solution.terminal(static_cast<Eigen::Index>(p), c), exact(c), 1e-13) << "path " << p;
      }
    }
    EXPECT_EQ(solution.stats.steps, 16u);
    EXPECT_EQ(solution.stats.drift_evaluations, 16u * 301u);
  }
}

EnsembleOptions observed(std::uint64_t paths, int threads) {
  EnsembleOptions options{.paths = paths, .threads = threads};
  options.observe.snapshot_times = {0.0, 0.5};
  options.observe.moment_times = {0.25, 1.0};
  options.observe.histograms = {{1.0, 0, {-1.0, 0.0, 0.5, 1.0, 2.0}}};
  return options;
}

TEST(Ensemble, ResultsAreBitIdenticalForAnyThreadCountAndAnySplitOfPaths) {
  const process::GeometricBrownianMotion gbm(0.5, 0.8);
  const SdeProblem problem(gbm.sde(), InitialLaw::gaussian(Eigen::VectorXd::Ones(1), Eigen::MatrixXd::Constant(1, 1, 0.1)),
                           0.0, 1.0, seed);
  const auto one = solve(problem, Milstein{1.0 / 32}, observed(5000, 1));
  const auto three = solve(problem, Milstein{1.0 / 32}, observed(5000, 3));
  EXPECT_TRUE((one.terminal == three.terminal).all());
  EXPECT_TRUE((one.snapshots[1].states == three.snapshots[1].states).all());
  EXPECT_EQ(one.moments[1].moments.mean()(0), three.moments[1].moments.mean()(0));
  EXPECT_EQ(one.moments[1].moments.co_moment()(0, 0), three.moments[1].moments.co_moment()(0, 0));
  EXPECT_EQ(one.histograms[0].counts, three.histograms[0].counts);

  EnsembleOptions second_half = observed(2000, 2);
  second_half.first_path = 3000;
  const auto part = solve(problem, Milstein{1.0 / 32}, second_half);
  EXPECT_TRUE((part.terminal == one.terminal.bottomRows(2000)).all());
}

TEST(Ensemble, ObserversAgreeWithTheTerminalStatesAndTheInitialLaw) {
  const process::GeometricBrownianMotion gbm(0.5, 0.8);
  const SdeProblem problem(gbm.sde(), InitialLaw::point(Eigen::VectorXd::Ones(1)), 0.0, 1.0, seed);
  const auto solution = solve(problem, EulerMaruyama{1.0 / 8}, observed(3000, 2));
  EXPECT_TRUE((solution.snapshots[0].states == 1.0).all());
  stats::RunningCovariance direct(1);
  direct.add_rows(solution.terminal.matrix());
  EXPECT_NEAR(solution.moments[1].moments.mean()(0), direct.mean()(0), 1e-14);
  EXPECT_NEAR(solution.moments[1].moments.covariance()(0, 0), direct.covariance()(0, 0), 1e-13);
  const Histogram& histogram = solution.histograms[0];
  EXPECT_EQ(histogram.total(), 3000u);
  std::uint64_t in_last_bin = 0, below = 0;
  for (Eigen::Index i = 0; i < 3000; ++i) {
    const double x = solution.terminal(i, 0);
    in_last_bin += (x >= 1.0 && x <= 2.0) ? 1 : 0;
    below += x < -1.0 ? 1 : 0;
  }
  EXPECT_EQ(histogram.counts[3], in_last_bin);
  EXPECT_EQ(histogram.below, below);
}

TEST(Ensemble, ANonFinitePathIsStoppedReportedAndLeftOutOfStatistics) {
  // dX = X² dt blows up in finite time from X0 = 1 (at t = 1) but not from X0 = −1.
  const process::Sde blow_up = process::Sde::additive(
      "blow-up", 1, 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x.square(); },
      [](double) -> Eigen::MatrixXd { return Eigen::MatrixXd::Zero(1, 1); });
  Eigen::ArrayXXd starts(4, 1);
  starts << -1.0, 1.0, -1.0, 1.0;
  const SdeProblem problem(blow_up, InitialLaw::points(starts), 0.0, 3.0, seed);
  EnsembleOptions options{.paths = 4};
  options.observe.moment_times = {3.0};
  const auto solution = solve(problem, EulerMaruyama{3.0 / 192}, options);
  EXPECT_EQ(solution.status.code, StatusCode::non_finite);
  ASSERT_EQ(solution.failures.size(), 2u);
  EXPECT_EQ(solution.failures[0].path, 1u);
  EXPECT_EQ(solution.failures[1].path, 3u);
  EXPECT_GT(solution.failures[0].time, 1.0);
  EXPECT_NE(solution.status.where.find("path 1 at t = "), std::string::npos) << solution.status.where;
  EXPECT_TRUE(std::isnan(solution.terminal(1, 0)));
  EXPECT_EQ(solution.moments[0].moments.count(), 2u);
  EXPECT_EQ(solution.moments[0].left_out, 2u);  // the moments say what they dropped
  EXPECT_NEAR(solution.moments[0].moments.mean()(0), solution.terminal(0, 0), 1e-15);
}

TEST(Ensemble, TheSameFineBrownianGridGivesTheSamePathAtEveryStepSize) {
  // With brownian_fine_steps fixed, EM on Brownian motion with drift is exact at any dt, so
  // the terminal states at dt and dt/3 agree to rounding: the path is the same.
  const SdeProblem problem = brownian_problem(0.0, 1.0);
  const auto coarse = solve(problem, EulerMaruyama{1.0 / 4}, {.paths = 100, .brownian_fine_steps = 12});
  const auto fine = solve(problem, EulerMaruyama{1.0 / 12}, {.paths = 100, .brownian_fine_steps = 12});
  EXPECT_LT((coarse.terminal - fine.terminal).abs().maxCoeff(), 1e-13);
}

TEST(Ensemble, BadInputIsAClearError) {
  const SdeProblem problem = brownian_problem(0.0, 1.0);
  const EnsembleOptions ok{.paths = 10};
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{-0.1}, ok), "dt");
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{2.0}, ok), "dt");
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{0.3}, ok), "dt");
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{0.0}, ok), "dt");
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{0.1}, {.paths = 0}), "options.paths");
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{0.1}, {.paths = 1, .threads = 0}), "options.threads");
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{0.1}, {.paths = 1, .brownian_fine_steps = 15}),
                            "options.brownian_fine_steps");
  EnsembleOptions outside{.paths = 1};
  outside.observe.snapshot_times = {1.5};
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{0.1}, outside), "observe.snapshot_times[0]");
  EnsembleOptions off_grid{.paths = 1};
  off_grid.observe.moment_times = {0.5, 0.33};
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{0.1}, off_grid), "observe.moment_times[1]");
  EnsembleOptions edges{.paths = 1};
  edges.observe.histograms = {{1.0, 0, {0.0, 1.0, 0.5}}};
  KOLMO_EXPECT_THROW_NAMING((void)solve(problem, EulerMaruyama{0.1}, edges), "observe.histograms[0].edges[2]");
}

TEST(SdeProblem, MismatchedDimensionsFailAtConstructionNamingTheShapes) {
  KOLMO_EXPECT_THROW_NAMING(SdeProblem(brownian.sde(), InitialLaw::point(Eigen::VectorXd::Ones(3)), 0.0, 1.0, seed),
                            "initial.dimension()");
  const process::Sde wrong_g = process::Sde::general(
      "wrong-g", 2, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Ones(x.rows(), 2); });
  try {
    SdeProblem(wrong_g, InitialLaw::point(x0), 0.0, 1.0, seed);
    FAIL() << "expected kolmo::Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("'diffusion(t, x)' = 1x2"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("1x4"), std::string::npos) << error.what();
  }
  KOLMO_EXPECT_THROW_NAMING(SdeProblem(brownian.sde(), InitialLaw::point(x0), 1.0, 1.0, seed), "t1");
  KOLMO_EXPECT_THROW_NAMING((void)solve(SdeProblem(brownian.sde(), InitialLaw::points(Eigen::ArrayXXd::Ones(3, 2)), 0.0, 1.0, seed),
                                  EulerMaruyama{0.5}, {.paths = 4}),
                            "options.first_path + options.paths");
}

}  // namespace
}  // namespace kolmo::sde
