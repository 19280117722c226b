#include "kolmo/sampling/ddpm.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kolmo/process/discrete_schedule.hpp"
#include "kolmo/random/normal.hpp"
#include "support/single_gaussian.hpp"

namespace kolmo::sampling {
namespace {

TEST(Ddpm, OnADiscreteScheduleItIsHoEtAlsAlgorithmTwo) {
  // Ho et al. (2020), Alg. 2 written out with β_i and ᾱ_i of the discrete schedule:
  //   x_{i−1} = (x_i − β_i/√(1 − ᾱ_i) ε̂(x_i, i))/√(1 − β_i) + σ_i z,  σ_i² = β_i (1 − ᾱ_{i−1})/(1 − ᾱ_i),
  // z = 0 on the last step 1 → 0; the sampler runs on the continuous interpolation at
  // t_i = i T/N with t_max = T, t_min = T/N, N − 1 uniform steps, then denoise_final.
  constexpr std::size_t levels = 100;
  const process::DiscreteSchedule discrete = process::DiscreteSchedule::linear(levels, 1e-4, 0.2);
  const test_support::SingleGaussian law{discrete.as_continuous(), Eigen::RowVector2d(0.5, -1.0),
                                         Eigen::RowVector2d(0.3, 1.5)};
  const score::ScoreModel model = law.score();
  constexpr std::uint64_t seed = 21, paths = 64;
  const SamplingProblem problem(model, law.schedule, law.marginal(1.0), 1.0, discrete.time_of(1), seed);
  const SampleSolution result = sample(problem, Ddpm{.steps = levels - 1, .denoise_final = true}, {.paths = paths});
  ASSERT_TRUE(result.status.ok());

  Eigen::ArrayXXd x = problem.initial.sample(seed, 0, paths);
  for (std::size_t i = levels; i >= 1; --i) {
    const double beta = discrete.beta(i), alpha_bar = discrete.alpha_bar(i), previous = discrete.alpha_bar(i - 1);
    const Eigen::ArrayXXd epsilon = -std::sqrt(1.0 - alpha_bar) * model.score(discrete.time_of(i), x);
    x = (x - beta / std::sqrt(1.0 - alpha_bar) * epsilon) / std::sqrt(1.0 - beta);
    if (i > 1) {
      const std::size_t step = levels - i;  // the sampler's step index j
      for (std::uint64_t p = 0; p < paths; ++p) {
        for (Eigen::Index c = 0; c < 2; ++c) {
          const double z = random::standard_normal({seed, random::Purpose::brownian, p, step, static_cast<std::uint64_t>(c)});
          x(static_cast<Eigen::Index>(p), c) += std::sqrt(beta * (1.0 - previous) / (1.0 - alpha_bar)) * z;
        }
      }
    }
  }
  // The interpolated schedule meets ᾱ_i to rounding and the two updates round differently:
  // 1e-12 relative after 100 steps.
  EXPECT_LT((result.samples - x).abs().maxCoeff() / x.abs().maxCoeff(), 1e-12);
}

}  // namespace
}  // namespace kolmo::sampling
