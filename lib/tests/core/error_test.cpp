#include "kolmo/core/error.hpp"

#include <gtest/gtest.h>

#include "kolmo/core/status.hpp"

namespace kolmo {
namespace {

TEST(Error, BadArgumentMessageNamesWhereParameterValueAndExpectation) {
  try {
    throw_bad_argument("kolmo::demo", "dt", "-0.5", "a finite number > 0");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "kolmo::demo: parameter 'dt' = -0.5; expected a finite number > 0");
  }
}

TEST(Error, IsAStandardRuntimeError) {
  EXPECT_THROW(throw_bad_argument("w", "p", "v", "e"), std::runtime_error);
}

TEST(Status, SuccessIsOkAndFailuresCarryWhereAndWhat) {
  EXPECT_TRUE(Status::success().ok());
  const Status s = Status::failure(StatusCode::non_finite, "path 17 at t = 0.4375", "state became NaN");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.where, "path 17 at t = 0.4375");
  EXPECT_STREQ(to_string(s.code), "non_finite");
  EXPECT_STREQ(to_string(StatusCode::within_noise), "within_noise");
}

}  // namespace
}  // namespace kolmo
