// Parity with k-diffusion (github.com/crowsonkb/k-diffusion, k_diffusion/sampling.py), the
// reference implementation of EDM's samplers that practitioners run: sample_heun (Karras et al.
// 2022, Alg. 1, and Alg. 2 with churn), sample_euler_ancestral, sample_dpmpp_2m_sde
// (SDE-DPM-Solver++(2M), midpoint and heun forms) and sample_dpmpp_2s_ancestral, in float64 with the exact
// denoiser of a 2-D mixture under the EDM schedule (σ = t from 80 to 0.002), from 16 fixed start
// points, written once by benchmarks/peers/k_diffusion_reference.py into fixtures/. The
// stochastic runs used Kolmo's own normals at (seed, brownian, path, step), so Kolmo's EdmHeun,
// DDIM(η) (which k-diffusion's Euler-ancestral equals: D + σ_down ε̂ + σ_up z),
// SdeDpmSolverPlusPlus2M and DpmSolverPlusPlus2SAncestral must reproduce
// every coordinate to 1e-10.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/sampling/ddim.hpp"
#include "kolmo/sampling/dpm_solver_ancestral.hpp"
#include "kolmo/sampling/edm.hpp"
#include "kolmo/sampling/sde_dpm_solver.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/reference_fixture.hpp"

namespace kolmo::sampling {
namespace {

using test_support::fixture_matrix;
using test_support::fixture_mixture;

TEST(KDiffusionReference, EverySamplerMatchesKDiffusion) {
  const nlohmann::json f = test_support::sampler_fixture("k_diffusion_reference.json");
  const auto edm = process::NoiseSchedule::edm(f["sigma_max"]);
  const auto model = score::mixture_score(distribution::DiffusedMixture(fixture_mixture(f["mixture"]), edm));
  const Eigen::ArrayXXd start = fixture_matrix(f["start"]);
  const SamplerOptions options{.paths = static_cast<std::uint64_t>(start.rows())};
  ASSERT_EQ(f["runs"].size(), 13u);
  double worst = 0.0;
  for (const auto& r : f["runs"]) {
    const std::uint64_t seed = r.value("seed", 1);
    const SamplingProblem problem(model, edm, ensemble::InitialLaw::points(start), f["sigma_max"], f["sigma_min"], seed);
    SampleSolution solution;
    if (r["sampler"] == "heun") {
      EdmHeun method{.levels = r["levels"], .rho = r["rho"]};
      if (r.contains("churn")) {
        method.churn = r["churn"];
        method.churn_min = r["churn_min"];
        method.churn_max = r["churn_max"];
        method.noise_inflation = r["noise_inflation"];
      }
      solution = sample(problem, method, options);
      EXPECT_EQ(solution.stats.model_evaluations, 2 * method.levels - 1);
    } else if (r["sampler"] == "euler_ancestral") {
      solution = sample(problem, Ddim{.steps = r["steps"], .eta = r["eta"], .spacing = StepSpacing::uniform_time}, options);
    } else if (r["sampler"] == "dpmpp_2s_ancestral") {
      solution = sample(problem,
                        DpmSolverPlusPlus2SAncestral{.steps = r["steps"],
                                                     .eta = r["eta"],
                                                     .noise_inflation = r["noise_inflation"],
                                                     .spacing = StepSpacing::uniform_time},
                        options);
      EXPECT_EQ(solution.stats.model_evaluations, 2 * r["steps"].get<std::size_t>());
    } else {
      solution = sample(problem,
                        SdeDpmSolverPlusPlus2M{.steps = r["steps"],
                                               .eta = r["eta"],
                                               .noise_inflation = r["noise_inflation"],
                                               .form = r["form"] == "midpoint" ? SecondOrderForm::midpoint : SecondOrderForm::heun,
                                               .spacing = StepSpacing::uniform_time},
                        options);
    }
    ASSERT_TRUE(solution.status.ok()) << r.dump();
    const double difference = (solution.samples - fixture_matrix(r["end"])).abs().maxCoeff();
    worst = std::max(worst, difference);
    EXPECT_LE(difference, 1e-10) << r["sampler"] << " (" << solution.sampler << ") " << r.dump().substr(0, 120);
  }
  std::ostringstream worst_text;
  worst_text << std::scientific << worst;
  RecordProperty("worst_difference", worst_text.str());
}

}  // namespace
}  // namespace kolmo::sampling
