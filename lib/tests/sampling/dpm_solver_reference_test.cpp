// Parity with the official DPM-Solver implementation (github.com/LuChengTHU/dpm-solver,
// dpm_solver_pytorch.py): its end points for 64 option sets — singlestep with order mixing,
// singlestep of fixed order, multistep, adaptive DPM-Solver-12/23 (with its NFE); noise and data
// prediction; logSNR and time-uniform steps —
// from 16 start points, the exact noise prediction of a 2-D mixture under VP-linear(0.1, 20),
// float64, written once by benchmarks/peers/dpm_solver_reference.py into fixtures/. Kolmo's
// samplers with the same options must reproduce every coordinate to 1e-10: the two compute the
// same arithmetic up to the rounding of α, σ, λ and its inverse (~1e-15 relative), which the
// 20 steps amplify by far less than 1e5.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/dpm_solver_adaptive.hpp"
#include "kolmo/sampling/dpm_solver_multistep.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/reference_fixture.hpp"

namespace kolmo::sampling {
namespace {

using test_support::fixture_matrix;
using test_support::fixture_mixture;

SampleSolution run(const SamplingProblem& problem, const nlohmann::json& r, std::uint64_t paths) {
  const int order = r["order"];
  const std::size_t steps = r["steps"];
  const StepSpacing spacing = r["skip"] == "logSNR" ? StepSpacing::uniform_lambda : StepSpacing::uniform_time;
  const Prediction prediction = r["algorithm"] == "dpmsolver" ? Prediction::noise : Prediction::data;
  const SamplerOptions options{.paths = paths};
  if (r["method"] == "singlestep") {
    return sample(problem, DpmSolverFast{order, steps, spacing, prediction, InnerPoints::spacing}, options);
  }
  if (r["method"] == "adaptive") {
    return sample(problem,
                  DpmSolverAdaptive{.order = order,
                                    .absolute_tolerance = r["atol"],
                                    .relative_tolerance = r["rtol"],
                                    .prediction = prediction},
                  options);
  }
  if (r["method"] == "singlestep_fixed") {
    return sample(problem,
                  DpmSolver{.order = order, .steps = steps / static_cast<std::size_t>(order), .spacing = spacing,
                            .prediction = prediction, .inner_points = InnerPoints::spacing},
                  options);
  }
  return sample(problem, DpmSolverMultistep{order, steps, spacing, prediction, /*lower_order_final=*/true}, options);
}

TEST(DpmSolverReference, EveryOptionSetMatchesTheOfficialImplementation) {
  const nlohmann::json f = test_support::sampler_fixture("dpm_solver_reference.json");
  const auto schedule = process::NoiseSchedule::vp_linear(f["schedule"]["beta_min"], f["schedule"]["beta_max"]);
  const auto model = score::mixture_score(distribution::DiffusedMixture(fixture_mixture(f["mixture"]), schedule));
  const Eigen::ArrayXXd start = fixture_matrix(f["start"]);
  const SamplingProblem problem(model, schedule, ensemble::InitialLaw::points(start), f["t_start"], f["t_end"], 1);
  ASSERT_EQ(f["runs"].size(), 64u);
  double worst = 0.0;
  for (const auto& r : f["runs"]) {
    const SampleSolution solution = run(problem, r, static_cast<std::uint64_t>(start.rows()));
    ASSERT_TRUE(solution.status.ok()) << r.dump();
    const double difference = (solution.samples - fixture_matrix(r["end"])).abs().maxCoeff();
    worst = std::max(worst, difference);
    EXPECT_LE(difference, 1e-10) << r["method"] << " " << r["algorithm"] << " " << r["skip"] << " order " << r["order"]
                                 << " steps " << r["steps"] << " (" << solution.sampler << ")";
    // NFE: steps in every fixed-step method; the adaptive solver's as the reference printed it.
    const std::size_t nfe = r["method"] == "adaptive" ? r["nfe"].get<std::size_t>() : r["steps"].get<std::size_t>();
    EXPECT_EQ(solution.stats.model_evaluations, nfe) << r.dump().substr(0, 160);
  }
  std::ostringstream worst_text;
  worst_text << std::scientific << worst;
  RecordProperty("worst_difference", worst_text.str());
}

}  // namespace
}  // namespace kolmo::sampling
