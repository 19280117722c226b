#include "kolmo/verify/baseline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "kolmo/core/error.hpp"

namespace kolmo::verify {
namespace {

class BaselineFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    directory = std::filesystem::temp_directory_path() /
                (std::string("kolmo-baseline-test-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory);
  }
  void TearDown() override { std::filesystem::remove_all(directory); }
  void write(const std::string& file, const std::string& text) {
    std::filesystem::create_directories(directory);
    std::ofstream(directory / file) << text;
  }
  std::filesystem::path directory;
};

TEST(WithinBaseline, RelativeToleranceAroundTheRecordedValue) {
  const BaselineEntry entry{2.0, 1e-6, "2026-11-23", std::nullopt};
  EXPECT_TRUE(within_baseline(entry, 2.0));
  EXPECT_TRUE(within_baseline(entry, 2.0 + 1.9e-6));
  EXPECT_FALSE(within_baseline(entry, 2.0 + 2.1e-6));
  EXPECT_FALSE(within_baseline(entry, std::nan("")));
  const BaselineEntry zero{0.0, 1e-6, "", std::nullopt};
  EXPECT_TRUE(within_baseline(zero, 0.0));
  EXPECT_FALSE(within_baseline(zero, 1e-300));  // a recorded 0 demands exactly 0
}

TEST_F(BaselineFiles, MissingDirectoryIsAnErrorNamingIt) {
  // A missing directory must not silently disable every drift check.
  try {
    (void)BaselineStore::load(directory);
    ADD_FAILURE() << "expected kolmo::Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(directory.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("--no-baselines"), std::string::npos) << error.what();
  }
}

TEST_F(BaselineFiles, SeedsRoundTripAndOldEntriesHaveNone) {
  BaselineStore store;
  store.record("a/with-seed", {1.5, 1e-8, "2026-12-06", 42});
  store.record("a/without", {2.5, 1e-8, "2026-11-23", std::nullopt});
  store.save(directory);
  const BaselineStore loaded = BaselineStore::load(directory);
  EXPECT_EQ(loaded.find("a/with-seed")->seed, std::optional<std::uint64_t>(42));
  EXPECT_FALSE(loaded.find("a/without")->seed.has_value());
  write("b.json", R"({"b/c": {"measured": 1.0, "relative_tolerance": 0, "seed": -1}})");
  EXPECT_THROW((void)BaselineStore::load(directory), Error);
}

TEST_F(BaselineFiles, SaveWritesOneFilePerAreaAndRoundTripsExactly) {
  BaselineStore store;
  const double awkward = 0.1 + 0.2;  // needs all 17 digits to round-trip
  store.record("ou/variance-ode-rk4", {awkward, 1e-8, "2026-11-23", std::nullopt});
  store.record("random/brownian-refinement-exact", {0.0, 1e-8, "2026-11-23", std::nullopt});
  store.save(directory);
  EXPECT_TRUE(std::filesystem::exists(directory / "ou.json"));
  EXPECT_TRUE(std::filesystem::exists(directory / "random.json"));

  const BaselineStore loaded = BaselineStore::load(directory);
  ASSERT_EQ(loaded.size(), 2u);
  const auto entry = loaded.find("ou/variance-ode-rk4");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->measured, awkward);
  EXPECT_EQ(entry->relative_tolerance, 1e-8);
  EXPECT_EQ(entry->recorded, "2026-11-23");
  EXPECT_FALSE(loaded.find("ou/missing").has_value());
}

TEST_F(BaselineFiles, InvalidFilesAreErrorsNamingTheFile) {
  write("broken.json", "{ not json");
  try {
    (void)BaselineStore::load(directory);
    ADD_FAILURE() << "expected kolmo::Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("broken.json"), std::string::npos) << error.what();
  }
  std::filesystem::remove(directory / "broken.json");
  write("partial.json", R"({"a/b": {"measured": "one"}})");
  EXPECT_THROW((void)BaselineStore::load(directory), Error);
}

TEST_F(BaselineFiles, IgnoresFilesThatAreNotJson) {
  write("README.md", "baselines");
  write("a.json", R"({"a/b": {"measured": 1.5, "relative_tolerance": 0}})");
  const auto store = BaselineStore::load(directory);
  ASSERT_EQ(store.size(), 1u);
  EXPECT_EQ(store.find("a/b")->measured, 1.5);
}

}  // namespace
}  // namespace kolmo::verify
