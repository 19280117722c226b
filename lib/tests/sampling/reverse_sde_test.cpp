#include "kolmo/sampling/reverse_sde.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kolmo/score/mixture_score.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"
#include "support/finite_difference.hpp"

namespace kolmo::sampling {
namespace {

const Eigen::ArrayXXd points = (Eigen::ArrayXXd(3, 2) << 0.3, -1.2, 1.5, 0.4, -0.7, 2.0).finished();

// A state-dependent diagonal-noise SDE, dX_i = −X_i dt + g_i(X) dW_i with g_i = 1 + ½ sin x_i,
// so (∇·(g gᵀ))_i = ∂_i g_i² = 2 g_i · ½ cos x_i = g_i cos x_i, and a score s = −x/(1 + t) + ¼
// (any smooth field: the formula is checked, not the law).
process::Sde state_dependent() {
  return process::Sde::diagonal(
      "state-dependent", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 1.0 + 0.5 * x.sin(); });
}

ForwardProcess state_dependent_forward() {
  return {state_dependent(), [](double, const process::StateView& x) -> Eigen::ArrayXXd {
            return (1.0 + 0.5 * x.sin()) * x.cos();
          }};
}

score::ScoreModel affine_score(std::size_t dimension = 2) {
  return {"affine", dimension, [](double t, const process::StateView& x) -> Eigen::ArrayXXd { return -x / (1.0 + t) + 0.25; }};
}

TEST(ReverseSde, DriftAndDiffusionOfTheKFamilyFollowTheFormulaForStateDependentNoise) {
  const ForwardProcess forward = state_dependent_forward();
  constexpr double t = 0.4;
  for (double k : {0.0, 0.5, 1.0, 2.0}) {
    const process::Sde reverse = reverse_sde(forward, affine_score(), k);
    const Eigen::ArrayXXd drift = reverse.drift(t, points);
    const Eigen::ArrayXXd diffusion = reverse.diffusion(t, points);
    for (Eigen::Index p = 0; p < points.rows(); ++p) {
      for (Eigen::Index i = 0; i < 2; ++i) {
        // By hand: f_i − (1 + k²)/2 (g_i cos x_i + g_i² s_i).
        const double x = points(p, i), g = 1.0 + 0.5 * std::sin(x), s = -x / (1.0 + t) + 0.25;
        const double expected = -x - 0.5 * (1.0 + k * k) * (g * std::cos(x) + g * g * s);
        EXPECT_NEAR(drift(p, i), expected, 1e-15 * (1.0 + std::abs(expected))) << k;
        EXPECT_DOUBLE_EQ(diffusion(p, i), k * g) << k;
      }
    }
  }
}

TEST(ReverseSde, TheProbabilityFlowIsTheKZeroMemberAsAFlow) {
  const ForwardProcess forward = state_dependent_forward();
  const ode::Flow flow = probability_flow(forward, affine_score());
  const process::Sde k0 = reverse_sde(forward, affine_score(), 0.0);
  EXPECT_TRUE((flow.velocity(0.3, points) == k0.drift(0.3, points)).all());
  EXPECT_FALSE(flow.has_divergence());  // diagonal noise: ∇·(g gᵀ s) needs more than ∇·s
}

TEST(ReverseSde, BadInputIsAClearError) {
  const ForwardProcess forward = state_dependent_forward();
  KOLMO_EXPECT_THROW_NAMING((void)reverse_sde(forward, affine_score(3)), "score.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)probability_flow(forward, affine_score(1)), "score.dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)reverse_sde(forward, affine_score(), -1.0), "k");
  KOLMO_EXPECT_THROW_NAMING((void)reverse_sde(forward, affine_score(), std::numeric_limits<double>::quiet_NaN()), "k");
}

TEST(ProbabilityFlow, ExactDivergenceAgreesWithFiniteDifferencesOfTheVelocity) {
  // VP noising of the 2-D bimodal mixture: additive isotropic noise, ∇·f = d f(t), and the exact
  // score's divergence, so ∇·v = d f − ½ g² Δlog p_t is available in closed form.
  const process::NoiseSchedule schedule = process::NoiseSchedule::vp_linear();
  const score::ScoreModel score = score::mixture_score({test_support::bimodal_mixture(), schedule});
  const ode::Flow flow = probability_flow(ForwardProcess::of(schedule, 2), score);
  ASSERT_TRUE(flow.has_divergence());
  constexpr double h = 1e-3, big_h = 1e-2;
  for (double t : {1e-3, 0.3, 0.9}) {
    const Eigen::ArrayXXd divergence = flow.divergence(t, points);
    const Eigen::ArrayXXd s = score.score(t, points);
    for (Eigen::Index p = 0; p < points.rows(); ++p) {
      double difference = 0.0, bound = 0.0;
      for (Eigen::Index i = 0; i < 2; ++i) {
        const test_support::ScalarFunction v_i = [&flow, t, i](const Eigen::RowVectorXd& x) {
          return flow.velocity(t, x.array())(0, i);
        };
        const Eigen::RowVectorXd x = points.row(p).matrix();
        difference += test_support::central_difference(v_i, x, i, h);
        // The helper's truncation and rounding bound, plus the rounding of the two terms that
        // cancel inside v_i = f x_i − ½ g² s_i (v ≈ 0 near T, where both are ~ β|x|/2).
        const double terms = std::abs(schedule.drift_rate(t) * x(i)) + 0.5 * schedule.diffusion_squared(t) * std::abs(s(p, i));
        bound += test_support::central_difference_error(v_i, x, i, h, big_h) +
                 8 * std::numeric_limits<double>::epsilon() * terms / h;
      }
      EXPECT_NEAR(divergence(p, 0), difference, bound) << "t = " << t;
    }
  }
}

TEST(ProbabilityFlow, JacobianVectorProductIsTheDirectionalDerivativeOfTheVelocity) {
  // ∂v/∂x z = f(t) z − ½ g² ∇²log p_t z, against the central difference of the velocity along z
  // (the same bound as the divergence test above, per component of the product).
  const process::NoiseSchedule schedule = process::NoiseSchedule::vp_linear();
  const score::ScoreModel score = score::mixture_score({test_support::bimodal_mixture(), schedule});
  const ode::Flow flow = probability_flow(ForwardProcess::of(schedule, 2), score);
  ASSERT_TRUE(flow.has_jacobian_vector_product());
  const Eigen::ArrayXXd z = (Eigen::ArrayXXd(3, 2) << 1.0, -1.0, 0.6, 0.8, -0.3, 1.7).finished();
  constexpr double h = 1e-3, big_h = 1e-2;
  for (double t : {1e-3, 0.3, 0.9}) {
    const Eigen::ArrayXXd product = flow.jacobian_vector_product(t, points, z);
    const Eigen::ArrayXXd s = score.score(t, points);
    for (Eigen::Index p = 0; p < points.rows(); ++p) {
      for (Eigen::Index i = 0; i < 2; ++i) {
        // v_i along the line x + u z, differentiated at u = 0.
        const Eigen::RowVectorXd x = points.row(p).matrix(), direction = z.row(p).matrix();
        const test_support::ScalarFunction along = [&](const Eigen::RowVectorXd& u) {
          return flow.velocity(t, (x + u(0) * direction).array())(0, i);
        };
        const Eigen::RowVectorXd origin = Eigen::RowVectorXd::Zero(1);
        const double terms = (std::abs(schedule.drift_rate(t)) * x.cwiseAbs().sum() +
                              0.5 * schedule.diffusion_squared(t) * s.row(p).abs().sum());
        const double bound = test_support::central_difference_error(along, origin, 0, h, big_h) +
                             8 * std::numeric_limits<double>::epsilon() * terms / h;
        EXPECT_NEAR(product(p, i), test_support::central_difference(along, origin, 0, h), bound)
            << "t = " << t << ", point " << p << ", component " << i;
      }
    }
  }
  // Without the drift's product (a user SDE that supplies none) the flow has no product.
  const process::Sde plain = process::Sde::additive(
      "plain", 2, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double) -> Eigen::MatrixXd { return Eigen::Matrix2d::Identity(); });
  EXPECT_FALSE(probability_flow(ForwardProcess(plain), score).has_jacobian_vector_product());
  KOLMO_EXPECT_THROW_NAMING((void)flow.jacobian_vector_product(0.5, points, z.topRows(2)), "z");
  // Two probes per point in one call: the one-probe products, bit for bit.
  const Eigen::ArrayXXd two = (Eigen::ArrayXXd(6, 2) << z, z.reverse()).finished();
  const Eigen::ArrayXXd stacked = flow.jacobian_vector_product(0.5, points, two);
  EXPECT_TRUE((stacked.topRows(3) == flow.jacobian_vector_product(0.5, points, z)).all());
  EXPECT_TRUE((stacked.bottomRows(3) == flow.jacobian_vector_product(0.5, points, z.reverse())).all());
  KOLMO_EXPECT_THROW_NAMING((void)plain.drift_jacobian_product(0.5, points, z), "drift_jacobian_product");
}

TEST(ProbabilityFlow, JacobianQuadraticFormsAreTheProductsDottedWithTheirDirections) {
  // zᵀ (∂v/∂x) z = zᵀ ∇f z − ½ zᵀ g gᵀ ∇²log p z, the mixture's fused forms (no product formed)
  // against the flow's products dotted with z. The same terms summed in another order: they
  // agree to 1e-13 of the terms' size before the drift and score parts cancel,
  // Σ_j |z_j| (|(∇f z)_j| + ½ Σ_l |(g gᵀ)_jl| |(∇²log p z)_l|) (a few hundred roundings of at most
  // that size). Also for an anisotropic g gᵀ, where the score's part is (g gᵀ z) · ∇²log p z from
  // the score's products.
  const process::NoiseSchedule schedule = process::NoiseSchedule::vp_linear();
  const score::ScoreModel score = score::mixture_score({test_support::bimodal_mixture(), schedule});
  const ode::Flow flow = probability_flow(ForwardProcess::of(schedule, 2), score);
  const Eigen::Matrix2d g = (Eigen::Matrix2d() << 1.0, 0.0, 0.4, 0.7).finished();
  const process::Sde anisotropic =
      process::Sde::additive(
          "anisotropic", 2, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -0.5 * x; },
          [g](double) -> Eigen::MatrixXd { return g; })
          .with_drift_jacobian_product(
              [](double, const process::StateView&, const process::StateView& v) -> Eigen::ArrayXXd { return -0.5 * v; });
  const ode::Flow anisotropic_flow = probability_flow(ForwardProcess(anisotropic), score);
  const process::Sde vp = ForwardProcess::of(schedule, 2).sde();
  const Eigen::ArrayXXd z = (Eigen::ArrayXXd(3, 2) << 1.0, -1.0, 0.6, 0.8, -0.3, 1.7).finished();
  const Eigen::ArrayXXd two = (Eigen::ArrayXXd(6, 2) << z, z.reverse()).finished();
  for (const ode::Flow* f : {&flow, &anisotropic_flow}) {
    ASSERT_TRUE(f->has_jacobian_quadratic_forms());
    const process::Sde& sde = f == &flow ? vp : anisotropic;
    for (double t : {1e-3, 0.3, 0.9}) {
      const Eigen::ArrayXXd forms = f->jacobian_quadratic_forms(t, points, two);
      const Eigen::ArrayXXd product = f->jacobian_vector_product(t, points, two);
      const Eigen::ArrayXXd drift_part = sde.drift_jacobian_product(t, process::repeated_rows(points, 2), two);
      const Eigen::ArrayXXd score_part = score.jacobian_vector_product(t, points, two);
      const Eigen::MatrixXd noise = sde.diffusion_matrix(t) * sde.diffusion_matrix(t).transpose();
      ASSERT_EQ(forms.rows(), 3);
      ASSERT_EQ(forms.cols(), 2);
      for (Eigen::Index k = 0; k < 2; ++k) {
        for (Eigen::Index p = 0; p < 3; ++p) {
          const auto row = k * 3 + p;
          const double dotted = (product.row(row) * two.row(row)).sum();
          const Eigen::RowVectorXd noise_part = score_part.row(row).abs().matrix() * noise.cwiseAbs();  // g gᵀ symmetric
          const double size = (two.row(row).abs() * (drift_part.row(row).abs() + 0.5 * noise_part.array())).sum();
          EXPECT_NEAR(forms(p, k), dotted, 1e-13 * size) << f->name() << ", t = " << t << ", probe " << k << ", point " << p;
        }
      }
    }
  }
  KOLMO_EXPECT_THROW_NAMING((void)flow.jacobian_quadratic_forms(0.5, points, two.topRows(5)), "z");
}

TEST(ProbabilityFlow, ExactDivergenceRefusesAnisotropicNoise) {
  const Eigen::Matrix2d g = Eigen::Vector2d(1.0, 2.0).asDiagonal();
  process::Sde sde = process::Sde::additive(
      "anisotropic", 2, 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [g](double) -> Eigen::MatrixXd { return g; });
  sde.with_drift_divergence(
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Constant(x.rows(), 1, -2.0); });
  score::ScoreModel score = affine_score();
  score.with_divergence([](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    return Eigen::ArrayXXd::Constant(x.rows(), 1, -2.0 / (1.0 + t));
  });
  const ode::Flow flow = probability_flow(ForwardProcess(sde), score);
  KOLMO_EXPECT_THROW_NAMING((void)flow.divergence(0.5, points), "g(t) g(t)ᵀ at t");
}

}  // namespace
}  // namespace kolmo::sampling
