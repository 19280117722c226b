#pragma once
// Test helper: a sampler's output against the exact Gaussian marginal p_t of a SingleGaussian —
// each coordinate's sample mean and variance within 5 standard errors (the variance's SE is that
// of a Gaussian sample, σ² √(2/n)).

#include <gtest/gtest.h>

#include <cmath>

#include "support/single_gaussian.hpp"

namespace kolmo::test_support {

inline void expect_gaussian_marginal(const Eigen::ArrayXXd& samples, const SingleGaussian& law, double t) {
  const Eigen::RowVectorXd sd = law.std_at(t);
  const double alpha = law.schedule.alpha(t);
  const auto n = static_cast<double>(samples.rows());
  for (Eigen::Index c = 0; c < samples.cols(); ++c) {
    const Eigen::ArrayXd x = samples.col(c);
    const double variance = (x - x.mean()).square().sum() / (n - 1.0);
    EXPECT_NEAR(x.mean(), alpha * law.mean(c), 5 * sd(c) / std::sqrt(n)) << "coordinate " << c;
    EXPECT_NEAR(variance, sd(c) * sd(c), 5 * sd(c) * sd(c) * std::sqrt(2.0 / n)) << "coordinate " << c;
  }
}

}  // namespace kolmo::test_support
