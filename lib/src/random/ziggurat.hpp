#pragma once
// Internal to random/normal.cpp (with its generated tables): the ziggurat method (Marsaglia &
// Tsang 2000, "The ziggurat method for generating random variables", J. Stat. Softw. 5(8)) from
// 64-bit random words to standard normals, with the
// layer, the sign and the abscissa read from disjoint bits of one word (Doornik 2005, "An
// improved ziggurat method to generate normal random samples": reusing the layer bits inside
// the abscissa, as the 32-bit original does, correlates the two).
//
// The region under f(x) = exp(−x²/2), x ≥ 0, is cut into 2048 layers of equal area v
// (random/ziggurat_tables.hpp: boundaries x_1 = r > x_2 > … > x_2048 = 0, layer i ≥ 1 the
// rectangle [0, x_i] × [f(x_i), f(x_{i+1})] with the part of it above the curve; layer 0 the
// rectangle [0, r] × [0, f(r)] plus the tail x > r, drawn as a rectangle of width x_0 = v/f(r)).
// 2048 layers rather than Marsaglia & Tsang's 128 or 256 send 0.23% of words down the rare
// path instead of 1.5% (256), and the rare path is what costs: it runs scalar, on Philox
// blocks of its own; the table of x still fits in L1 (16 KiB), and 11 layer bits, 1 sign bit
// and a 52-bit abscissa use every bit of the word.
//
//   word w:    layer i = w mod 2048,  sign = bit 11,  u = (w >> 12) 2^-52 ∈ [0, 1)
//   candidate: z = u x_i;  if z < x_{i+1} the point is under the curve: return ±z.  (99.77% of words)
//   rare path: layer 0 — the tail by Marsaglia (1964): a = −ln U₁ / r, b = −ln U₂ until 2b > a²,
//                        then ±(r + a);
//              layer i ≥ 1 — the wedge: with y = f_i + U (f_{i+1} − f_i), accept ±z iff
//                        ln y < −z²/2, otherwise start again from a fresh word.
//
// Every U and every fresh word of the rare path is one further word from the caller (for the
// library's draws: random/philox.hpp, normal_extra_block). At most ziggurat_max_extra_words are
// drawn; if all were spent (15 successive rejections, each of probability 1 − √(π/2)/(2048 v)
// = 0.0010: about 2e-45 per normal) the last candidate is returned. The logarithms are
// random/unit_log.hpp's, in IEEE arithmetic alone, and the candidate test is one product and
// one comparison, so a vector loop over ziggurat_candidate/ziggurat_accepts and the scalar
// ziggurat_normal give the same bits on every machine. The method is exact up to the rounding
// of the tables to double (relative 1e-16 in each layer's area); lib/tests/random/
// ziggurat_test.cpp checks the tables against their defining equations and the output, layer
// by layer and in the tail, against N(0, 1).

#include <bit>
#include <cstdint>

#include "kolmo/random/unit_log.hpp"
#include "ziggurat_tables.hpp"

namespace kolmo::random {

/// Further words the rare path may draw for one normal.
inline constexpr unsigned ziggurat_max_extra_words = 30;

namespace ziggurat_detail {
inline constexpr std::uint64_t layer_mask = ziggurat_tables::layers - 1;
inline constexpr unsigned sign_bit = 11;
static_assert((ziggurat_tables::layers & layer_mask) == 0 && ziggurat_tables::layers == 1 << sign_bit,
              "the layer index fills the bits below the sign");

[[nodiscard]] inline std::uint64_t layer(std::uint64_t word) { return word & layer_mask; }
/// The sign bit of a double (bit 63) set when bit 11 of `word` is.
[[nodiscard]] inline std::uint64_t sign(std::uint64_t word) { return ((word >> sign_bit) & 1u) << 63; }
[[nodiscard]] inline double with_sign(double magnitude, std::uint64_t sign_bits) {
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(magnitude) | sign_bits);
}
}  // namespace ziggurat_detail

/// |candidate| of `word`: u·x_i (see the header comment).
[[nodiscard]] inline double ziggurat_magnitude(std::uint64_t word) {
  return closed_open_unit(word) * ziggurat_tables::x[ziggurat_detail::layer(word)];
}

/// The candidate ±u·x_i of `word`.
[[nodiscard]] inline double ziggurat_candidate(std::uint64_t word) {
  return ziggurat_detail::with_sign(ziggurat_magnitude(word), ziggurat_detail::sign(word));
}

/// Whether the candidate of `word` stands without further words: u·x_i < x_{i+1}.
/// (Separate from the candidate, and branch-free, so that a loop over both vectorises.)
[[nodiscard]] inline bool ziggurat_accepts(std::uint64_t word) {
  return ziggurat_magnitude(word) < ziggurat_tables::x[ziggurat_detail::layer(word) + 1];
}

/// The standard normal of `word`: its candidate when accepted, else the rare path, which calls
/// `extra_word(k)` for the k-th further word, k = 1, 2, … ≤ ziggurat_max_extra_words.
template <class ExtraWord>
[[nodiscard]] double ziggurat_normal(std::uint64_t word, ExtraWord&& extra_word) {
  namespace tables = ziggurat_tables;
  using namespace ziggurat_detail;
  unsigned used = 0;
  const auto spare = [&used](unsigned needed) { return used + needed <= ziggurat_max_extra_words; };
  const auto next = [&]() { return extra_word(++used); };
  for (;;) {
    const double candidate = ziggurat_candidate(word);
    if (ziggurat_accepts(word) || !spare(1)) return candidate;
    const std::uint64_t i = layer(word);
    if (i == 0) {
      while (spare(2)) {
        const double a = -log_unit(open_closed_unit(next())) / tables::tail_start;
        const double b = -log_unit(open_closed_unit(next()));
        if (b + b > a * a) return with_sign(tables::tail_start + a, sign(word));
      }
      return candidate;
    }
    const double z = ziggurat_magnitude(word);
    const double y = tables::f[i] + closed_open_unit(next()) * (tables::f[i + 1] - tables::f[i]);
    if (log_unit(y) < -0.5 * z * z || !spare(1)) return candidate;
    word = next();
  }
}

}  // namespace kolmo::random
