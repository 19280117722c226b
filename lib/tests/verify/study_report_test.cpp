#include "kolmo/verify/study_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "kolmo/sde/euler_maruyama.hpp"
#include "support/gbm_study.hpp"

namespace kolmo::verify {
namespace {

TEST(StudyReport, WritesJsonCsvAndATable) {
  const sde::ConvergenceStudy study = sde::study_convergence(test_support::gbm_problem(), sde::EulerMaruyama{}, test_support::gbm_options());
  const nlohmann::json j = to_json(study);
  EXPECT_EQ(j["resolutions"].size(), 4u);
  EXPECT_EQ(j["strong_order"]["status"], "ok");
  EXPECT_EQ(j["theoretical_strong_order"], 0.5);
  EXPECT_TRUE(j["weak_orders"].contains("x"));
  std::ostringstream csv, table;
  write_csv(study, csv);
  write_table(study, table);
  const std::string text = csv.str();
  EXPECT_EQ(text.substr(0, 44), "dt,steps,strong_error,strong_error_se,strong");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
  EXPECT_NE(table.str().find("strong order (theory 0.5)"), std::string::npos);
}

}  // namespace
}  // namespace kolmo::verify
