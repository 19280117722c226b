#include "kolmo/score/grid_oracle_score.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "kolmo/pde/theta_method.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

// OU dX = −X dt + dW from N(1, 0.1), solved by Crank–Nicolson on 200 cells of [−4, 4] with
// snapshots every 0.05 up to 0.5: the series a reverse-time sampler would be given.
pde::DensitySeries ou_series() {
  const process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);
  const pde::Grid grid({{-4.0, 4.0, 200}});
  const pde::DensityField start = pde::DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
    return (-(x.col(0) - 1.0).square() / 0.2).exp();
  });
  std::vector<double> times;
  for (int j = 1; j <= 10; ++j) times.push_back(0.05 * j);
  const auto solution = pde::solve({pde::FokkerPlanck(ou.sde(), grid), start, times.back()},
                                   {.dt = 0.01}, {.snapshot_times = times});
  std::vector<pde::DensityField> fields{start};
  fields.insert(fields.end(), solution.snapshots.begin(), solution.snapshots.end());
  return pde::DensitySeries(std::move(fields));
}

Eigen::ArrayXXd points() { return Eigen::ArrayXXd(Eigen::ArrayXd::LinSpaced(301, -5.0, 5.0)); }

TEST(GridOracleScore, IsTheDensitySeriesScoreBitForBit) {
  const pde::DensitySeries series = ou_series();
  const ScoreModel model = grid_oracle_score(series);
  EXPECT_EQ(model.dimension(), 1u);
  for (double t : {0.0, 0.05, 0.1234, 0.3, 0.49, 0.5}) {
    const Eigen::ArrayXXd expected = series.score(points(), t, pde::TimeInterpolation::cubic);
    EXPECT_TRUE((model.score(t, points()) == expected).all()) << t;
  }
  const ScoreModel linear = grid_oracle_score(series, {.time_interpolation = pde::TimeInterpolation::linear});
  EXPECT_TRUE((linear.score(0.1234, points()) == series.score(points(), 0.1234, pde::TimeInterpolation::linear)).all());
  // The two interpolations differ between snapshots: the option is honoured.
  EXPECT_FALSE((linear.score(0.1234, points()) == model.score(0.1234, points())).all());
}

TEST(GridOracleScore, RepeatedAndEvictedTimesGiveTheSameBits) {
  const ScoreModel model = grid_oracle_score(ou_series(), {.cached_times = 2});
  const Eigen::ArrayXXd first = model.score(0.2, points());
  // 0.2 leaves a two-entry cache after 0.3 and 0.4, and is rebuilt.
  for (double t : {0.2, 0.3, 0.2, 0.4, 0.3}) (void)model.score(t, points());
  EXPECT_TRUE((model.score(0.2, points()) == first).all());
  EXPECT_EQ(model.evaluations(), 7u * 301u);
}

TEST(GridOracleScore, ThreadsAskingAtOneOrManyTimesAgreeWithOneThread) {
  const ScoreModel model = grid_oracle_score(ou_series());
  const std::vector<double> times = {0.11, 0.11, 0.37, 0.11, 0.42, 0.37, 0.05, 0.11};
  std::vector<Eigen::ArrayXXd> serial;
  for (double t : times) serial.push_back(grid_oracle_score(ou_series()).score(t, points()));
  std::vector<Eigen::ArrayXXd> threaded(times.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < times.size(); ++i) {
    threads.emplace_back([&, i] { threaded[i] = model.score(times[i], points()); });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t i = 0; i < times.size(); ++i) EXPECT_TRUE((threaded[i] == serial[i]).all()) << i;
}

TEST(GridOracleScore, RejectsTimesOutsideTheSeriesAndUnusableOptions) {
  const ScoreModel model = grid_oracle_score(ou_series());
  KOLMO_EXPECT_THROW_NAMING((void)model.score(0.6, points()), "t");
  KOLMO_EXPECT_THROW_NAMING((void)model.score(0.1, Eigen::ArrayXXd::Zero(3, 2)), "x");
  KOLMO_EXPECT_THROW_NAMING((void)grid_oracle_score(ou_series(), {.cached_times = 0}), "options.cached_times");
  const pde::DensitySeries series = ou_series();
  const pde::DensitySeries three({series.fields()[0], series.fields()[1], series.fields()[2]});
  KOLMO_EXPECT_THROW_NAMING((void)grid_oracle_score(three), "series.fields().size()");
  EXPECT_NO_THROW((void)grid_oracle_score(three, {.time_interpolation = pde::TimeInterpolation::linear}));
}

}  // namespace
}  // namespace kolmo::score
