#pragma once
// Standard normal draws N(0, 1) as pure functions of their address (random/draw_address.hpp).
//
// Method: one Philox4x32-10 block (four 32-bit words) is read as two 64-bit words, one for each
// of the paths 2k and 2k+1 at the same (step, component), so a batch over consecutive paths
// uses every number it computes. Each word becomes a normal by the ziggurat method
// (random/ziggurat.hpp: 2048 layers, IEEE arithmetic only, so the same bits on every machine;
// vectorised); the 0.23% of words that take its rare path draw further words from blocks of
// their own (random/philox.hpp: normal_extra_block).
// Every draw is fixed by its address alone; which paths a fill covers never changes a value.

#include <span>

#include "kolmo/random/draw_address.hpp"

namespace kolmo::random {

/// The standard normal at `address`.
[[nodiscard]] double standard_normal(const DrawAddress& address);

/// Fills `out` (size address.size(), layout of BatchAddress) with standard normals, using up
/// to `threads` OpenMP threads. The result is bit-identical for every thread count and equals
/// standard_normal() at each address. This is the Monte Carlo hot loop; see
/// benchmarks/random_benchmark.cpp for its throughput.
void fill_standard_normals(const BatchAddress& address, std::span<double> out, int threads = 1);

/// Fills `out` with N(0, σ²) draws, σ = `standard_deviation` ≥ 0: each entry is exactly
/// σ · standard_normal() at its address (one rounding), so scaled and unscaled fills of the
/// same addresses agree to the bit after the same multiplication.
void fill_normals(const BatchAddress& address, std::span<double> out, double standard_deviation, int threads = 1);

}  // namespace kolmo::random
