// Parity with the official UniPC implementation (github.com/wl-zhao/UniPC, uni_pc.py): its end
// points for 48 option sets — B(h) variants bh1 and bh2, data and noise prediction, orders 1-3,
// logSNR and time-uniform steps, 5 and 10 steps, lower_order_final — from 16 start points, the
// exact noise prediction of a 2-D mixture under VP-linear(0.1, 20), float64, written once by
// benchmarks/peers/unipc_reference.py into fixtures/. Kolmo's UniPc must reproduce every
// coordinate to 1e-10 (the two differ by the rounding of α, σ, λ and of a 3 × 3 solve).

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/sampling/uni_pc.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "support/reference_fixture.hpp"

namespace kolmo::sampling {
namespace {

using test_support::fixture_matrix;

TEST(UniPcReference, EveryOptionSetMatchesTheOfficialImplementation) {
  const nlohmann::json f = test_support::sampler_fixture("unipc_reference.json");
  const auto schedule = process::NoiseSchedule::vp_linear(f["schedule"]["beta_min"], f["schedule"]["beta_max"]);
  const auto model = score::mixture_score(distribution::DiffusedMixture(test_support::fixture_mixture(f["mixture"]), schedule));
  const Eigen::ArrayXXd start = fixture_matrix(f["start"]);
  const SamplingProblem problem(model, schedule, ensemble::InitialLaw::points(start), f["t_start"], f["t_end"], 1);
  ASSERT_EQ(f["runs"].size(), 48u);
  double worst = 0.0;
  for (const auto& r : f["runs"]) {
    const UniPc method{.order = r["order"],
                       .steps = r["steps"],
                       .spacing = r["skip"] == "logSNR" ? StepSpacing::uniform_lambda : StepSpacing::uniform_time,
                       .prediction = r["algorithm"] == "data_prediction" ? Prediction::data : Prediction::noise,
                       .variant = r["variant"] == "bh1" ? UniPcVariant::bh1 : UniPcVariant::bh2};
    const SampleSolution solution = sample(problem, method, {.paths = static_cast<std::uint64_t>(start.rows())});
    ASSERT_TRUE(solution.status.ok()) << r.dump();
    EXPECT_EQ(solution.stats.model_evaluations, method.steps);
    const double difference = (solution.samples - fixture_matrix(r["end"])).abs().maxCoeff();
    worst = std::max(worst, difference);
    EXPECT_LE(difference, 1e-10) << r["variant"] << " " << r["algorithm"] << " " << r["skip"] << " order " << r["order"]
                                 << " steps " << r["steps"];
  }
  std::ostringstream worst_text;
  worst_text << std::scientific << worst;
  RecordProperty("worst_difference", worst_text.str());
}

}  // namespace
}  // namespace kolmo::sampling
