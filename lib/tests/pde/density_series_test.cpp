#include "kolmo/pde/density_series.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/expect_error.hpp"

namespace kolmo::pde {
namespace {

const Grid grid({{0.0, 1.0, 6}});

/// Cell values that are a polynomial of degree `degree` in t (positive on t ∈ [0, 2]).
DensityField at_time(double t, int degree) {
  Eigen::VectorXd values(6);
  for (Eigen::Index i = 0; i < 6; ++i) values[i] = 5.0 + static_cast<double>(i) * std::pow(t, degree) - std::pow(t, degree - 1);
  return {grid, values, t};
}

DensitySeries series(int degree) {
  std::vector<DensityField> fields;
  for (double t : {0.0, 0.3, 0.5, 1.1, 1.4, 2.0}) fields.push_back(at_time(t, degree));  // non-uniform
  return DensitySeries(std::move(fields));
}

TEST(DensitySeries, LinearIsExactForLinearAndCubicForCubicTimeDependence) {
  for (double t : {0.0, 0.1, 0.5, 0.77, 1.9, 2.0}) {
    EXPECT_LT((series(1).at(t).values() - at_time(t, 1).values()).cwiseAbs().maxCoeff(), 1e-13) << t;
    EXPECT_LT((series(3).at(t, TimeInterpolation::cubic).values() - at_time(t, 3).values()).cwiseAbs().maxCoeff(), 1e-12)
        << t;
    EXPECT_DOUBLE_EQ(series(3).at(t).time(), t);
  }
  // Linear interpolation of a cubic is not exact (the check can fail).
  EXPECT_GT((series(3).at(0.77).values() - at_time(0.77, 3).values()).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(DensitySeries, ScoreIsTheGridScoreOfTheInterpolatedField) {
  Eigen::ArrayXXd x(3, 1);
  x << 0.1, 0.45, 0.93;
  const DensitySeries s = series(2);
  const Eigen::ArrayXXd expected = GridScore(s.at(0.8)).at(x);
  EXPECT_LT((s.score(x, 0.8) - expected).abs().maxCoeff(), 1e-15);
}

TEST(DensitySeries, RejectsInconsistentFieldsAndTimesOutsideTheSeries) {
  KOLMO_EXPECT_THROW_NAMING(DensitySeries({at_time(0.0, 1)}), "fields.size()");
  KOLMO_EXPECT_THROW_NAMING(DensitySeries({at_time(0.5, 1), at_time(0.5, 1)}), "fields[1].time()");
  const DensityField other(Grid({{0.0, 1.0, 7}}), Eigen::VectorXd::Ones(7), 1.0);
  KOLMO_EXPECT_THROW_NAMING(DensitySeries({at_time(0.0, 1), other}), "fields[1].grid()");
  KOLMO_EXPECT_THROW_NAMING((void)series(1).at(2.5), "t");
  const DensitySeries short_series({at_time(0.0, 1), at_time(1.0, 1), at_time(2.0, 1)});
  KOLMO_EXPECT_THROW_NAMING((void)short_series.at(0.5, TimeInterpolation::cubic), "fields().size()");
}

}  // namespace
}  // namespace kolmo::pde
