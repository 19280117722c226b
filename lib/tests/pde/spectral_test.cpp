#include "kolmo/pde/spectral.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "kolmo/pde/etdrk4.hpp"
#include "support/expect_error.hpp"

namespace kolmo::pde {
namespace {

constexpr double two_pi = 2 * std::numbers::pi;
constexpr double epsilon = std::numeric_limits<double>::epsilon();

Grid circle(std::size_t cells) { return Grid({{0.0, two_pi, cells, Boundary::periodic}}); }

/// dX = c(t) dt + σ dW in 1-D: D = σ²/2, drift constant in x.
process::Sde drifting(std::function<double(double)> c, double sigma) {
  return process::Sde::additive(
      "drifting", 1, 1,
      [c](double t, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Constant(x.rows(), 1, c(t)); },
      [sigma](double) { return Eigen::MatrixXd::Constant(1, 1, sigma); });
}

/// Overdamped Langevin on the circle: dX = −U'(X) dt + √(2D) dW with U = cos x, so f = sin x.
process::Sde cosine_langevin(double diffusion) {
  return process::Sde::additive(
      "cosine-langevin", 1, 1,
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x.col(0).sin(); },
      [diffusion](double) { return Eigen::MatrixXd::Constant(1, 1, std::sqrt(2 * diffusion)); })
      .with_time_dependence(process::TimeDependence::autonomous);
}

Eigen::VectorXd on_nodes(const Grid& grid, const std::function<double(double, double)>& p) {
  const Eigen::ArrayXXd x = grid.centers();
  Eigen::VectorXd values(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) values(i) = p(x(i, 0), grid.dimension() > 1 ? x(i, 1) : 0.0);
  return values;
}

// --- the ETDRK4 coefficients -------------------------------------------------------------

// Tolerance of the contour means: a contour point can pass 2 sin(π/4M) ≈ 0.049 from 0, where the f
// numerators cancel to ~|w|³/6 from O(1) terms: a relative error ≲ 6ε/|w|³ ≈ 1e-11 at that one
// point, averaged over M = 32 points and weighted by |w|³ there: ≲ 1e-12 on the coefficient. The
// closed forms below are evaluated where they cancel by at most a factor ~50 (z = −1).
constexpr double weight_tolerance = 1e-12;

TEST(Etdrk4Weights, BecomeClassicalRungeKuttaAtZeroAndFollowTheirTaylorSeriesNearIt) {
  const double h = 0.25;
  const Etdrk4Weights at_zero = etdrk4_weights(0.0, h);
  EXPECT_EQ(at_zero.e, 1.0);
  EXPECT_NEAR(at_zero.q, h / 2, weight_tolerance * h);
  for (double f : {at_zero.f1, at_zero.f2, at_zero.f3}) EXPECT_NEAR(f, h / 6, weight_tolerance * h);

  // First-order Taylor terms (φ_k(z) = Σ_j z^j/(j + k)!); the z² terms are ~1e-17 here.
  const double z = -1e-8;
  const Etdrk4Weights near_zero = etdrk4_weights(z, h);
  EXPECT_NEAR(near_zero.q, h * (0.5 + z / 8), weight_tolerance * h);
  EXPECT_NEAR(near_zero.f1, h * (1.0 / 6 + z / 6), weight_tolerance * h);
  EXPECT_NEAR(near_zero.f2, h * (1.0 / 6 + z / 12), weight_tolerance * h);
  EXPECT_NEAR(near_zero.f3, h * (1.0 / 6), weight_tolerance * h);
  EXPECT_NE(near_zero.f1, at_zero.f1);  // the z term is seen (1e-8 relative, far above the tolerance)
}

TEST(Etdrk4Weights, MatchTheClosedFormsAwayFromZero) {
  const double h = 0.1;
  for (double z : {-1.0, -100.0, -1e4}) {
    const double e = std::exp(z), z3 = z * z * z;
    const Etdrk4Weights w = etdrk4_weights(z, h);
    EXPECT_EQ(w.e, e);
    EXPECT_EQ(w.e_half, std::exp(z / 2));
    const auto near = [&](double measured, double exact) { EXPECT_NEAR(measured, exact, weight_tolerance * std::abs(exact)) << "z = " << z; };
    near(w.q, h * (std::exp(z / 2) - 1) / z);
    near(w.f1, h * (-4 - z + e * (4 - 3 * z + z * z)) / z3);
    near(w.f2, h * (2 + z + e * (z - 2)) / z3);
    near(w.f3, h * (-4 - 3 * z - z * z + e * (4 - z)) / z3);
  }
}

TEST(Etdrk4Weights, RejectAPositiveArgumentOrStep) {
  KOLMO_EXPECT_THROW_NAMING((void)etdrk4_weights(0.5, 0.1), "z");
  KOLMO_EXPECT_THROW_NAMING((void)etdrk4_weights(-1.0, 0.0), "h");
}

// --- the operator ----------------------------------------------------------------------------

TEST(SpectralFokkerPlanck, TransformsRoundTripAndTheSymbolIsMinusKappaDKappa) {
  const Grid grid({{0.0, two_pi, 8, Boundary::periodic}, {0.0, 2 * two_pi, 6, Boundary::periodic}});
  Eigen::MatrixXd g(2, 2);
  g << 1.0, 0.0, 0.6, 0.8;  // D = ½ g gᵀ = [[0.5, 0.3], [0.3, 0.5]]
  const SpectralFokkerPlanck fp(process::Sde::additive("zero drift", 2, 2,
                                                       [](double, const process::StateView& x) -> Eigen::ArrayXXd {
                                                         return Eigen::ArrayXXd::Zero(x.rows(), 2);
                                                       },
                                                       [g](double) { return g; }),
                                grid);
  EXPECT_EQ(fp.modes(), 5u * 6u);  // (⌊8/2⌋ + 1) × 6
  EXPECT_NEAR(fp.diffusion()(0, 1), 0.3, 1e-16);
  // Mode (m_0, m_1) = (1, −1) is stored at 1 + 5 · 5; κ = (1, −½).
  EXPECT_NEAR(fp.linear_symbol()(1 + 5 * 5), -(0.5 * 1 + 2 * 0.3 * 1 * -0.5 + 0.5 * 0.25), 1e-15);
  const Eigen::VectorXd p = Eigen::VectorXd::LinSpaced(48, 1.0, 2.0);
  EXPECT_LT((fp.inverse_transform(fp.transform(p)) - p).cwiseAbs().maxCoeff(), 8 * epsilon);
  EXPECT_EQ(fp.transforms(), 2u);
}

TEST(SpectralFokkerPlanck, TheGibbsDensityOfAGradientDriftIsStationary) {
  // f = −U′, U = cos x, D = ½: L p + N(p) vanishes at p ∝ e^{−U/D} = e^{−2 cos x}, whose
  // Fourier coefficients I_m(2) fall below 1e-19 beyond m = 64/3; what remains is the round-off
  // of D κ² p at the largest kept κ: ~ D (n/2)² ε max p ≈ 1e-13 max p.
  const Grid grid = circle(64);
  const SpectralFokkerPlanck fp(cosine_langevin(0.5), grid);
  const Eigen::VectorXd gibbs = on_nodes(grid, [](double x, double) { return std::exp(-2 * std::cos(x)); });
  const Eigen::VectorXd rate = fp.time_derivative(0.0, gibbs);
  EXPECT_LT(rate.cwiseAbs().maxCoeff(), 0.5 * 32 * 32 * 16 * epsilon * gibbs.maxCoeff());
  // ... and a wrong sign of the drift would make it far from stationary.
  const Eigen::VectorXd anti = on_nodes(grid, [](double x, double) { return std::exp(2 * std::cos(x)); });
  EXPECT_GT(fp.time_derivative(0.0, anti).cwiseAbs().maxCoeff(), 0.1 * anti.maxCoeff());
}

// --- ETDRK4 runs -------------------------------------------------------------------------------

TEST(SpectralEtdrk4, AFourierModeWithoutDriftDecaysExactly) {
  // N = 0, so each step is v ← e^{h L̂} v: exact up to one rounding per step (10 steps).
  const Grid grid = circle(32);
  const double d = 0.7;
  const SpectralFokkerPlanck fp(drifting([](double) { return 0.0; }, std::sqrt(2 * d)), grid);
  const DensityField start(grid, on_nodes(grid, [](double x, double) { return (1 + 0.5 * std::cos(3 * x)) / two_pi; }));
  const auto run = solve({fp, start, 1.0}, {.dt = 0.1});
  ASSERT_TRUE(run.status.ok()) << run.status.message;
  const double decay = std::exp(-d * 9 * 1.0);
  const Eigen::VectorXd exact = on_nodes(grid, [&](double x, double) { return (1 + 0.5 * decay * std::cos(3 * x)) / two_pi; });
  EXPECT_LT((run.density.values() - exact).cwiseAbs().maxCoeff(), 64 * epsilon / two_pi);
  EXPECT_EQ(run.stats.steps, 10u);
  EXPECT_EQ(run.stats.transforms, 1u + 10u * 4u * 2u + 1u);  // in, 4 (1 + d) per step, out
}

TEST(SpectralEtdrk4, MixedDiffusionDecaysEachPlaneWaveAtItsOwnRate) {
  // 2-D, non-diagonal D and unequal axes: cos(x + y/2) decays at κᵀDκ with κ = (1, ½) and
  // cos(x − y/2) at κ = (1, −½); a transposed axis or a dropped mixed term changes either rate.
  const Grid grid({{0.0, two_pi, 16, Boundary::periodic}, {0.0, 2 * two_pi, 12, Boundary::periodic}});
  Eigen::MatrixXd g(2, 2);
  g << 1.0, 0.0, 0.6, 0.8;
  const auto sde = process::Sde::additive(
      "mixed", 2, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Zero(x.rows(), 2); },
      [g](double) { return g; });
  const SpectralFokkerPlanck fp(sde, grid);
  const auto wave = [](double a, double b) {
    return [=](double x, double y) { return 1 + a * std::cos(x + 0.5 * y) + b * std::cos(x - 0.5 * y); };
  };
  const DensityField start(grid, on_nodes(grid, wave(0.3, 0.4)));
  const auto run = solve({fp, start, 2.0}, {.dt = 0.25});
  const double plus = std::exp(-2.0 * (0.5 + 0.3 + 0.125)), minus = std::exp(-2.0 * (0.5 - 0.3 + 0.125));
  EXPECT_LT((run.density.values() - on_nodes(grid, wave(0.3 * plus, 0.4 * minus))).cwiseAbs().maxCoeff(), 64 * epsilon);
}

/// exp(cos(x − a))/(2π I₀(1)) diffused by D and translated by s: its Fourier series
/// [I₀(1) + 2 Σ_m I_m(1) e^{−D m² t} cos(m (x − s − a))] / (2π I₀(1)).
double von_mises(double x, double shift, double diffusion, double t) {
  double sum = std::cyl_bessel_i(0.0, 1.0);
  for (int m = 1; m <= 30; ++m) sum += 2 * std::cyl_bessel_i(m, 1.0) * std::exp(-diffusion * m * m * t) * std::cos(m * (x - shift - 1.0));
  return sum / (two_pi * std::cyl_bessel_i(0.0, 1.0));
}

/// ETDRK4 treats the transport −i κ c explicitly; with |h L̂| ≪ |h κ c| its per-step error is
/// RK4's, |h κ c|⁵/120, so over T/h steps mode m loses T (m c)⁵ h⁴/120 of its amplitude
/// 2 I_m(1)/(2π I₀(1)). The bound sums that over m, plus 1000 steps of round-off (~1e-13).
double translation_error_bound(double c, double h, double t) {
  double bound = 1e-13;
  for (int m = 1; m <= 30; ++m) {
    bound += 2 * std::cyl_bessel_i(m, 1.0) / (two_pi * std::cyl_bessel_i(0.0, 1.0)) * t * std::pow(m * c, 5) * std::pow(h, 4) / 120;
  }
  return bound;
}

TEST(SpectralEtdrk4, AConstantDriftTranslatesASmoothDensity) {
  const Grid grid = circle(64);
  const double d = 0.05, c = 1.0, h = 1e-3;
  const SpectralFokkerPlanck fp(drifting([=](double) { return c; }, std::sqrt(2 * d)), grid);
  const DensityField start(grid, on_nodes(grid, [&](double x, double) { return von_mises(x, 0.0, d, 0.0); }));
  const auto run = solve({fp, start, 1.0}, {.dt = h}, {.snapshot_times = {0.5}});
  const auto error = [&](const DensityField& p, double t) {
    return (p.values() - on_nodes(grid, [&](double x, double) { return von_mises(x, c * t, d, t); })).cwiseAbs().maxCoeff();
  };
  EXPECT_LT(error(run.snapshots[0], 0.5), translation_error_bound(c, h, 0.5));
  EXPECT_LT(error(run.density, 1.0), translation_error_bound(c, h, 1.0));
  EXPECT_LT(translation_error_bound(c, h, 1.0), 1e-12);
  EXPECT_LT(run.stats.mass_change, 64 * epsilon);  // the k = 0 mode is carried exactly
}

TEST(SpectralEtdrk4, ATimeDependentDriftIsEvaluatedAtTheStagesTimes) {
  // c(t) = cos t moves the density by ∫₀¹ cos t dt = sin 1; frozen at c(0) it would move by 1.
  const Grid grid = circle(64);
  const double d = 0.05, h = 1e-3;
  const SpectralFokkerPlanck fp(drifting([](double t) { return std::cos(t); }, std::sqrt(2 * d)), grid);
  const DensityField start(grid, on_nodes(grid, [&](double x, double) { return von_mises(x, 0.0, d, 0.0); }));
  const Eigen::VectorXd exact = on_nodes(grid, [&](double x, double) { return von_mises(x, std::sin(1.0), d, 1.0); });
  const auto run = solve({fp, start, 1.0}, {.dt = h, .time_dependent = true});
  EXPECT_LT((run.density.values() - exact).cwiseAbs().maxCoeff(), translation_error_bound(1.0, h, 1.0));
  // Only a false declaration freezes the drift at t0 now.
  const SpectralFokkerPlanck misdeclared(
      drifting([](double t) { return std::cos(t); }, std::sqrt(2 * d)).with_time_dependence(process::TimeDependence::autonomous),
      grid);
  const auto frozen = solve({misdeclared, start, 1.0}, {.dt = h});
  EXPECT_GT((frozen.density.values() - exact).cwiseAbs().maxCoeff(), 1e-2);
}

TEST(SpectralEtdrk4, ConservesMassWithAStateDependentDriftIn2d) {
  const Grid grid({{0.0, two_pi, 32, Boundary::periodic}, {0.0, two_pi, 24, Boundary::periodic}});
  const auto sde = process::Sde::diagonal(
      "sheared", 2,
      [](double, const process::StateView& x) -> Eigen::ArrayXXd {
        Eigen::ArrayXXd f(x.rows(), 2);
        f.col(0) = x.col(1).sin() + 0.5 * x.col(0).cos();
        f.col(1) = (x.col(0) + x.col(1)).cos();
        return f;
      },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Constant(x.rows(), 2, 0.8); });
  const SpectralFokkerPlanck fp(sde, grid);
  const DensityField start = DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
    return (x.col(0).cos() + x.col(1).sin()).exp();
  });
  const auto run = solve({fp, start, 2.0}, {.dt = 0.01});
  ASSERT_TRUE(run.status.ok());
  // The k = 0 mode is carried exactly; only the final inverse transform rounds (~ε log₂ N).
  EXPECT_LT(run.stats.mass_change, 64 * epsilon);
  EXPECT_NEAR(run.density.mass(), 1.0, 64 * epsilon);
}

TEST(SpectralEtdrk4, ANonFiniteDriftBecomesAStatusNamingTheTime) {
  const Grid grid = circle(16);
  const SpectralFokkerPlanck fp(drifting([](double t) { return t >= 0.5 ? std::nan("") : 0.0; }, 1.0), grid);
  const DensityField start(grid, Eigen::VectorXd::Constant(16, 1 / two_pi));
  const auto run = solve({fp, start, 1.0}, {.dt = 0.25, .time_dependent = true});
  EXPECT_EQ(run.status.code, StatusCode::non_finite);
  EXPECT_NE(run.status.where.find("t = 0.5"), std::string::npos) << run.status.where;
  EXPECT_EQ(run.stats.steps, 1u);
  EXPECT_TRUE(run.density.values().allFinite());  // the last finite state, at t = 0.25
  EXPECT_EQ(run.density.time(), 0.25);
}

// --- misuse ----------------------------------------------------------------------------------

TEST(SpectralFokkerPlanck, RefusesNonPeriodicAxesThreeDimensionsAndNonConstantDiffusion) {
  const auto still = drifting([](double) { return 0.0; }, 1.0);
  KOLMO_EXPECT_THROW_NAMING(SpectralFokkerPlanck(still, Grid({{0.0, 1.0, 16}})), "grid.axis(0).boundary");
  KOLMO_EXPECT_THROW_NAMING(SpectralFokkerPlanck(still, Grid({{0.0, 1.0, 16, Boundary::periodic}, {0.0, 1.0, 16, Boundary::absorbing}})),
                            "grid.axis(1).boundary");
  const Axis periodic{0.0, 1.0, 8, Boundary::periodic};
  KOLMO_EXPECT_THROW_NAMING(SpectralFokkerPlanck(still, Grid({periodic, periodic, periodic})), "grid.dimension()");
  KOLMO_EXPECT_THROW_NAMING(SpectralFokkerPlanck(still, Grid({periodic, periodic})), "sde.dimension()");
  const auto state_dependent = process::Sde::diagonal(
      "multiplicative", 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 0 * x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 1 + 0.1 * x.sin(); });
  KOLMO_EXPECT_THROW_NAMING(SpectralFokkerPlanck(state_dependent, circle(16)), "sde diffusion");
  const auto singular = process::Sde::additive(
      "degenerate", 2, 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 0 * x; },
      [](double) { return Eigen::MatrixXd::Ones(2, 1); });  // D = ½ [[1, 1], [1, 1]]: rank one
  KOLMO_EXPECT_THROW_NAMING(SpectralFokkerPlanck(singular, Grid({periodic, periodic})), "sde diffusion");
}

TEST(SpectralEtdrk4, RefusesABadStepAGridMismatchAndATimeDependentDiffusion) {
  const Grid grid = circle(16);
  const DensityField start(grid, Eigen::VectorXd::Constant(16, 1 / two_pi));
  const SpectralFokkerPlanck fp(drifting([](double) { return 0.0; }, 1.0), grid);
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 1.0}, {.dt = 0.3}), "method.dt");
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 1.0}, {.dt = -0.1}), "method.dt");
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, start, 1.0},
                                        {.dt = 0.25}, {.snapshot_times = {0.3}}), "snapshot_times[0]");
  const DensityField elsewhere(circle(32), Eigen::VectorXd::Constant(32, 1 / two_pi));
  KOLMO_EXPECT_THROW_NAMING((void)solve({fp, elsewhere, 1.0}, {.dt = 0.25}), "initial.grid()");
  const SpectralFokkerPlanck growing(
      process::Sde::additive(
          "growing noise", 1, 1, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 0 * x; },
          [](double t) { return Eigen::MatrixXd::Constant(1, 1, 1 + t); }),
      grid);
  KOLMO_EXPECT_THROW_NAMING((void)solve({growing, start, 1.0}, {.dt = 0.25}), "sde diffusion at t = 1");
}

}  // namespace
}  // namespace kolmo::pde
