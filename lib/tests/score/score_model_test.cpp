#include "kolmo/score/score_model.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

/// The score of N(0, (1 + t) I): −x / (1 + t), divergence −d / (1 + t).
ScoreModel widening_gaussian(std::size_t d) {
  return ScoreModel("widening-gaussian", d,
                    [](double t, const process::StateView& x) -> Eigen::ArrayXXd { return -x / (1 + t); })
      .with_divergence([d](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return Eigen::ArrayXXd::Constant(x.rows(), 1, -static_cast<double>(d) / (1 + t));
      });
}

TEST(ScoreModel, EvaluatesTheWrappedFunctionsAndCountsPointsAcrossCopies) {
  const ScoreModel model = widening_gaussian(2);
  const ScoreModel copy = model;  // NOLINT(performance-unnecessary-copy-initialization): copies share the count
  const Eigen::ArrayXXd x = Eigen::ArrayXXd::Random(5, 2);
  EXPECT_TRUE((model.score(1.0, x) == -x / 2).all());
  EXPECT_TRUE((copy.divergence(1.0, x) == -1.0).all());
  (void)copy.score(0.0, x.topRows(3));
  EXPECT_EQ(model.evaluations(), 8u);
  EXPECT_EQ(copy.evaluations(), 8u);
  model.reset_evaluations();
  EXPECT_EQ(copy.evaluations(), 0u);
}

TEST(ScoreModel, CountsEvaluationsFromManyThreadsExactly) {
  const ScoreModel model = widening_gaussian(1);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([model] {
      for (int j = 0; j < 1000; ++j) (void)model.score(0.5, Eigen::ArrayXXd::Zero(3, 1));
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(model.evaluations(), 4u * 1000u * 3u);
}

/// A product supplied for one direction per row receives K directions per point with x repeated
/// K times; one supplied stacked receives x once. Both return the products in v's layout.
TEST(ScoreModel, JacobianVectorProductsTakeSeveralDirectionsPerPoint) {
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(2, 2) << 1.0, 2.0, 3.0, 4.0).finished();
  const Eigen::ArrayXXd v = Eigen::ArrayXXd::Random(6, 2);  // K = 3 directions per point
  // ∇s v for s(x) = −x ⊙ x / 2 (a made-up score whose Jacobian depends on the point): −x ⊙ v.
  const auto product = [](double, const process::StateView& at, const process::StateView& u) -> Eigen::ArrayXXd {
    return -at * u;
  };
  const auto score = [](double, const process::StateView& at) -> Eigen::ArrayXXd { return -0.5 * at.square(); };
  ScoreModel per_row("per-row", 2, score);
  per_row.with_jacobian_vector_product(product);
  const Eigen::ArrayXXd repeated = x.replicate(3, 1);
  EXPECT_TRUE((per_row.jacobian_vector_product(0.0, x, v) == -repeated * v).all());
  EXPECT_TRUE((per_row.jacobian_vector_product(0.0, x, v.topRows(2)) == -x * v.topRows(2)).all());
  Eigen::Index rows_seen = 0;
  ScoreModel stacked("stacked", 2, score);
  stacked.with_stacked_jacobian_vector_product(
      [&rows_seen](double, const process::StateView& at, const process::StateView& u) -> Eigen::ArrayXXd {
        rows_seen = at.rows();
        return -at.replicate(u.rows() / at.rows(), 1) * u;
      });
  EXPECT_TRUE((stacked.jacobian_vector_product(0.0, x, v) == -repeated * v).all());
  EXPECT_EQ(rows_seen, 2);
  KOLMO_EXPECT_THROW_NAMING((void)per_row.jacobian_vector_product(0.0, x, v.topRows(5)), "v");  // 5 rows: not K × 2
  KOLMO_EXPECT_THROW_NAMING((void)per_row.jacobian_vector_product(0.0, x, Eigen::ArrayXXd::Zero(1, 2)), "v");
  KOLMO_EXPECT_THROW_NAMING(per_row.with_stacked_jacobian_vector_product(nullptr), "product");
}

/// Hutchinson's quadratic forms zᵀ ∇s z, n × K: from the product dotted with z when only the
/// product is supplied, from the fused function when it is; shapes are checked both ways.
TEST(ScoreModel, JacobianQuadraticFormsComeFusedOrFromTheProduct) {
  const Eigen::ArrayXXd x = (Eigen::ArrayXXd(2, 2) << 1.0, 2.0, 3.0, 4.0).finished();
  const Eigen::ArrayXXd z = (Eigen::ArrayXXd(6, 2) << 1, -1, 2, 0.5, -1, 1, 0.5, 2, 1, 1, -2, 1).finished();  // K = 3
  const auto score = [](double, const process::StateView& at) -> Eigen::ArrayXXd { return -0.5 * at.square(); };
  // ∇s = −diag(x): zᵀ ∇s z = −Σ_j x_j z_j², for point i and direction k.
  Eigen::ArrayXXd expected(2, 3);
  for (Eigen::Index k = 0; k < 3; ++k) {
    for (Eigen::Index i = 0; i < 2; ++i) expected(i, k) = -(x.row(i) * z.row(k * 2 + i).square()).sum();
  }
  ScoreModel from_product("from-product", 2, score);
  EXPECT_FALSE(from_product.has_jacobian_quadratic_forms());
  KOLMO_EXPECT_THROW_NAMING((void)from_product.jacobian_quadratic_forms(0.0, x, z),
                            "Jacobian quadratic forms of from-product");
  from_product.with_jacobian_vector_product(
      [](double, const process::StateView& at, const process::StateView& u) -> Eigen::ArrayXXd { return -at * u; });
  EXPECT_TRUE(from_product.has_jacobian_quadratic_forms());
  EXPECT_TRUE((from_product.jacobian_quadratic_forms(0.0, x, z) == expected).all());
  ScoreModel fused("fused", 2, score);
  Eigen::Index rows_seen = 0;
  fused.with_jacobian_quadratic_forms([&](double, const process::StateView& at, const process::StateView& u) {
    rows_seen = u.rows();
    Eigen::ArrayXXd forms(at.rows(), u.rows() / at.rows());
    for (Eigen::Index k = 0; k < forms.cols(); ++k) {
      for (Eigen::Index i = 0; i < at.rows(); ++i) forms(i, k) = -(at.row(i) * u.row(k * at.rows() + i).square()).sum();
    }
    return forms;
  });
  EXPECT_TRUE(fused.has_jacobian_quadratic_forms());
  EXPECT_FALSE(fused.has_jacobian_vector_product());
  EXPECT_TRUE((fused.jacobian_quadratic_forms(0.0, x, z) == expected).all());
  EXPECT_EQ(rows_seen, 6);
  KOLMO_EXPECT_THROW_NAMING((void)fused.jacobian_quadratic_forms(0.0, x, z.topRows(5)), "z");
  KOLMO_EXPECT_THROW_NAMING((void)fused.jacobian_quadratic_forms(0.0, x, z.leftCols(1)), "z");
  ScoreModel wrong_shape("wrong-shape", 2, score);
  wrong_shape.with_jacobian_quadratic_forms(
      [](double, const process::StateView& at, const process::StateView&) -> Eigen::ArrayXXd { return at; });
  KOLMO_EXPECT_THROW_NAMING((void)wrong_shape.jacobian_quadratic_forms(0.0, x, z),
                            "Jacobian quadratic forms result of wrong-shape");
  KOLMO_EXPECT_THROW_NAMING(fused.with_jacobian_quadratic_forms(nullptr), "forms");
}

TEST(ScoreModel, RejectsMisuseAndWrongShapesNamingThem) {
  const auto identity = [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x; };
  KOLMO_EXPECT_THROW_NAMING(ScoreModel("", 1, identity), "name");
  KOLMO_EXPECT_THROW_NAMING(ScoreModel("m", 0, identity), "dimension");
  KOLMO_EXPECT_THROW_NAMING(ScoreModel("m", 1, nullptr), "score");
  ScoreModel model("m", 2, identity);
  KOLMO_EXPECT_THROW_NAMING(model.with_divergence(nullptr), "divergence");
  KOLMO_EXPECT_THROW_NAMING((void)model.divergence(0.0, Eigen::ArrayXXd::Zero(1, 2)), "divergence of m");
  KOLMO_EXPECT_THROW_NAMING((void)model.score(0.0, Eigen::ArrayXXd::Zero(4, 3)), "x");

  const ScoreModel wrong("wrong", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return Eigen::ArrayXXd::Zero(x.rows(), 1);
  });
  KOLMO_EXPECT_THROW_NAMING((void)wrong.score(0.0, Eigen::ArrayXXd::Zero(4, 2)), "score result of wrong");
  EXPECT_EQ(wrong.evaluations(), 0u);  // a rejected result is not counted
}

}  // namespace
}  // namespace kolmo::score
