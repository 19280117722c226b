#include "kolmo/verify/report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verify {
namespace {

RunSummary sample_summary() {
  CaseResult good;
  good.info = {"ou/stationary-ks", "The OU law reaches its stationary law.", "Gardiner 3.8.4", Tier::fast,
               CaseKind::statistical, 105};
  good.seed = 105;
  good.alpha = 1.3e-5;
  good.outcome = p_value_at_least(0.42, good.alpha, "KS against the stationary law");
  good.outcome.details = {{"n", 262144}};
  good.verdict = Verdict::pass;
  good.seconds = 0.25;

  CaseResult bad;
  bad.info = {"random/normal-fourth-moment", "E[Z^4] = 3.", "Moments of N(0,1)", Tier::fast,
              CaseKind::statistical, 2};
  bad.seed = 2;
  bad.alpha = 1.3e-5;
  bad.outcome = within_sigma(3.1, 0.01, 3.0, bad.alpha);
  bad.verdict = Verdict::fail;
  bad.runs = 20;
  bad.failures = 20;
  bad.run_failed.assign(20, true);
  bad.sweep = SweepStatistics{1.0, 0.83, 1.0, 0.0, 20, 1.0, 0.0};

  RunSummary summary;
  summary.results = {good, bad};
  summary.passed = 1;
  summary.failed = 1;
  summary.seconds = 1.5;
  summary.sweep = {20, 20, 2.6e-5, 0.83, 1.0};
  return summary;
}

ReportContext sample_context() {
  ReportContext context;
  context.options.seeds = 20;
  context.provenance = collect_provenance("kolmo verify --seeds 20");
  context.budgets = {ErrorBudget{Tier::fast, 1e-3, 77, 1e-3 / 77}};
  return context;
}

TEST(Report, FormatMeasurementLeavesOutMissingUncertainty) {
  EXPECT_EQ(format_measurement(1.5, 0.25), "1.50000e+00 +- 2.5e-01");
  EXPECT_EQ(format_measurement(1.5, std::nan("")), "1.50000e+00");
}

TEST(Report, TableHasOneRowPerCaseAndTheSummaryLine) {
  std::ostringstream out;
  write_table(out, sample_summary());
  const std::string text = out.str();
  EXPECT_NE(text.find("ou/stationary-ks"), std::string::npos);
  EXPECT_NE(text.find("3.10000e+00 +- 1.0e-02"), std::string::npos);
  EXPECT_NE(text.find("FAIL 20/20"), std::string::npos);
  EXPECT_NE(text.find("1 passed, 1 failed"), std::string::npos);
  // Each row states its rule in words that fit its check.
  EXPECT_NE(text.find("p = 0.42 ≥ α = 1.3e-05"), std::string::npos) << text;
  EXPECT_NE(text.find("|z| = 10 > 4.36"), std::string::npos) << text;
  EXPECT_NE(text.find("suite: 20 of 20 seeds had a statistical failure"), std::string::npos) << text;
}

TEST(Report, JsonHasTheDocumentedFieldsAndNullForNan) {
  const nlohmann::json json = to_json(sample_summary(), sample_context());
  ASSERT_EQ(json["cases"].size(), 2u);
  const auto& c = json["cases"][0];
  for (const char* field : {"name", "claim", "tier", "seed", "measured", "uncertainty", "expected", "tolerance",
                            "passed", "seconds"}) {
    EXPECT_TRUE(c.contains(field)) << field;
  }
  EXPECT_EQ(c["name"], "ou/stationary-ks");
  EXPECT_EQ(c["tier"], "fast");
  EXPECT_EQ(c["seed"], 105);
  EXPECT_TRUE(c["uncertainty"].is_null());  // NaN: not applicable to a p-value
  EXPECT_EQ(c["passed"], true);
  EXPECT_EQ(c["details"]["n"], 262144);
  EXPECT_EQ(json["cases"][1]["failure_rate"], 1.0);
  EXPECT_EQ(json["summary"]["passed"], 1);
  EXPECT_EQ(json["summary"]["failed"], 1);
  EXPECT_EQ(json["summary"]["seconds"], 1.5);
  EXPECT_EQ(c["check"], "p_value");
  EXPECT_EQ(c["alpha"], 1.3e-5);
  EXPECT_EQ(c["p_value"], 0.42);
  EXPECT_EQ(json["cases"][1]["sweep"]["p_values"], 20);
  ASSERT_EQ(json["cases"][1]["failed_seeds"].size(), 20u);  // seeds 2 .. 21, to rerun one by one
  EXPECT_EQ(json["cases"][1]["failed_seeds"][0], 2);
  EXPECT_EQ(json["cases"][1]["failed_seeds"][19], 21);
  EXPECT_EQ(json["summary"]["sweep"]["failed_seeds"], 20);
  EXPECT_EQ(json["error_budget"]["tiers"]["fast"]["statistical_cases"], 77);
  // Provenance: what a reader needs to reproduce or cite the numbers.
  const auto& p = json["provenance"];
  for (const char* field : {"kolmo_version", "git", "build", "machine", "dependencies", "date_utc", "command_line"}) {
    EXPECT_TRUE(p.contains(field)) << field;
  }
  EXPECT_TRUE(p["git"].contains("commit") && p["git"].contains("dirty"));
  for (const char* dependency : {"eigen", "boost", "fftw", "random123", "nlohmann_json", "openmp"}) {
    EXPECT_FALSE(p["dependencies"][dependency].get<std::string>().empty()) << dependency;
  }
  EXPECT_EQ(p["command_line"], "kolmo verify --seeds 20");
  EXPECT_GT(p["machine"]["cores"].get<unsigned>(), 0u);
  // The document must survive a round trip through text (no NaN tokens).
  EXPECT_EQ(nlohmann::json::parse(json.dump()), json);
}

TEST(Report, MarkdownHasTableAndOneSectionPerCase) {
  std::ostringstream out;
  write_markdown(out, sample_summary(), sample_context());
  const std::string text = out.str();
  EXPECT_NE(text.find("**1 passed, 1 failed**"), std::string::npos);
  EXPECT_NE(text.find("| `ou/stationary-ks` |"), std::string::npos);
  EXPECT_NE(text.find("## `random/normal-fourth-moment`"), std::string::npos);
  EXPECT_NE(text.find("The OU law reaches its stationary law."), std::string::npos);
  EXPECT_NE(text.find("failures: 20 of 20 runs"), std::string::npos);
  EXPECT_NE(text.find("## Provenance"), std::string::npos);
  EXPECT_NE(text.find("commit `"), std::string::npos);
  EXPECT_NE(text.find("α = 1.3e-05"), std::string::npos);
  EXPECT_NE(text.find("77 statistical cases"), std::string::npos);
}

}  // namespace
}  // namespace kolmo::verify
