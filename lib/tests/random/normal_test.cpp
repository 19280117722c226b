#include "kolmo/random/normal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "kolmo/core/error.hpp"
#include "kolmo/stats/ks_test.hpp"
#include "support/expect_error.hpp"

namespace kolmo::random {
namespace {

// Every statistical check below uses a fixed, recorded seed and a 4-sigma tolerance from the
// sampling distribution of the statistic under N(0, 1); a wrong transform (e.g. a missing
// table in the ziggurat, a correlated pair, a reused counter) moves them by far more.
constexpr std::uint64_t seed = 20261122;
constexpr std::size_t n = 1 << 20;

std::vector<double> normals(std::uint64_t s, Purpose purpose, std::uint64_t step, std::uint64_t first_path,
                            std::size_t paths, std::size_t components = 1, int threads = 1) {
  std::vector<double> out(paths * components);
  fill_standard_normals({s, purpose, step, first_path, paths, components}, out, threads);
  return out;
}

double mean_of(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size()); }

double central_moment(const std::vector<double>& x, int k) {
  const double m = mean_of(x);
  double sum = 0;
  for (double v : x) sum += std::pow(v - m, k);
  return sum / static_cast<double>(x.size());
}

// Pearson correlation of two equally long samples.
double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = mean_of(a), mb = mean_of(b);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(StandardNormal, MomentsMatchNormalWithinFourSigma) {
  const auto z = normals(seed, Purpose::verification, 0, 0, n);
  const double N = static_cast<double>(n);
  // Standard errors of sample mean, variance, third and fourth moments under N(0, 1):
  // sqrt(1/n), sqrt(2/n), sqrt(6/n), sqrt(96/n) (Kendall & Stuart, Vol. 1, §10.5).
  EXPECT_NEAR(mean_of(z), 0.0, 4 * std::sqrt(1 / N));
  EXPECT_NEAR(central_moment(z, 2), 1.0, 4 * std::sqrt(2 / N));
  EXPECT_NEAR(central_moment(z, 3), 0.0, 4 * std::sqrt(6 / N));
  EXPECT_NEAR(central_moment(z, 4), 3.0, 4 * std::sqrt(96 / N));
}

TEST(StandardNormal, PassesOneSampleKolmogorovSmirnov) {
  const auto z = normals(seed, Purpose::verification, 1, 0, 100'000);
  const auto ks = stats::ks_one_sample(z, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); });
  // Under H0 the p-value is uniform: a fixed seed fails this with probability 1e-3.
  EXPECT_GT(ks.p_value, 1e-3) << "D = " << ks.statistic;
  EXPECT_LT(ks.statistic, 1.95 / std::sqrt(100'000.0));  // 0.1% critical value of sqrt(n) D
}

TEST(StandardNormal, DistinctStreamsAreUncorrelated) {
  constexpr std::size_t m = 1 << 16;
  const double bound = 4 / std::sqrt(static_cast<double>(m));  // 4 standard errors of r under independence
  const auto base = normals(seed, Purpose::brownian, 5, 0, m);
  EXPECT_LT(std::abs(correlation(base, normals(seed + 1, Purpose::brownian, 5, 0, m))), bound) << "seed";
  EXPECT_LT(std::abs(correlation(base, normals(seed, Purpose::initial_state, 5, 0, m))), bound) << "purpose";
  EXPECT_LT(std::abs(correlation(base, normals(seed, Purpose::brownian, 6, 0, m))), bound) << "step";
  EXPECT_LT(std::abs(correlation(base, normals(seed, Purpose::brownian, 5, m, m))), bound) << "paths";
  // The two words of one Philox block go to paths 2k and 2k+1: they must be uncorrelated too.
  std::vector<double> even(m / 2), odd(m / 2);
  for (std::size_t i = 0; i < m / 2; ++i) {
    even[i] = base[2 * i];
    odd[i] = base[2 * i + 1];
  }
  EXPECT_LT(std::abs(correlation(even, odd)), 4 / std::sqrt(m / 2.0)) << "pair lanes";
  // Components of one path at one step.
  const auto two = normals(seed, Purpose::brownian, 5, 0, m, 2);
  const std::vector<double> c0(two.begin(), two.begin() + m), c1(two.begin() + m, two.end());
  EXPECT_EQ(c0, base);
  EXPECT_LT(std::abs(correlation(c0, c1)), bound) << "components";
}

TEST(StandardNormal, BatchEqualsSingleDrawAtEveryAddress) {
  // Odd first path and odd count exercise the half-used blocks at both ends of a row.
  const std::uint64_t first = 1001;
  const std::size_t paths = 37, components = 3;
  const auto batch = normals(seed, Purpose::probe, 9, first, paths, components);
  for (std::size_t c = 0; c < components; ++c)
    for (std::size_t i = 0; i < paths; ++i)
      ASSERT_EQ(batch[c * paths + i], standard_normal({seed, Purpose::probe, first + i, 9, c}))
          << "component " << c << " path " << first + i;
}

TEST(StandardNormal, BatchIsBitIdenticalForAnyThreadCountAndChunking) {
  const std::size_t paths = 50'001, components = 2;
  const auto reference = normals(seed, Purpose::brownian, 3, 0, paths, components, 1);
  for (int threads : {2, 4}) EXPECT_EQ(normals(seed, Purpose::brownian, 3, 0, paths, components, threads), reference);

  // The same block of paths filled in uneven pieces, each piece on its own.
  for (std::size_t piece : {1u, 2u, 7u, 4096u, 12'345u}) {
    std::vector<double> pieced(paths * components);
    for (std::size_t start = 0; start < paths; start += piece) {
      const std::size_t count = std::min(piece, paths - start);
      const auto part = normals(seed, Purpose::brownian, 3, start, count, components, 2);
      for (std::size_t c = 0; c < components; ++c)
        std::copy_n(part.begin() + c * count, count, pieced.begin() + c * paths + start);
    }
    EXPECT_EQ(pieced, reference) << "piece " << piece;
  }
}

// The normal stream is part of the reproducibility contract (normal.hpp): these values are the
// same on every machine (ziggurat.hpp uses IEEE operations only) and change only with a
// deliberate, announced change of the transform or the counter layout.
TEST(StandardNormal, StreamIsPinned) {
  EXPECT_EQ(standard_normal({0, Purpose::brownian, 0, 0, 0}), -0x1.204dea598f30dp-1);
  EXPECT_EQ(standard_normal({0, Purpose::brownian, 1, 0, 0}), -0x1.ed65e8597706bp-1);
  EXPECT_EQ(standard_normal({20261123, Purpose::initial_state, 12345, 678, 9}), -0x1.50cceeffbd8d6p-2);
  EXPECT_EQ(standard_normal({~std::uint64_t{0}, Purpose::probe, max_path, max_step, max_component}),
            0x1.cfbe657007b24p-1);
  // The first words of seed 0 that take the ziggurat's rare path: a wedge (the top layer, 2047)
  // and the tail (beyond r = 4.216); these pin the extra-word layout of philox.hpp as well.
  EXPECT_EQ(standard_normal({0, Purpose::brownian, 407, 0, 0}), 0x1.e94ffef5d1b28p-5);
  EXPECT_EQ(standard_normal({0, Purpose::brownian, 48827, 0, 0}), -0x1.11e5fd1c145f6p+2);
}

TEST(StandardNormal, BatchEqualsSingleDrawOnTheRarePath) {
  // Paths 0 … 49999 of seed 0 hold ~110 rare-path words (the first wedge at 407, the tail at
  // 48827): the vectorised fill resolves them lane by lane and must match the scalar path bit
  // for bit.
  const std::size_t paths = 50000;
  const auto batch = normals(0, Purpose::brownian, 0, 0, paths);
  for (std::size_t i = 0; i < paths; ++i)
    ASSERT_EQ(batch[i], standard_normal({0, Purpose::brownian, i, 0, 0})) << "path " << i;
}

TEST(StandardNormal, BatchEqualsSingleDrawAcrossTheHighCounterWord) {
  // Pairs 2^32 − 40 … 2^32 + 40: the batch's lane counters carry into the high word, and the
  // batch (vectorised Philox) must still match Random123 through standard_normal bit for bit.
  const std::uint64_t first = (std::uint64_t{1} << 33) - 81;
  const std::size_t paths = 163;
  const auto batch = normals(seed, Purpose::brownian, 4, first, paths);
  for (std::size_t i = 0; i < paths; ++i)
    ASSERT_EQ(batch[i], standard_normal({seed, Purpose::brownian, first + i, 4, 0})) << "path " << first + i;
}

TEST(StandardNormal, ScaledFillIsSigmaTimesTheStandardDraw) {
  const std::size_t paths = 301;
  std::vector<double> scaled(paths);
  fill_normals({seed, Purpose::brownian, 2, 7, paths, 1}, scaled, 0.3);
  for (std::size_t i = 0; i < paths; ++i)
    ASSERT_EQ(scaled[i], 0.3 * standard_normal({seed, Purpose::brownian, 7 + i, 2, 0})) << "path " << 7 + i;
  KOLMO_EXPECT_THROW_NAMING(fill_normals({seed, Purpose::brownian, 2, 7, paths, 1}, scaled, -1.0),
                            "standard_deviation");
  KOLMO_EXPECT_THROW_NAMING(fill_normals({seed, Purpose::brownian, 2, 7, paths, 1}, scaled, std::nan("")),
                            "standard_deviation");
}

TEST(StandardNormal, RejectsBadBatches) {
  std::vector<double> out(10);
  KOLMO_EXPECT_THROW_NAMING(fill_standard_normals({1, Purpose::brownian, 0, 0, 11, 1}, out), "out.size()");
  KOLMO_EXPECT_THROW_NAMING(fill_standard_normals({1, Purpose::brownian, 0, 0, 10, 1}, out, 0), "threads");
  std::vector<double> empty;
  KOLMO_EXPECT_THROW_NAMING(fill_standard_normals({1, Purpose::brownian, 0, 0, 0, 1}, empty), "paths");
  KOLMO_EXPECT_THROW_NAMING(fill_standard_normals({1, Purpose::brownian, 0, max_path, 10, 1}, out), "first_path + paths");
  KOLMO_EXPECT_THROW_NAMING(fill_standard_normals({1, Purpose{max_purpose + 1}, 0, 0, 10, 1}, out), "purpose");
  KOLMO_EXPECT_THROW_NAMING((void)standard_normal({1, Purpose{max_purpose + 1}, 0, 0, 0}), "purpose");
  try {
    fill_standard_normals({1, Purpose::brownian, 0, 0, 5, 1}, out);
    FAIL() << "size mismatch accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("parameter 'out.size()' = 10; expected paths * components = 5"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kolmo::random
