#include "kolmo/distribution/gaussian_mixture.hpp"

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "support/expect_error.hpp"
#include "support/finite_difference.hpp"

namespace kolmo::distribution {
namespace {

constexpr double epsilon = std::numeric_limits<double>::epsilon();

Eigen::Matrix2d matrix2(double a, double b, double c, double d) { return (Eigen::Matrix2d() << a, b, c, d).finished(); }

/// Three anisotropic, correlated components in 2-D (the scipy reference below uses the same).
GaussianMixture three_components() {
  return GaussianMixture({0.5, 0.3, 0.2}, {Eigen::Vector2d(1.0, -0.5), Eigen::Vector2d(-1.5, 0.8), Eigen::Vector2d(0.2, 2.0)},
                         {matrix2(1.0, 0.6, 0.6, 0.8), matrix2(0.3, -0.1, -0.1, 0.5), matrix2(2.0, 0.0, 0.0, 0.05)});
}

Eigen::ArrayXXd points() {
  Eigen::ArrayXXd x(5, 2);
  x << 0.0, 0.0, 1.2, -0.3, -2.0, 1.5, 0.3, 2.1, 4.0, -3.0;
  return x;
}

Eigen::ArrayXXd row(const Eigen::RowVectorXd& x) { return x.array(); }

TEST(GaussianMixture, FarPointsKeepFiniteScores) {
  // At |x| = 1e200 every quadratic form overflows and each log(w_k N_k) is −inf; the posterior
  // (hence the score) must come from the differences of the quadratic forms. Before the fix the
  // score was 0/0 = NaN here.
  const Eigen::Matrix2d identity = Eigen::Matrix2d::Identity();
  const GaussianMixture bimodal({0.3, 0.7}, {Eigen::Vector2d(2.0, 0.0), Eigen::Vector2d(-2.0, 0.0)}, {identity, identity});
  const Eigen::ArrayXXd far = (Eigen::ArrayXXd(3, 2) << 1e200, 1e200, -1e200, 3.0, 1e300, -1e300).finished();
  const Eigen::ArrayXXd score = bimodal.score(far);
  ASSERT_TRUE(score.allFinite()) << score;
  // Equal covariances: the component whose mean is on x's side takes all the weight, and the
  // score is −(x − μ_k) to rounding.
  EXPECT_EQ(score(0, 0), -(1e200 - 2.0));
  EXPECT_EQ(score(1, 0), -(-1e200 + 2.0));
  EXPECT_EQ(score(1, 1), -3.0);
  EXPECT_EQ(score(2, 1), 1e300);
  EXPECT_TRUE((bimodal.responsibilities(far) >= 0.0).all());
  EXPECT_TRUE(bimodal.score_divergence(far).isApprox(Eigen::ArrayXd::Constant(3, -2.0)));
  EXPECT_TRUE((bimodal.log_density(far) == -std::numeric_limits<double>::infinity()).all());

  // Unequal covariances: far away the widest component dominates whatever its weight, so the
  // score is −x/4 and Δlog p = −tr C⁻¹ = −1/2 of the N(0, 4I) component.
  const GaussianMixture nested({0.99, 0.01}, {Eigen::Vector2d::Zero(), Eigen::Vector2d::Zero()},
                               {identity, 4.0 * identity});
  const Eigen::ArrayXXd wide = nested.score(far);
  ASSERT_TRUE(wide.allFinite()) << wide;
  EXPECT_TRUE(wide.isApprox(-far / 4.0, 4 * epsilon)) << wide;
  EXPECT_TRUE(nested.score_divergence(far).isApprox(Eigen::ArrayXd::Constant(3, -0.5)));
  // Near the modes nothing changes: the far-point path is taken only where soft-max fails.
  EXPECT_TRUE(nested.responsibilities(points()).allFinite());
}

TEST(GaussianMixture, LogDensityMatchesScipy) {
  // Generated with /usr/bin/python3 (SciPy 1.10):
  //   logsumexp([log(w[k]) + multivariate_normal(m[k], C[k]).logpdf(x) for k in range(3)])
  // for the mixture of three_components() at the rows of points().
  const Eigen::ArrayXd scipy = (Eigen::ArrayXd(5) << -3.8574024103806313, -2.147801160038319, -2.7412667450356567,
                                -2.3983572368574886, -27.63189760729775)
                                   .finished();
  const Eigen::ArrayXd log_p = three_components().log_density(points());
  // Both sides are backward-stable evaluations of quadratic forms of size ≤ 60 (the far point)
  // with condition numbers ≤ 40: agreement to 1e-13 relative.
  for (Eigen::Index i = 0; i < scipy.size(); ++i) EXPECT_NEAR(log_p[i], scipy[i], 1e-13 * std::abs(scipy[i])) << i;
}

TEST(GaussianMixture, OneComponentIsTheBivariateNormalFormula) {
  // Independent closed form: log N = −log(2π) − ½ log det C − ½ Q, Q from the explicit 2×2 inverse.
  const Eigen::Vector2d m(0.3, -1.1);
  const double a = 2.0, b = -0.7, c = 0.9, det = a * c - b * b;
  const Eigen::ArrayXd log_p = GaussianMixture::gaussian(m, matrix2(a, b, b, c)).log_density(points());
  for (Eigen::Index i = 0; i < points().rows(); ++i) {
    const double u = points()(i, 0) - m[0], v = points()(i, 1) - m[1];
    const double q = (c * u * u - 2 * b * u * v + a * v * v) / det;
    EXPECT_NEAR(log_p[i], -std::log(2 * std::numbers::pi) - 0.5 * std::log(det) - 0.5 * q, 1e-14 * (1 + q)) << i;
  }
}

TEST(GaussianMixture, OneDimensionalDensityIntegratesToOneAndItsIntegralIsTheCdf) {
  const GaussianMixture mixture({0.25, 0.75}, {Eigen::VectorXd::Constant(1, -1.0), Eigen::VectorXd::Constant(1, 2.0)},
                                {Eigen::MatrixXd::Constant(1, 1, 0.25), Eigen::MatrixXd::Constant(1, 1, 2.25)});
  // Composite Simpson on [−9, 14] with h = 0.005. Error ≤ (b − a) h⁴ max|p⁗| / 180 with
  // max|p⁗| ≤ Σ w_k 3/(s_k⁵ √(2π)) ≈ 9.9: ≤ 8e-10; the tails outside carry < 1e-15.
  const double a = -9.0, b = 14.0, h = 0.005;
  const auto n = static_cast<Eigen::Index>(std::lround((b - a) / h));
  const Eigen::ArrayXd x = Eigen::ArrayXd::LinSpaced(n + 1, a, b);
  const Eigen::ArrayXd p = mixture.log_density(x).exp();
  double simpson = p[0] + p[n];
  for (Eigen::Index i = 1; i < n; ++i) simpson += (i % 2 == 1 ? 4.0 : 2.0) * p[i];
  simpson *= h / 3;
  EXPECT_NEAR(simpson, 1.0, 8e-10);

  // Generated with /usr/bin/python3 (SciPy 1.10):
  //   sum(w[k] * norm.cdf(x, m[k], s[k]) for k in range(2)),  w = (.25, .75), m = (−1, 2), s = (.5, 1.5).
  const Eigen::ArrayXd at = (Eigen::ArrayXd(4) << -2.0, 0.0, 1.0, 3.5).finished();
  const Eigen::ArrayXd scipy =
      (Eigen::ArrayXd(4) << 0.0085603184127371, 0.31272088180735613, 0.4393614853497339, 0.8810085595514072).finished();
  const Eigen::ArrayXd cdf = mixture.cdf(at);
  for (Eigen::Index i = 0; i < at.size(); ++i) EXPECT_NEAR(cdf[i], scipy[i], 1e-15) << at[i];
}

TEST(GaussianMixture, EmpiricalCdfIsARightContinuousStaircase) {
  const GaussianMixture empirical = GaussianMixture::empirical((Eigen::ArrayXXd(4, 1) << 0.5, -1.0, 0.5, 2.0).finished());
  const Eigen::ArrayXd cdf = empirical.cdf((Eigen::ArrayXd(5) << -1.5, -1.0, 0.4999, 0.5, 2.0).finished());
  EXPECT_EQ(cdf[0], 0.0);
  EXPECT_EQ(cdf[1], 0.25);
  EXPECT_EQ(cdf[2], 0.25);
  EXPECT_EQ(cdf[3], 0.75);
  EXPECT_EQ(cdf[4], 1.0);
}

TEST(GaussianMixture, ScoreIsTheGradientOfTheLogDensity) {
  const GaussianMixture mixture = three_components();
  const Eigen::ArrayXXd x = points();
  const Eigen::ArrayXXd score = mixture.score(x);
  const test_support::ScalarFunction log_p = [&](const Eigen::RowVectorXd& y) { return mixture.log_density(row(y))[0]; };
  // Central differences at h = 1e-4; tolerance 2 (h²/6)|∂³log p| + 8 ε |log p|/h (support/finite_difference.hpp).
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < 2; ++j) {
      const Eigen::RowVectorXd y = x.row(i).matrix();
      EXPECT_NEAR(score(i, j), test_support::central_difference(log_p, y, j, 1e-4),
                  test_support::central_difference_error(log_p, y, j, 1e-4, 1e-2))
          << "point " << i << " component " << j;
    }
  }
}

TEST(GaussianMixture, DivergenceIsTheLaplacianOfTheLogDensity) {
  const GaussianMixture mixture = three_components();
  const Eigen::ArrayXXd x = points();
  const Eigen::ArrayXd divergence = mixture.score_divergence(x);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double difference = 0.0, tolerance = 0.0;
    for (Eigen::Index j = 0; j < 2; ++j) {
      const test_support::ScalarFunction s_j = [&](const Eigen::RowVectorXd& y) { return mixture.score(row(y))(0, j); };
      const Eigen::RowVectorXd y = x.row(i).matrix();
      difference += test_support::central_difference(s_j, y, j, 1e-4);
      tolerance += test_support::central_difference_error(s_j, y, j, 1e-4, 1e-2);
    }
    EXPECT_NEAR(divergence[i], difference, tolerance) << "point " << i;
  }
  // One Gaussian: Δlog p = −tr C⁻¹ everywhere (C⁻¹ = [[0.9, 0.7], [0.7, 2]]/1.31).
  const Eigen::ArrayXd gaussian =
      GaussianMixture::gaussian(Eigen::Vector2d(0.3, -1.1), matrix2(2.0, -0.7, -0.7, 0.9)).score_divergence(x);
  EXPECT_LT((gaussian + 2.9 / 1.31).abs().maxCoeff(), 1e-14);
}

/// ∇log p, Δlog p, ∇²log p v and the posterior at one point, straight from the formulas of
/// gaussian_mixture.hpp with Eigen and libm: the reference of the tile kernels.
struct PointReference {
  double log_density;
  Eigen::VectorXd score, jacobian_product;
  double divergence;
  Eigen::VectorXd posterior;
};

PointReference point_reference(const GaussianMixture& m, const Eigen::VectorXd& x, const Eigen::VectorXd& v) {
  const auto K = static_cast<Eigen::Index>(m.components());
  const auto d = x.size();
  std::vector<Eigen::VectorXd> s(static_cast<std::size_t>(K));
  Eigen::VectorXd log_terms(K);
  for (Eigen::Index k = 0; k < K; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    const Eigen::MatrixXd& c = m.covariances()[kk];
    const Eigen::LLT<Eigen::MatrixXd> llt(c);
    s[kk] = -llt.solve(x - m.means()[kk]);
    const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
    log_terms[k] = std::log(m.weights()[kk]) - 0.5 * (static_cast<double>(d) * std::log(2 * std::numbers::pi) + log_det) +
                   0.5 * (x - m.means()[kk]).dot(s[kk]);
  }
  const double top = log_terms.maxCoeff();
  const Eigen::VectorXd e = (log_terms.array() - top).exp().matrix();
  PointReference out{top + std::log(e.sum()), Eigen::VectorXd::Zero(d), Eigen::VectorXd::Zero(d), 0.0, e / e.sum()};
  for (Eigen::Index k = 0; k < K; ++k) out.score += out.posterior[k] * s[static_cast<std::size_t>(k)];
  for (Eigen::Index k = 0; k < K; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    const Eigen::VectorXd spread = s[kk] - out.score;
    const Eigen::MatrixXd precision = m.covariances()[kk].inverse();
    out.divergence += out.posterior[k] * (spread.squaredNorm() - precision.trace());
    out.jacobian_product += out.posterior[k] * (spread * spread.dot(v) - precision * v);
  }
  return out;
}

TEST(GaussianMixture, TiledKernelsMatchAPointByPointReference) {
  // 1000 points: several full tiles and a partial last one, in 2-D (K = 3 and K = 2) and in 3-D
  // (K = 5, correlated), against the formulas evaluated point by point. Both sides are backward-stable
  // evaluations of the same sums of ≤ 30 terms of size ≤ ~100, so 1e-12 relative to the
  // larger of 1 and the value is ~100x their rounding.
  const Eigen::Matrix3d a = (Eigen::Matrix3d() << 1.0, 0.3, -0.2, 0.0, 0.7, 0.4, 0.1, 0.0, 0.5).finished();
  std::vector<Eigen::VectorXd> means;
  std::vector<Eigen::MatrixXd> covariances;
  for (int k = 0; k < 5; ++k) {
    means.push_back(Eigen::Vector3d(std::cos(k), std::sin(2.0 * k), 0.5 * k - 1.0));
    covariances.push_back((0.3 + 0.2 * k) * a * a.transpose() + 0.05 * Eigen::Matrix3d::Identity());
  }
  const GaussianMixture three_d({0.1, 0.3, 0.2, 0.15, 0.25}, means, covariances);
  // K = 2, the commonest mixture (one term is the row's largest): unequal, correlated covariances.
  const GaussianMixture two({0.35, 0.65}, {Eigen::Vector2d(1.0, -0.5), Eigen::Vector2d(-1.5, 0.5)},
                            {(Eigen::Matrix2d() << 0.6, 0.2, 0.2, 0.4).finished(), 1.3 * Eigen::Matrix2d::Identity()});
  for (const GaussianMixture& m : std::vector<GaussianMixture>{three_components(), three_d, two}) {
    const GaussianMixture* mixture = &m;
    const auto d = static_cast<Eigen::Index>(mixture->dimension());
    const Eigen::ArrayXXd x = 2.5 * Eigen::ArrayXXd::Random(1000, d);
    const Eigen::ArrayXXd v = Eigen::ArrayXXd::Random(1000, d);
    const Eigen::ArrayXd log_p = mixture->log_density(x), divergence = mixture->score_divergence(x);
    const Eigen::ArrayXXd score = mixture->score(x), product = mixture->score_jacobian_product(x, v),
                          posterior = mixture->responsibilities(x);
    const auto close = [](double got, double want) { return std::abs(got - want) <= 1e-12 * std::max(1.0, std::abs(want)); };
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const PointReference want = point_reference(*mixture, x.row(i).transpose().matrix(), v.row(i).transpose().matrix());
      EXPECT_PRED2(close, log_p[i], want.log_density) << "d = " << d << ", point " << i;
      EXPECT_PRED2(close, divergence[i], want.divergence) << "d = " << d << ", point " << i;
      for (Eigen::Index j = 0; j < d; ++j) {
        EXPECT_PRED2(close, score(i, j), want.score[j]) << "d = " << d << ", point " << i;
        EXPECT_PRED2(close, product(i, j), want.jacobian_product[j]) << "d = " << d << ", point " << i;
      }
      for (Eigen::Index k = 0; k < posterior.cols(); ++k) EXPECT_PRED2(close, posterior(i, k), want.posterior[k]);
    }
    // Views read the same points: rows of a taller array (read in place, columns 1007 apart) and
    // every other row of one (which Eigen::Ref copies into a contiguous temporary).
    const Eigen::ArrayXXd taller = (Eigen::ArrayXXd(1007, d) << Eigen::ArrayXXd::Zero(3, d), x, Eigen::ArrayXXd::Zero(4, d)).finished();
    EXPECT_TRUE((mixture->score(taller.middleRows(3, 1000)) == score).all());
    Eigen::ArrayXXd doubled = Eigen::ArrayXXd::Zero(2000, d);
    for (Eigen::Index i = 0; i < 1000; ++i) doubled.row(2 * i) = x.row(i);
    const Eigen::Map<const Eigen::ArrayXXd, 0, Eigen::Stride<Eigen::Dynamic, 2>> every_other(
        doubled.data(), 1000, d, Eigen::Stride<Eigen::Dynamic, 2>(2000, 2));
    EXPECT_TRUE((mixture->score(every_other) == score).all());
    // K = 3 directions per point in one call (each posterior formed once): the one-direction
    // products, bit for bit; a stack that is not K n rows is refused.
    const Eigen::ArrayXXd w = Eigen::ArrayXXd::Random(1000, d), u = Eigen::ArrayXXd::Random(1000, d);
    const Eigen::ArrayXXd three = (Eigen::ArrayXXd(3000, d) << v, w, u).finished();
    const Eigen::ArrayXXd stacked = mixture->score_jacobian_product(x, three);
    EXPECT_TRUE((stacked.topRows(1000) == product).all());
    EXPECT_TRUE((stacked.middleRows(1000, 1000) == mixture->score_jacobian_product(x, w)).all());
    EXPECT_TRUE((stacked.bottomRows(1000) == mixture->score_jacobian_product(x, u)).all());
    KOLMO_EXPECT_THROW_NAMING((void)mixture->score_jacobian_product(x, three.topRows(1500)), "directions");
    // Hutchinson's quadratic forms zᵀ ∇²log p z, fused (no product formed), against the stacked
    // products dotted with their directions: the same sums in another order, so they agree to the
    // products' own rounding bound (1e-12 relative, above) carried through the dot product.
    const Eigen::ArrayXXd forms = mixture->score_jacobian_quadratic_forms(x, three);
    ASSERT_EQ(forms.rows(), 1000);
    ASSERT_EQ(forms.cols(), 3);
    for (Eigen::Index k = 0; k < 3; ++k) {
      for (Eigen::Index i = 0; i < 1000; ++i) {
        double dotted = 0.0, bound = 0.0;
        for (Eigen::Index j = 0; j < d; ++j) {
          const double z = three(k * 1000 + i, j), product_j = stacked(k * 1000 + i, j);
          dotted += z * product_j;
          bound += std::abs(z) * 1e-12 * std::max(1.0, std::abs(product_j));
        }
        EXPECT_NEAR(forms(i, k), dotted, bound) << "d = " << d << ", direction " << k << ", point " << i;
      }
    }
    KOLMO_EXPECT_THROW_NAMING((void)mixture->score_jacobian_quadratic_forms(x, three.topRows(1500)), "directions");
  }
}

TEST(GaussianMixture, QuadraticFormsInFourDimensionsAreTheProductsDottedWithTheirDirections) {
  // d = 4 takes the kernels' general path (d ≤ 3 have their own, tested above): zᵀ ∇²log p z
  // against the stacked products dotted with z, to the products' 1e-12 bound carried through
  // the dot product, as above. 600 points: two full tiles and a partial one, K = 2 directions.
  std::vector<Eigen::VectorXd> means;
  std::vector<Eigen::MatrixXd> covariances;
  for (int k = 0; k < 3; ++k) {
    const Eigen::Matrix4d a = Eigen::Matrix4d::Identity() + 0.3 * (k + 1) * Eigen::Matrix4d::Ones() / 4.0;
    means.push_back(Eigen::Vector4d(std::cos(k), std::sin(k), 0.5 * k, -0.3 * k));
    covariances.push_back((0.4 + 0.3 * k) * a * a.transpose() + 0.05 * Eigen::Matrix4d::Identity());
  }
  const GaussianMixture mixture({0.2, 0.5, 0.3}, means, covariances);
  const Eigen::ArrayXXd x = 2.0 * Eigen::ArrayXXd::Random(600, 4);
  const Eigen::ArrayXXd z = Eigen::ArrayXXd::Random(1200, 4);
  const Eigen::ArrayXXd forms = mixture.score_jacobian_quadratic_forms(x, z);
  const Eigen::ArrayXXd products = mixture.score_jacobian_product(x, z);
  ASSERT_EQ(forms.rows(), 600);
  ASSERT_EQ(forms.cols(), 2);
  for (Eigen::Index k = 0; k < 2; ++k) {
    for (Eigen::Index i = 0; i < 600; ++i) {
      const auto r = k * 600 + i;
      const double bound = 1e-12 * (z.row(r).abs() * products.row(r).abs().max(1.0)).sum();
      EXPECT_NEAR(forms(i, k), (z.row(r) * products.row(r)).sum(), bound) << "direction " << k << ", point " << i;
    }
  }
}

TEST(GaussianMixture, ResponsibilitiesAreTheComponentPosteriors) {
  const GaussianMixture mixture = three_components();
  const Eigen::ArrayXXd r = mixture.responsibilities(points());
  const Eigen::ArrayXd log_p = mixture.log_density(points());
  for (std::size_t k = 0; k < 3; ++k) {
    // r_k = w_k N_k / p with N_k evaluated as its own one-component mixture.
    const Eigen::ArrayXd log_n = GaussianMixture::gaussian(mixture.means()[k], mixture.covariances()[k]).log_density(points());
    const Eigen::ArrayXd expected = (std::log(mixture.weights()[k]) + log_n - log_p).exp();
    EXPECT_LT((r.col(static_cast<Eigen::Index>(k)) - expected).abs().maxCoeff(), 1e-13) << k;
  }
  EXPECT_LT((r.rowwise().sum() - 1.0).abs().maxCoeff(), 4 * epsilon);
}

TEST(GaussianMixture, MomentsFollowTheLawOfTotalCovariance) {
  const GaussianMixture mixture = three_components();
  const Eigen::Vector2d mean(0.5 * 1.0 + 0.3 * -1.5 + 0.2 * 0.2, 0.5 * -0.5 + 0.3 * 0.8 + 0.2 * 2.0);
  Eigen::Matrix2d second = Eigen::Matrix2d::Zero();  // E[X Xᵀ] = Σ w_k (C_k + m_k m_kᵀ)
  for (std::size_t k = 0; k < 3; ++k) {
    second += mixture.weights()[k] * (mixture.covariances()[k] + mixture.means()[k] * mixture.means()[k].transpose());
  }
  EXPECT_LT((mixture.mean() - mean).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LT((mixture.covariance() - (second - mean * mean.transpose())).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(GaussianMixture, NoisedComponentsAndMomentsArePushedThroughTheAffineMap) {
  const GaussianMixture mixture = three_components();
  const double alpha = 0.6, sigma = 0.7;
  const GaussianMixture noised = mixture.noised(alpha, sigma);
  const Eigen::Matrix2d identity = Eigen::Matrix2d::Identity();
  // Law of αX + σε: mean α m, covariance α² Σ + σ² I.
  EXPECT_LT((noised.mean() - alpha * mixture.mean()).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LT((noised.covariance() - (alpha * alpha * mixture.covariance() + sigma * sigma * identity)).cwiseAbs().maxCoeff(),
            1e-14);
  // The mapped factors give the density of the mixture built from scratch.
  std::vector<Eigen::MatrixXd> covariances;
  std::vector<Eigen::VectorXd> means;
  for (std::size_t k = 0; k < 3; ++k) {
    means.push_back(alpha * mixture.means()[k]);
    covariances.push_back(alpha * alpha * mixture.covariances()[k] + sigma * sigma * identity);
  }
  const GaussianMixture direct(mixture.weights(), means, covariances);
  EXPECT_LT((noised.log_density(points()) - direct.log_density(points())).abs().maxCoeff(), 1e-13);
  EXPECT_LT((noised.score(points()) - direct.score(points())).abs().maxCoeff(), 1e-13);
}

TEST(GaussianMixture, NoisedEmpiricalLawIsTheIsotropicMixtureAndUnnoisedHasNoDensity) {
  Eigen::ArrayXXd data(3, 2);
  data << 0.0, 1.0, -2.0, 0.5, 1.5, -1.0;
  const GaussianMixture empirical = GaussianMixture::empirical(data);
  EXPECT_FALSE(empirical.has_density());
  KOLMO_EXPECT_THROW_NAMING((void)empirical.log_density(points()), "covariances[0]");
  KOLMO_EXPECT_THROW_NAMING((void)empirical.score(points()), "covariances[0]");

  const double sigma = 0.4;
  const GaussianMixture noised = empirical.noised(1.0, sigma);
  ASSERT_TRUE(noised.has_density());
  // Σ_i (1/n) N(x; x_i, σ² I) in closed form.
  for (Eigen::Index p = 0; p < points().rows(); ++p) {
    double density = 0.0;
    for (Eigen::Index i = 0; i < 3; ++i) {
      const double squared = (points().row(p) - data.row(i)).square().sum();
      density += std::exp(-squared / (2 * sigma * sigma)) / (2 * std::numbers::pi * sigma * sigma) / 3;
    }
    EXPECT_NEAR(noised.log_density(points().row(p))[0], std::log(density), 1e-13 * (1 - std::log(density))) << p;
  }
}

TEST(GaussianMixture, SamplesHaveTheMixtureMeanAndCovariance) {
  const GaussianMixture mixture = three_components();
  constexpr std::uint64_t seed = 20260705;
  constexpr std::size_t n = 200'000;
  const Eigen::ArrayXXd x = mixture.sample(seed, 0, n, 2);
  const Eigen::RowVectorXd mean = x.colwise().mean().matrix();
  const Eigen::MatrixXd centred = x.matrix().rowwise() - mean;
  const Eigen::MatrixXd covariance = centred.transpose() * centred / static_cast<double>(n - 1);
  const Eigen::Vector2d true_mean = mixture.mean();
  const Eigen::Matrix2d true_covariance = mixture.covariance();
  for (Eigen::Index i = 0; i < 2; ++i) {
    // 4 standard errors: the mean's is √(Var/n), a covariance entry's √(Var[(x_i − m_i)(x_j − m_j)]/n).
    EXPECT_NEAR(mean[i], true_mean[i], 4 * std::sqrt(true_covariance(i, i) / n)) << "seed " << seed;
    for (Eigen::Index j = 0; j < 2; ++j) {
      const Eigen::ArrayXd product = centred.col(i).array() * centred.col(j).array();
      const double standard_error = std::sqrt((product - product.mean()).square().mean() / n);
      EXPECT_NEAR(covariance(i, j), true_covariance(i, j), 4 * standard_error) << "seed " << seed << " (" << i << j << ")";
    }
  }
}

TEST(GaussianMixture, SamplesArePureFunctionsOfSeedAndPath) {
  const GaussianMixture mixture = three_components();
  const Eigen::ArrayXXd one = mixture.sample(7, 0, 10'000, 1);
  const Eigen::ArrayXXd four = mixture.sample(7, 0, 10'000, 4);
  EXPECT_TRUE((one == four).all());
  EXPECT_TRUE((mixture.sample(7, 1234, 100, 1) == one.middleRows(1234, 100)).all());
  EXPECT_FALSE((mixture.sample(8, 0, 10'000, 1) == one).all());
  // The empirical law draws data points, each about 1/3 of the time.
  const Eigen::ArrayXXd data = (Eigen::ArrayXXd(3, 1) << -1.0, 0.0, 4.0).finished();
  const Eigen::ArrayXXd draws = GaussianMixture::empirical(data).sample(7, 0, 3000, 1);
  EXPECT_TRUE((draws == -1.0 || draws == 0.0 || draws == 4.0).all());
}

TEST(GaussianMixture, RejectsBadParametersNamingThem) {
  const Eigen::Vector2d m(0.0, 0.0);
  const Eigen::Matrix2d c = Eigen::Matrix2d::Identity();
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture({}, {}, {}), "weights.size()");
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture({0.5, 0.4}, {m, m}, {c, c}), "sum of weights");
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture({1.2, -0.2}, {m, m}, {c, c}), "weights[1]");
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture({0.5, 0.5}, {m}, {c, c}), "means.size()");
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture({0.5, 0.5}, {m, Eigen::Vector3d::Zero()}, {c, c}), "means[1].size()");
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture({0.5, 0.5}, {m, m}, {c, Eigen::Matrix3d::Identity()}), "covariances[1]");
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture::gaussian(m, matrix2(1.0, 0.5, 0.3, 1.0)), "covariances[0]");
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture::gaussian(m, matrix2(1.0, NAN, NAN, 1.0)), "covariances[0]");
  KOLMO_EXPECT_THROW_NAMING(GaussianMixture::gaussian(Eigen::Vector2d(0.0, INFINITY), c), "means[0]");
  try {
    (void)GaussianMixture::gaussian(m, matrix2(1.0, 2.0, 2.0, 1.0));  // eigenvalues 3 and −1
    ADD_FAILURE() << "a matrix that is not positive semi-definite was accepted";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("'covariances[0]' = [[1, 2], [2, 1]] (smallest eigenvalue -0.9999"), std::string::npos) << message;
  }

  const GaussianMixture mixture = three_components();
  KOLMO_EXPECT_THROW_NAMING((void)mixture.score(Eigen::ArrayXXd::Zero(4, 3)), "points.cols()");
  KOLMO_EXPECT_THROW_NAMING((void)mixture.log_density((Eigen::ArrayXXd(2, 2) << 0, 0, 1, NAN).finished()), "points(1, 1)");
  KOLMO_EXPECT_THROW_NAMING((void)mixture.cdf(Eigen::ArrayXd::Zero(2)), "dimension()");
  KOLMO_EXPECT_THROW_NAMING((void)mixture.noised(1.0, -0.1), "sigma");
  KOLMO_EXPECT_THROW_NAMING((void)mixture.noised(NAN, 0.1), "alpha");
  KOLMO_EXPECT_THROW_NAMING((void)mixture.sample(1, 0, 10, 0), "threads");
  KOLMO_EXPECT_THROW_NAMING((void)GaussianMixture::empirical(Eigen::ArrayXXd(0, 2)), "data.rows()");
}

}  // namespace
}  // namespace kolmo::distribution
