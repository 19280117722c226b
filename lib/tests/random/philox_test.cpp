#include "kolmo/random/philox.hpp"

#include <gtest/gtest.h>

#include "kolmo/core/error.hpp"
#include "kolmo/random/normal.hpp"
#include "support/expect_error.hpp"

namespace kolmo::random {
namespace {

// Known-answer vectors for Philox4x32-10 published with Random123 (kat_vectors, Salmon et al.
// 2011): counter and key all zeros, all ones, and the hexadecimal digits of pi.
TEST(Philox, MatchesPublishedKnownAnswers) {
  EXPECT_EQ(philox4x32_10({0, 0}, {0, 0, 0, 0}),
            (PhiloxBlock{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(philox4x32_10({0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}),
            (PhiloxBlock{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(philox4x32_10({0xa4093822u, 0x299f31d0u}, {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}),
            (PhiloxBlock{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

// The address → counter layout is part of the reproducibility contract (philox.hpp): every
// published Kolmo number depends on it. These pin it.
TEST(Philox, AddressLayoutIsPinned) {
  const std::uint64_t seed = 0x0123'4567'89ab'cdefULL;
  const std::uint64_t path = (std::uint64_t{0x1234} << 33) | (std::uint64_t{0x9abc'def0} << 1) | 1;
  const PhiloxBlock expected =
      philox4x32_10({0x89abcdefu, 0x01234567u}, {7u, 11u, 0x9abcdef0u, 0x1234u | (3u << 16)});
  EXPECT_EQ(philox_block(seed, Purpose::probe, path, 11, 7), expected);
  // Paths 2k and 2k+1 share a block; the next pair does not.
  EXPECT_EQ(philox_block(seed, Purpose::probe, path - 1, 11, 7), expected);
  EXPECT_NE(philox_block(seed, Purpose::probe, path + 1, 11, 7), expected);
}

TEST(Philox, BlockHalvesAreLittleEndianWordPairs) {
  const PhiloxBlock block{0x1u, 0x2u, 0x3u, 0x4u};
  EXPECT_EQ(block_half(block, 0), 0x0000'0002'0000'0001ULL);
  EXPECT_EQ(block_half(block, 1), 0x0000'0004'0000'0003ULL);
}

TEST(Philox, EveryAddressFieldChangesTheDraw) {
  const DrawAddress base{42, Purpose::brownian, 10, 20, 3};
  const double z = standard_normal(base);
  auto with = [&](auto change) {
    DrawAddress a = base;
    change(a);
    return standard_normal(a);
  };
  EXPECT_NE(z, with([](DrawAddress& a) { a.seed = 43; }));
  EXPECT_NE(z, with([](DrawAddress& a) { a.seed = 42 + (std::uint64_t{1} << 32); }));
  EXPECT_NE(z, with([](DrawAddress& a) { a.purpose = Purpose::initial_state; }));
  EXPECT_NE(z, with([](DrawAddress& a) { a.path = 11; }));
  EXPECT_NE(z, with([](DrawAddress& a) { a.path = 10 + (std::uint64_t{1} << 33); }));
  EXPECT_NE(z, with([](DrawAddress& a) { a.step = 21; }));
  EXPECT_NE(z, with([](DrawAddress& a) { a.component = 4; }));
  EXPECT_EQ(z, with([](DrawAddress&) {}));
}

TEST(Philox, RejectsAddressesOutsideTheCounterLayout) {
  KOLMO_EXPECT_THROW_NAMING((void)standard_normal({1, Purpose::brownian, max_path + 1, 0, 0}), "path");
  KOLMO_EXPECT_THROW_NAMING((void)standard_normal({1, Purpose::brownian, 0, max_step + 1, 0}), "step");
  KOLMO_EXPECT_THROW_NAMING((void)standard_normal({1, Purpose::brownian, 0, 0, max_component + 1}), "component");
  try {
    (void)standard_normal({1, Purpose::brownian, 0, max_step + 1, 0});
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("parameter 'step' = 4294967296"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kolmo::random
