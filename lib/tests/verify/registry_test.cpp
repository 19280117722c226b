#include "kolmo/verify/registry.hpp"

#include <gtest/gtest.h>

#include "kolmo/verify/tolerance.hpp"
#include "support/expect_error.hpp"

namespace kolmo::verify {
namespace {

Case make_case(std::string name, Tier tier = Tier::fast) {
  return {{std::move(name), "A claim.", "A source.", tier, CaseKind::statistical, 1},
          [](const RunContext&) { return within_absolute(0, 0, 0, "exact"); }};
}

Registry sample_registry() {
  Registry registry;
  registry.add(make_case("random/normal-ks"));
  registry.add(make_case("random/slow-thing", Tier::full));
  registry.add(make_case("ou/stationary-ks"));
  registry.add(make_case("ou/long-run", Tier::full));
  return registry;
}

std::vector<std::string> names(const std::vector<const Case*>& cases) {
  std::vector<std::string> out;
  for (const Case* c : cases) out.push_back(c->info.name);
  return out;
}

TEST(Registry, KeepsRegistrationOrderAndFindsByName) {
  const Registry registry = sample_registry();
  ASSERT_EQ(registry.size(), 4u);
  EXPECT_EQ(registry.cases()[2].info.name, "ou/stationary-ks");
  ASSERT_NE(registry.find("ou/long-run"), nullptr);
  EXPECT_EQ(registry.find("ou/long-run")->info.tier, Tier::full);
  EXPECT_EQ(registry.find("ou/missing"), nullptr);
}

TEST(Registry, SelectsByTier) {
  const Registry registry = sample_registry();
  EXPECT_EQ(names(registry.select(TierSelection::fast)),
            (std::vector<std::string>{"random/normal-ks", "ou/stationary-ks"}));
  EXPECT_EQ(names(registry.select(TierSelection::full)),
            (std::vector<std::string>{"random/slow-thing", "ou/long-run"}));
  EXPECT_EQ(registry.select(TierSelection::all).size(), 4u);
}

TEST(Registry, FilterIsARegexSearchedInTheName) {
  const Registry registry = sample_registry();
  EXPECT_EQ(names(registry.select(TierSelection::all, "^ou/")),
            (std::vector<std::string>{"ou/stationary-ks", "ou/long-run"}));
  EXPECT_EQ(names(registry.select(TierSelection::all, "ks$")),
            (std::vector<std::string>{"random/normal-ks", "ou/stationary-ks"}));
  EXPECT_TRUE(registry.select(TierSelection::fast, "nothing-matches").empty());
}

TEST(Registry, RejectsInvalidFilter) {
  KOLMO_EXPECT_THROW_NAMING((void)sample_registry().select(TierSelection::all, "(unclosed"), "filter");
}

TEST(Registry, RejectsDuplicateAndMalformedNames) {
  Registry registry = sample_registry();
  KOLMO_EXPECT_THROW_NAMING(registry.add(make_case("ou/stationary-ks")), "info.name");
  KOLMO_EXPECT_THROW_NAMING(registry.add(make_case("no-area")), "info.name");
  KOLMO_EXPECT_THROW_NAMING(registry.add(make_case("Upper/case")), "info.name");
  KOLMO_EXPECT_THROW_NAMING(registry.add(make_case("a/b/c")), "info.name");
  KOLMO_EXPECT_THROW_NAMING(registry.add(make_case("area/with space")), "info.name");
  EXPECT_EQ(registry.size(), 4u);
}

TEST(Registry, RejectsMissingClaimSourceOrFunction) {
  Registry registry;
  Case c = make_case("a/no-claim");
  c.info.claim.clear();
  KOLMO_EXPECT_THROW_NAMING(registry.add(c), "info.claim");
  c = make_case("a/no-source");
  c.info.source.clear();
  KOLMO_EXPECT_THROW_NAMING(registry.add(c), "info.source");
  c = make_case("a/no-function");
  c.run = nullptr;
  KOLMO_EXPECT_THROW_NAMING(registry.add(c), "run");
  EXPECT_EQ(registry.size(), 0u);
}

TEST(TierSelection, ParsesTheThreeNames) {
  EXPECT_EQ(parse_tier_selection("fast"), TierSelection::fast);
  EXPECT_EQ(parse_tier_selection("full"), TierSelection::full);
  EXPECT_EQ(parse_tier_selection("all"), TierSelection::all);
  KOLMO_EXPECT_THROW_NAMING((void)parse_tier_selection("quick", "--tier"), "--tier");
  for (auto tiers : {TierSelection::fast, TierSelection::full, TierSelection::all}) {
    EXPECT_EQ(parse_tier_selection(std::string(to_string(tiers))), tiers);
  }
}

TEST(CaseInfo, AreaIsThePartBeforeTheSlash) {
  EXPECT_EQ(area_of("ou/stationary-ks"), "ou");
  EXPECT_EQ(to_string(Tier::full), "full");
  EXPECT_EQ(to_string(CaseKind::deterministic), "deterministic");
}

}  // namespace
}  // namespace kolmo::verify
