#include "kolmo/verify/runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "kolmo/verify/tolerance.hpp"
#include "support/expect_error.hpp"

namespace kolmo::verify {
namespace {

CaseInfo info(std::string name, CaseKind kind = CaseKind::statistical, std::uint64_t seed = 10) {
  return {std::move(name), "A claim.", "A source.", Tier::fast, kind, seed};
}

/// Passes unless its seed is one of `failing_seeds`; records the seeds and threads it saw.
struct SeedSensitiveCase {
  std::vector<std::uint64_t> failing_seeds;
  std::shared_ptr<std::vector<RunContext>> seen = std::make_shared<std::vector<RunContext>>();
  Outcome operator()(const RunContext& context) const {
    seen->push_back(context);
    const bool fail = std::find(failing_seeds.begin(), failing_seeds.end(), context.seed) != failing_seeds.end();
    return within_sigma(fail ? 10.0 : 0.0, 1.0, 0.0);
  }
};

TEST(Runner, VerdictsForPassFailAndError) {
  const std::vector<Case> cases{
      {info("t/pass"), [](const RunContext&) { return within_sigma(0.5, 1.0, 0.0); }},
      {info("t/fail"), [](const RunContext&) { return within_sigma(5.0, 1.0, 0.0); }},
      {info("t/throws"), [](const RunContext&) -> Outcome { throw std::runtime_error("boom"); }}};
  std::vector<const Case*> selected;
  for (const auto& c : cases) selected.push_back(&c);
  std::vector<std::string> streamed;
  const RunSummary summary =
      run_cases(selected, {}, [&](const CaseResult& r) { streamed.push_back(r.info.name); });

  ASSERT_EQ(summary.results.size(), 3u);
  EXPECT_EQ(streamed, (std::vector<std::string>{"t/pass", "t/fail", "t/throws"}));
  EXPECT_EQ(summary.results[0].verdict, Verdict::pass);
  EXPECT_EQ(summary.results[1].verdict, Verdict::fail);
  EXPECT_EQ(summary.results[2].verdict, Verdict::error);
  EXPECT_NE(summary.results[2].message.find("boom"), std::string::npos);
  EXPECT_TRUE(std::isnan(summary.results[2].outcome.measured));
  EXPECT_EQ(summary.passed, 1);
  EXPECT_EQ(summary.failed, 2);
  EXPECT_FALSE(summary.all_passed());
  for (const auto& r : summary.results) EXPECT_GE(r.seconds, 0.0);
}

TEST(Runner, UsesDeclaredSeedUnlessOverriddenAndPassesThreads) {
  SeedSensitiveCase probe;
  const Case c{info("t/seed", CaseKind::statistical, 42), probe};
  RunOptions options;
  options.threads = 3;
  auto summary = run_cases({&c}, options);
  EXPECT_EQ(summary.results[0].seed, 42u);
  options.seed = 7;
  summary = run_cases({&c}, options);
  EXPECT_EQ(summary.results[0].seed, 7u);
  ASSERT_EQ(probe.seen->size(), 2u);
  EXPECT_EQ((*probe.seen)[0].seed, 42u);
  EXPECT_EQ((*probe.seen)[1].seed, 7u);
  EXPECT_EQ((*probe.seen)[1].threads, 3);
}

TEST(Runner, SeedsRerunsStatisticalCasesOverConsecutiveSeeds) {
  SeedSensitiveCase one_failure{{105}};
  SeedSensitiveCase two_failures{{100, 119}};
  SeedSensitiveCase deterministic;
  const std::vector<Case> cases{{info("t/one", CaseKind::statistical, 100), one_failure},
                                {info("t/two", CaseKind::statistical, 100), two_failures},
                                {info("t/det", CaseKind::deterministic, 100), deterministic}};
  RunOptions options;
  options.seeds = 20;
  const auto summary = run_cases({&cases[0], &cases[1], &cases[2]}, options);

  ASSERT_EQ(one_failure.seen->size(), 20u);
  for (std::uint64_t k = 0; k < 20; ++k) EXPECT_EQ((*one_failure.seen)[k].seed, 100 + k);
  EXPECT_EQ(summary.results[0].runs, 20);
  EXPECT_EQ(summary.results[0].failures, 1);
  EXPECT_DOUBLE_EQ(summary.results[0].failure_rate(), 0.05);
  EXPECT_EQ(summary.results[0].verdict, Verdict::pass);  // 1/20 is the most allowed
  ASSERT_EQ(summary.results[0].measurements.size(), 20u);
  EXPECT_EQ(summary.results[0].measurements[5], 10.0);  // seed 105 failed
  EXPECT_EQ(summary.results[0].measurements[6], 0.0);
  EXPECT_EQ(summary.results[1].failures, 2);
  EXPECT_EQ(summary.results[1].verdict, Verdict::fail);  // 2/20 > 1/20
  EXPECT_EQ(deterministic.seen->size(), 1u);             // deterministic cases run once
  EXPECT_EQ(summary.results[2].runs, 1);
}

TEST(Runner, AnExceptionInAnySeedIsAnError) {
  const Case c{info("t/throws-once", CaseKind::statistical, 0), [](const RunContext& context) {
                 if (context.seed == 3) throw std::runtime_error("singular at seed 3");
                 return within_sigma(0.0, 1.0, 0.0);
               }};
  RunOptions options;
  options.seeds = 20;
  const CaseResult r = run_cases({&c}, options).results.at(0);
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_EQ(r.failures, 1);
  EXPECT_NE(r.message.find("singular at seed 3"), std::string::npos);
  EXPECT_TRUE(std::isnan(r.measurements.at(3)));
}

TEST(Runner, ValidatesOptions) {
  RunOptions options;
  options.threads = 0;
  KOLMO_EXPECT_THROW_NAMING(validate(options), "--threads");
  options = {};
  options.seeds = 0;
  KOLMO_EXPECT_THROW_NAMING(validate(options), "--seeds");
  options = {};
  options.update_baselines = true;
  KOLMO_EXPECT_THROW_NAMING(validate(options), "--update-baselines");
}

class RunnerBaselines : public ::testing::Test {
 protected:
  void SetUp() override {
    directory = std::filesystem::temp_directory_path() /
                ("kolmo-runner-baselines-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory);
  }
  void TearDown() override { std::filesystem::remove_all(directory); }

  /// A deterministic case whose measurement is *value; returns the verdict of one run.
  CaseResult run_with(double value, bool update = false) {
    const Case c{info("area/det", CaseKind::deterministic),
                 [value](const RunContext&) { return within_absolute(value, 1.0, 0.5, "near 1"); }};
    RunOptions options;
    options.baselines = directory;
    options.update_baselines = update;
    return run_cases({&c}, options).results.at(0);
  }

  std::filesystem::path directory;
};

TEST_F(RunnerBaselines, MissingBaselineIsANoteNotAFailure) {
  const CaseResult r = run_with(1.0);
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_FALSE(r.baseline.has_value());
  EXPECT_NE(r.message.find("no baseline"), std::string::npos);
}

TEST_F(RunnerBaselines, UpdateRecordsThenDriftIsFlagged) {
  EXPECT_EQ(run_with(1.25, /*update=*/true).verdict, Verdict::pass);
  EXPECT_TRUE(std::filesystem::exists(directory / "area.json"));

  const CaseResult same = run_with(1.25);
  EXPECT_EQ(same.verdict, Verdict::pass);
  ASSERT_TRUE(same.baseline.has_value());
  EXPECT_EQ(*same.baseline, 1.25);

  EXPECT_EQ(run_with(1.25 * (1 + 1e-10)).verdict, Verdict::pass);  // within the 1e-8 default
  const CaseResult drifted = run_with(1.25 * (1 + 1e-6));           // still within its own tolerance
  EXPECT_EQ(drifted.verdict, Verdict::drift);
  EXPECT_NE(drifted.message.find("drift"), std::string::npos);
  EXPECT_FALSE(drifted.passed());

  EXPECT_EQ(run_with(1.3, /*update=*/true).verdict, Verdict::pass);  // updating accepts the new value
  EXPECT_EQ(run_with(1.3).verdict, Verdict::pass);
}

}  // namespace
}  // namespace kolmo::verify
