#include "kolmo/score/kernel_score.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/score/objective.hpp"
#include "support/bimodal_mixture.hpp"
#include "support/expect_error.hpp"

namespace kolmo::score {
namespace {

Eigen::ArrayXXd data(std::size_t n) { return test_support::bimodal_mixture().sample(31, 0, n); }

TEST(KernelScore, FittedLossIsTheIsmOfTheModelOnItsData) {
  const Eigen::ArrayXXd x = data(300);
  const KernelScoreFit fit = fit_kernel_score(x, {.bandwidth = 0.5, .ridge = 1e-3, .basis_points = 120});
  const ObjectiveEstimate ism = evaluate(ImplicitScoreMatching{}, fit.model, x, 0);
  EXPECT_NEAR(fit.ism_loss, ism.value, 1e-10 * std::abs(ism.value));
  EXPECT_LT(fit.relative_residual, 1e-10);
  EXPECT_LT(fit.ism_loss, 0.0);  // ISM = ESM − ½E|∇log p|² < 0 for any fit better than s = 0
  EXPECT_EQ(fit.centres.rows(), 120);
}

TEST(KernelScore, CoefficientsMinimiseTheRidgePenalisedLoss) {
  // J is quadratic: J(a + δ e) − J(a) = ½ δ² (G + λI)_ee > 0 at the minimiser, for ±δ alike.
  const Eigen::ArrayXXd x = data(80);
  const KernelScoreFit fit = fit_kernel_score(x, {.bandwidth = 0.7, .ridge = 1e-2});
  for (const Eigen::Index j : {0, 17, 79}) {
    const auto loss_at = [&](double delta) {
      Eigen::VectorXd a = fit.coefficients;
      a[j] += delta;
      // Rebuild the score of the shifted coefficients from the fit's centres.
      const ScoreModel model("shifted", 2, [&](double, const process::StateView& p) -> Eigen::ArrayXXd {
        Eigen::ArrayXXd s = Eigen::ArrayXXd::Zero(p.rows(), 2);
        for (Eigen::Index c = 0; c < fit.centres.rows(); ++c) {
          Eigen::ArrayXXd diff = p;
          diff.rowwise() -= fit.centres.row(c);
          const Eigen::ArrayXd k = (-diff.square().rowwise().sum() / (2.0 * 0.49)).exp();
          s -= (diff.colwise() * k) * (a[c] / 0.49);
        }
        return s;
      });
      Eigen::ArrayXd divergence = fit.model.divergence(0.0, x).col(0);
      // ∇·s is linear in a: add δ Δk(x, c_j).
      Eigen::ArrayXXd diff = x;
      diff.rowwise() -= fit.centres.row(j);
      const Eigen::ArrayXd r2 = diff.square().rowwise().sum();
      divergence += delta * (-r2 / (2.0 * 0.49)).exp() * (r2 / (0.49 * 0.49) - 2.0 / 0.49);
      const Eigen::ArrayXXd s = model.score(0.0, x);
      return (divergence + 0.5 * s.square().rowwise().sum()).mean() + 0.5 * 1e-2 * a.squaredNorm();
    };
    const double at_minimum = loss_at(0.0);
    EXPECT_NEAR(at_minimum, fit.regularised_loss, 1e-10 * std::abs(at_minimum));
    EXPECT_GT(loss_at(1e-3), at_minimum);
    EXPECT_GT(loss_at(-1e-3), at_minimum);
  }
}

TEST(KernelScore, DerivativesMatchFiniteDifferences) {
  const KernelScoreFit fit = fit_kernel_score(data(100), {.ridge = 1e-3});
  EXPECT_GT(fit.bandwidth, 0.0);  // the median heuristic
  const Eigen::ArrayXXd x = test_support::spread_points();
  Eigen::ArrayXXd v = x.reverse();
  const double h = 1e-6;
  const Eigen::ArrayXXd numeric = (fit.model.score(0, x + h * v) - fit.model.score(0, x - h * v)) / (2.0 * h);
  EXPECT_LT((fit.model.jacobian_vector_product(0, x, v) - numeric).abs().maxCoeff(), 1e-7 * (1 + numeric.abs().maxCoeff()));
  Eigen::ArrayXd trace = Eigen::ArrayXd::Zero(x.rows());
  for (Eigen::Index j = 0; j < 2; ++j) {
    Eigen::ArrayXXd e = Eigen::ArrayXXd::Zero(x.rows(), 2);
    e.col(j).setOnes();
    trace += fit.model.jacobian_vector_product(0, x, e).col(j);
  }
  EXPECT_LT((fit.model.divergence(0, x).col(0) - trace).abs().maxCoeff(), 1e-12 * (1 + trace.abs().maxCoeff()));
}

TEST(KernelScore, BadInputIsAClearError) {
  const Eigen::ArrayXXd x = data(10);
  KOLMO_EXPECT_THROW_NAMING((void)fit_kernel_score(Eigen::ArrayXXd(1, 2)), "data");
  KOLMO_EXPECT_THROW_NAMING((void)fit_kernel_score(x, {.bandwidth = -1.0}), "options.bandwidth");
  KOLMO_EXPECT_THROW_NAMING((void)fit_kernel_score(x, {.ridge = 0.0}), "options.ridge");
  KOLMO_EXPECT_THROW_NAMING((void)fit_kernel_score(x, {.basis_points = 11}), "options.basis_points");
  KOLMO_EXPECT_THROW_NAMING((void)fit_kernel_score(Eigen::ArrayXXd::Ones(5, 2)), "data");
}

}  // namespace
}  // namespace kolmo::score
