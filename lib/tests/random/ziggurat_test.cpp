#include "random/ziggurat.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kolmo/stats/chi_square.hpp"
#include "kolmo/stats/ks_test.hpp"

namespace kolmo::random {
namespace {

namespace tables = ziggurat_tables;
constexpr int layers = tables::layers;

long double density(long double x) { return std::exp(-x * x / 2); }
/// ∫_x^∞ exp(−t²/2) dt.
long double upper_area(long double x) { return std::sqrt(std::acos(-1.0L) / 2) * std::erfc(x / std::sqrt(2.0L)); }
/// |a − b| / |b|, computed in long double and reported as a double.
double relative_gap(long double a, long double b) { return static_cast<double>(std::fabs(a - b) / std::fabs(b)); }

// The tables are generated in 60-digit arithmetic (scripts/ziggurat_tables.py); here their
// defining equations are checked in long double (~1e-19), each to a few double roundings:
// a table from a wrong construction (unequal areas, a wrong r) misses by orders of magnitude more.
TEST(Ziggurat, TablesSatisfyTheirDefiningEquations) {
  const long double r = tables::tail_start;
  const long double v = r * density(r) + upper_area(r);
  EXPECT_EQ(tables::x[1], tables::tail_start);
  EXPECT_LE(relative_gap(tables::x[0] * density(r), v), 4e-16) << "base layer";
  for (int i = 1; i < layers; ++i) {
    const long double xi = tables::x[i];
    EXPECT_GT(tables::x[i], tables::x[i + 1]) << "x decreases at " << i;
    // f_i is exp(−x_i²/2) at the exact x_i; rounding x_i moves it by x_i² ε relatively.
    EXPECT_LE(relative_gap(tables::f[i], density(xi)), static_cast<double>(1 + xi * xi) * 0x1p-52) << "f at " << i;
    // Equal areas: the rounding of x_i moves f(x_{i+1}) − f(x_i) by ~x_i² ε f, relatively
    // large where the layers are thin; 1e-12 relative still leaves a wrong table far behind.
    EXPECT_LE(relative_gap(xi * (density(tables::x[i + 1]) - density(xi)), v), 1e-12) << "area of layer " << i;
  }
  EXPECT_EQ(tables::x[layers], 0.0);
  EXPECT_EQ(tables::f[layers], 1.0);
  // The 2048 layers cover √(π/2) with efficiency √(π/2)/(2048 v) = 0.998961.
  EXPECT_LE(relative_gap(std::sqrt(std::acos(-1.0L) / 2) / (layers * v), 0.9989606313438657L), 1e-12);
}

std::uint64_t word_of(std::uint64_t layer, bool negative, double u) {
  return layer | (std::uint64_t{negative} << 11) | (static_cast<std::uint64_t>(u * 0x1p52) << 12);
}

TEST(Ziggurat, CandidateReadsLayerSignAndAbscissaFromDisjointBits) {
  EXPECT_EQ(ziggurat_candidate(word_of(17, false, 0.25)), 0.25 * tables::x[17]);
  EXPECT_TRUE(ziggurat_accepts(word_of(17, false, 0.25)));
  EXPECT_EQ(ziggurat_candidate(word_of(17, true, 0.25)), -0.25 * tables::x[17]);
  EXPECT_EQ(ziggurat_candidate(word_of(17 + 1024, false, 0.25)), 0.25 * tables::x[17 + 1024]);  // all 11 layer bits
  // Just past x_{i+1}: rejected (the wedge); the top layer has x_2048 = 0, so it always is.
  const double past = tables::x[18] / tables::x[17] + 1e-9;
  EXPECT_FALSE(ziggurat_accepts(word_of(17, false, past)));
  EXPECT_FALSE(ziggurat_accepts(word_of(layers - 1, false, 0.5)));
  EXPECT_FALSE(ziggurat_accepts(word_of(0, false, 0.99)));  // beyond r: the tail
}

/// n normals from mt19937_64 words, extra words from the same engine.
std::vector<double> normals(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 words(seed);
  std::vector<double> z(n);
  for (double& value : z) value = ziggurat_normal(words(), [&](unsigned) { return words(); });
  return z;
}

// Bins at the layer boundaries ±x_i put each wedge (and the tail) in cells of its own, so an
// error confined to the rare path — a wedge test accepting everything adds its 0.67% of mass
// to those cells, a tail without the 1/r shifts the tail cell — stands out. 4·10^6 draws give
// the layer cells ~4000 expected counts each (the tail cell ~200); the fixed seed fails this
// with probability 1e-4.
TEST(Ziggurat, LayerCellsMatchTheNormalProbabilities) {
  const auto z = normals(4'000'000, 20261123);
  std::vector<double> edges;
  for (int i = layers; i >= 1; --i) edges.push_back(tables::x[i]);  // 0, x_2047, …, x_1 = r
  edges.push_back(40.0);                                             // the tail, to beyond any draw
  std::vector<double> magnitudes(z.size()), probabilities;
  std::transform(z.begin(), z.end(), magnitudes.begin(), [](double v) { return std::abs(v); });
  const long double half_area = upper_area(0);
  for (std::size_t c = 0; c + 1 < edges.size(); ++c) {
    probabilities.push_back(static_cast<double>((upper_area(edges[c]) - upper_area(edges[c + 1])) / half_area));
  }
  const auto test = stats::chi_square_test_samples(magnitudes, edges, probabilities);
  EXPECT_GT(test.p_value, 1e-4) << "X^2 = " << test.statistic << " on " << test.degrees_of_freedom << " dof";
  // Signs: a binomial count, 4 standard errors.
  const auto positive = static_cast<double>(std::count_if(z.begin(), z.end(), [](double v) { return v > 0; }));
  EXPECT_NEAR(positive / static_cast<double>(z.size()), 0.5, 4 * 0.5 / std::sqrt(static_cast<double>(z.size())));
}

// The wedge alone: a candidate of layer i ≥ 1 rejected at once lies in the wedge
// [x_{i+1}, x_i) × [f_i, f_{i+1}] and must be accepted exactly when its point falls under the
// curve, with probability a_i = (∫ f over the wedge's base − (x_i − x_{i+1}) f_i) / (its rectangle).
// Acceptance is visible as the rare path asking for one extra word (a rejection asks for a
// fresh word next). Layers drawn uniformly, so the rate must be the mean of a_i, within 4
// binomial standard errors. A wedge test that accepts everything (the layer cells above cannot
// see it: 2048 wedges share 0.1% of the mass) or reads f in the wrong order misses by ~100 SE.
TEST(Ziggurat, WedgeAcceptsInProportionToTheAreaUnderTheCurve) {
  std::mt19937_64 words(4242);
  std::uniform_int_distribution<int> layer(1, layers - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  long double expected = 0;
  for (int i = 1; i < layers; ++i) {
    const long double x_i = tables::x[i], x_next = tables::x[i + 1];
    const long double under = upper_area(x_next) - upper_area(x_i) - (x_i - x_next) * density(x_i);
    expected += under / ((x_i - x_next) * (density(x_next) - density(x_i)));
  }
  expected /= layers - 1;
  int trials = 0, accepted = 0;
  while (trials < 200'000) {
    const int i = layer(words);
    const double k = tables::x[i + 1] / tables::x[i];
    const std::uint64_t word = word_of(static_cast<std::uint64_t>(i), false, std::min(k + (1 - k) * unit(words), 1 - 0x1p-52));
    if (ziggurat_accepts(word)) continue;  // rounding put it on the fast side
    unsigned drawn = 0;
    (void)ziggurat_normal(word, [&](unsigned) { ++drawn; return words(); });
    ++trials;
    accepted += drawn == 1 ? 1 : 0;
  }
  const double rate = static_cast<double>(accepted) / trials;
  const double p = static_cast<double>(expected);
  EXPECT_NEAR(rate, p, 4 * std::sqrt(p * (1 - p) / trials)) << "expected acceptance " << p;
}

// The tail alone: words of layer 0 with u past r/x_0 reach Marsaglia's tail sampler, whose
// output must follow |Z| given |Z| > r (KS, 10^5 draws, fixed seed fails with probability 1e-3).
TEST(Ziggurat, TailFollowsTheConditionalNormal) {
  std::mt19937_64 words(77);
  const double u_min = tables::x[1] / tables::x[0];
  std::vector<double> tail(100'000);
  for (double& value : tail) {
    const double u = u_min + (1 - u_min) * std::uniform_real_distribution<double>(0.0, 1.0)(words);
    const std::uint64_t word = word_of(0, false, std::min(u, 1 - 0x1p-52));
    if (ziggurat_accepts(word)) continue;  // rounding landed it at r: not a tail word
    value = ziggurat_normal(word, [&](unsigned) { return words(); });
  }
  std::erase(tail, 0.0);
  const long double r = tables::tail_start;
  const auto ks = stats::ks_one_sample(tail, [r](double x) {
    return static_cast<double>(1 - upper_area(std::max<long double>(x, r)) / upper_area(r));
  });
  EXPECT_GT(ks.p_value, 1e-3) << "D = " << ks.statistic;
}

TEST(Ziggurat, SpentExtraWordsReturnTheLastCandidate) {
  // A source whose every word is rejected (the top layer with U = 1 − 2^-52 always fails the
  // wedge near x_2047) exhausts the budget: exactly ziggurat_max_extra_words are drawn, and the result
  // is still a finite value of the layer.
  unsigned drawn = 0;
  const std::uint64_t stubborn = word_of(layers - 1, false, 1 - 0x1p-52) | (~std::uint64_t{0} << 12);
  const double z = ziggurat_normal(stubborn, [&](unsigned k) {
    EXPECT_EQ(k, drawn + 1);
    ++drawn;
    return stubborn;
  });
  EXPECT_EQ(drawn, ziggurat_max_extra_words);
  EXPECT_GT(z, tables::x[layers]);
  EXPECT_LT(z, tables::x[layers - 1]);
}

}  // namespace
}  // namespace kolmo::random
