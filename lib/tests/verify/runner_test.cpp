#include "kolmo/verify/runner.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "kolmo/core/error.hpp"
#include "kolmo/verify/error_budget.hpp"
#include "kolmo/verify/tolerance.hpp"
#include "support/expect_error.hpp"

namespace kolmo::verify {
namespace {

CaseInfo info(std::string name, CaseKind kind = CaseKind::statistical, std::uint64_t seed = 10) {
  return {std::move(name), "A claim.", "A source.", Tier::fast, kind, seed};
}

/// Passes unless its seed is one of `failing_seeds`; records the contexts it saw.
struct SeedSensitiveCase {
  std::vector<std::uint64_t> failing_seeds;
  std::shared_ptr<std::vector<RunContext>> seen = std::make_shared<std::vector<RunContext>>();
  Outcome operator()(const RunContext& context) const {
    seen->push_back(context);
    const bool fail = std::find(failing_seeds.begin(), failing_seeds.end(), context.seed) != failing_seeds.end();
    return p_value_at_least(fail ? 0.0 : 0.5, context.alpha, "a test");
  }
};

/// A registry of `cases` and the selection of all of them, in order.
struct Suite {
  Registry registry;
  std::vector<const Case*> selected;
  explicit Suite(std::vector<Case> cases) {
    for (auto& c : cases) registry.add(std::move(c));
    for (const auto& c : registry.cases()) selected.push_back(&c);
  }
  RunSummary run(const RunOptions& options, const RunCallbacks& callbacks = {}) const {
    return run_cases(registry, selected, options, callbacks);
  }
};

TEST(Runner, VerdictsForPassFailAndError) {
  const Suite suite({{info("t/pass"), [](const RunContext& c) { return within_sigma(0.5, 1.0, 0.0, c.alpha); }},
                     {info("t/fail"), [](const RunContext& c) { return within_sigma(50.0, 1.0, 0.0, c.alpha); }},
                     {info("t/throws"), [](const RunContext&) -> Outcome { throw std::runtime_error("boom"); }}});
  std::vector<std::string> streamed;
  RunCallbacks callbacks;
  callbacks.on_result = [&](const CaseResult& r) { streamed.push_back(r.info.name); };
  const RunSummary summary = suite.run({}, callbacks);

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

TEST(Runner, StatisticalCasesShareTheirTiersBudgetAndDeterministicOnesGetNone) {
  SeedSensitiveCase a, b, deterministic;
  const Suite suite({{info("t/a"), a}, {info("t/b"), b}, {info("t/det", CaseKind::deterministic), deterministic}});
  const RunSummary summary = suite.run({});
  EXPECT_DOUBLE_EQ(summary.results[0].alpha, fast_tier_budget / 2);
  EXPECT_DOUBLE_EQ((*a.seen)[0].alpha, fast_tier_budget / 2);
  EXPECT_TRUE(std::isnan((*deterministic.seen)[0].alpha));
  // A deterministic case that uses a statistical rule is an error, not a silent pass.
  EXPECT_EQ(summary.results[2].verdict, Verdict::error);
  EXPECT_NE(summary.results[2].message.find("alpha"), std::string::npos);

  // The split counts every registered case of the tier, so a filter does not change α.
  const RunSummary filtered = run_cases(suite.registry, {suite.selected[0]}, {});
  EXPECT_DOUBLE_EQ(filtered.results[0].alpha, fast_tier_budget / 2);
  const ErrorBudget budget = error_budget(suite.registry, Tier::fast);
  EXPECT_EQ(budget.statistical_cases, 2u);
  EXPECT_DOUBLE_EQ(budget.per_case, fast_tier_budget / 2);
}

TEST(Runner, SeedOverridesStatisticalCasesOnlyAndThreadsArePassed) {
  SeedSensitiveCase probe;
  const Suite suite({{info("t/seed", CaseKind::statistical, 42), probe},
                     {info("t/det", CaseKind::deterministic, 9),
                      [](const RunContext& c) { return within_absolute(static_cast<double>(c.seed), 9.0, 0.0, "seed"); }}});
  RunOptions options;
  options.threads = 3;
  auto summary = suite.run(options);
  EXPECT_EQ(summary.results[0].seed, 42u);
  options.seed = 7;
  summary = suite.run(options);
  EXPECT_EQ(summary.results[0].seed, 7u);
  EXPECT_EQ(summary.results[1].seed, 9u);  // deterministic: the declared (or baseline) seed
  EXPECT_EQ(summary.results[1].verdict, Verdict::pass);
  ASSERT_EQ(probe.seen->size(), 2u);
  EXPECT_EQ((*probe.seen)[0].seed, 42u);
  EXPECT_EQ((*probe.seen)[1].seed, 7u);
  EXPECT_EQ((*probe.seen)[1].threads, 3);
}

TEST(Runner, SeedSweepFailsACaseOnlyWhenItsFailureCountIsImprobableAtItsAlpha) {
  SeedSensitiveCase one_failure{{105}};
  SeedSensitiveCase two_failures{{100, 119}};
  SeedSensitiveCase deterministic;
  const Suite suite({{info("t/one", CaseKind::statistical, 100), one_failure},
                     {info("t/two", CaseKind::statistical, 100), two_failures},
                     {info("t/det", CaseKind::deterministic, 100),
                      [](const RunContext&) { return within_absolute(0.0, 0.0, 0.0, "exact"); }}});
  RunOptions options;
  options.seeds = 20;
  const auto summary = suite.run(options);
  const double alpha = fast_tier_budget / 2;

  ASSERT_EQ(one_failure.seen->size(), 20u);
  for (std::uint64_t k = 0; k < 20; ++k) EXPECT_EQ((*one_failure.seen)[k].seed, 100 + k);
  const CaseResult& one = summary.results[0];
  EXPECT_EQ(one.runs, 20);
  EXPECT_EQ(one.failures, 1);
  ASSERT_TRUE(one.sweep.has_value());
  // P(Binomial(20, α) ≥ 1) = 1 − (1 − α)^20 ≈ 20 α > α: one failure is bad luck.
  EXPECT_NEAR(one.sweep->binomial_tail, 1 - std::pow(1 - alpha, 20), 1e-12);
  EXPECT_EQ(one.verdict, Verdict::pass);
  // Two failures: P ≈ 190 α² < α.
  EXPECT_EQ(summary.results[1].failures, 2);
  EXPECT_LT(summary.results[1].sweep->binomial_tail, alpha);
  EXPECT_EQ(summary.results[1].verdict, Verdict::fail);
  EXPECT_EQ(one.p_values.size(), 20u);
  EXPECT_EQ(one.p_values[5], 0.0);  // seed 105 failed
  EXPECT_TRUE(one.run_failed[5]);
  EXPECT_FALSE(one.run_failed[6]);
  // Clopper–Pearson for 1 of 20: [0.00127, 0.249].
  EXPECT_NEAR(one.sweep->failure_rate_lower, 0.0012650895, 1e-8);
  EXPECT_NEAR(one.sweep->failure_rate_upper, 0.2487334, 1e-6);
  EXPECT_EQ(summary.results[2].runs, 1);  // deterministic cases run once
  EXPECT_FALSE(summary.results[2].sweep.has_value());
  // Suite: seeds 100, 105 and 119 had a failure.
  EXPECT_EQ(summary.sweep.seeds, 20);
  EXPECT_EQ(summary.sweep.failed_seeds, 3);
  EXPECT_DOUBLE_EQ(summary.sweep.declared_rate, fast_tier_budget);
}

TEST(Runner, ProgressIsReportedBeforeEveryRun) {
  SeedSensitiveCase a;
  const Suite suite({{info("t/a"), a}, {info("t/det", CaseKind::deterministic),
                                        [](const RunContext&) { return within_absolute(0, 0, 0, "exact"); }}});
  RunOptions options;
  options.seeds = 3;
  std::vector<Progress> seen;
  RunCallbacks callbacks;
  callbacks.on_progress = [&](const Progress& p) { seen.push_back(p); };
  (void)suite.run(options, callbacks);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].runs_total, 4u);
  EXPECT_EQ(seen[2].run_index, 2);
  EXPECT_EQ(seen[2].runs_done, 2u);
  EXPECT_EQ(seen[3].case_index, 1u);
  EXPECT_EQ(seen[3].info->name, "t/det");
}

TEST(Runner, AnExceptionInAnySeedIsAnError) {
  const Suite suite({{info("t/throws-once", CaseKind::statistical, 0), [](const RunContext& context) {
                        if (context.seed == 3) throw std::runtime_error("singular at seed 3");
                        return within_sigma(0.0, 1.0, 0.0, context.alpha);
                      }}});
  RunOptions options;
  options.seeds = 20;
  const CaseResult r = suite.run(options).results.at(0);
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
  KOLMO_EXPECT_THROW_NAMING(clopper_pearson(3, 2), "failures");
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

  /// A deterministic case whose measurement is value + seed / 1000; returns the result of one run.
  CaseResult run_with(double value, bool update = false, std::optional<std::uint64_t> seed = std::nullopt) {
    const Suite suite({{info("area/det", CaseKind::deterministic, 5), [value](const RunContext& c) {
                          return within_absolute(value + static_cast<double>(c.seed) / 1000, 1.0, 0.5, "near 1");
                        }}});
    RunOptions options;
    options.baselines = directory;
    options.update_baselines = update;
    options.seed = seed;
    return suite.run(options).results.at(0);
  }

  std::filesystem::path directory;
};

TEST_F(RunnerBaselines, AMissingDirectoryIsAnErrorAndAMissingEntryANote) {
  try {
    (void)run_with(1.0);
    ADD_FAILURE() << "expected kolmo::Error for a missing baselines directory";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("does not exist"), std::string::npos) << error.what();
  }
  std::filesystem::create_directories(directory);
  const CaseResult r = run_with(1.0);
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_FALSE(r.baseline.has_value());
  EXPECT_NE(r.message.find("no baseline"), std::string::npos);
}

TEST_F(RunnerBaselines, UpdateRecordsThenDriftIsFlagged) {
  EXPECT_EQ(run_with(1.25, /*update=*/true).verdict, Verdict::pass);  // creates the directory
  EXPECT_TRUE(std::filesystem::exists(directory / "area.json"));

  const CaseResult same = run_with(1.25);
  EXPECT_EQ(same.verdict, Verdict::pass);
  ASSERT_TRUE(same.baseline.has_value());
  EXPECT_EQ(*same.baseline, 1.255);

  EXPECT_EQ(run_with(1.25 * (1 + 1e-10)).verdict, Verdict::pass);  // within the 1e-8 default
  const CaseResult drifted = run_with(1.25 * (1 + 1e-6));           // still within its own tolerance
  EXPECT_EQ(drifted.verdict, Verdict::drift);
  EXPECT_NE(drifted.message.find("drift"), std::string::npos);
  EXPECT_FALSE(drifted.passed());

  EXPECT_EQ(run_with(1.3, /*update=*/true).verdict, Verdict::pass);  // updating accepts the new value
  EXPECT_EQ(run_with(1.3).verdict, Verdict::pass);
}

TEST_F(RunnerBaselines, DeterministicCasesRunWithTheSeedTheirBaselineWasRecordedWith) {
  EXPECT_EQ(run_with(1.25, /*update=*/true).seed, 5u);
  // --seed does not move a deterministic case away from its baseline.
  const CaseResult r = run_with(1.25, false, 77);
  EXPECT_EQ(r.seed, 5u);
  EXPECT_EQ(r.verdict, Verdict::pass);
}

}  // namespace
}  // namespace kolmo::verify
