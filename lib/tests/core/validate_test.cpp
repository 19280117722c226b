#include "kolmo/core/validate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kolmo {
namespace {

std::string message_of(auto&& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no exception>";
}

TEST(Validate, DescribesValuesExactlyAndSpellsNonFinite) {
  EXPECT_EQ(describe_value(0.1), "0.10000000000000001");  // round-trip precision
  EXPECT_EQ(describe_value(std::nan("")), "nan");
  EXPECT_EQ(describe_value(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(describe_value(std::uint64_t{18446744073709551615ULL}), "18446744073709551615");
  EXPECT_EQ(describe_value(-3), "-3");
}

TEST(Validate, PositiveRejectsZeroNegativeAndNonFinite) {
  EXPECT_NO_THROW(require_positive("w", "dt", 1e-300));
  EXPECT_EQ(message_of([] { require_positive("kolmo::x", "dt", 0.0); }),
            "kolmo::x: parameter 'dt' = 0; expected a finite number > 0");
  EXPECT_THROW(require_positive("w", "dt", -1.0), Error);
  EXPECT_THROW(require_positive("w", "dt", std::numeric_limits<double>::infinity()), Error);
  EXPECT_THROW(require_positive("w", "dt", std::nan("")), Error);
}

TEST(Validate, NonNegativeFiniteAndIntervals) {
  EXPECT_NO_THROW(require_non_negative("w", "variance", 0.0));
  EXPECT_EQ(message_of([] { require_non_negative("w", "variance", -2.0); }),
            "w: parameter 'variance' = -2; expected a finite number >= 0");
  EXPECT_THROW(require_finite("w", "x", std::nan("")), Error);
  EXPECT_NO_THROW(require_open_interval("w", "level", 0.95, 0.0, 1.0));
  EXPECT_EQ(message_of([] { require_open_interval("w", "level", 1.0, 0.0, 1.0); }),
            "w: parameter 'level' = 1; expected a number in (0, 1)");
  EXPECT_NO_THROW(require_closed_interval("w", "p", 1.0, 0.0, 1.0));
  EXPECT_THROW(require_closed_interval("w", "p", std::nan(""), 0.0, 1.0), Error);
}

TEST(Validate, CountsAndGeneralConditions) {
  EXPECT_EQ(message_of([] { require_at_least("kolmo::y", "paths", 0, 1); }),
            "kolmo::y: parameter 'paths' = 0; expected at least 1");
  EXPECT_NO_THROW(require_at_least("w", "paths", 1, 1));
  EXPECT_EQ(message_of([] { require(false, "w", "tier", std::string_view("slow"), "fast or full"); }),
            "w: parameter 'tier' = slow; expected fast or full");
}

}  // namespace
}  // namespace kolmo
