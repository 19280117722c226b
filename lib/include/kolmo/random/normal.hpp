#pragma once
// Standard normal draws N(0, 1) as pure functions of their address (random/draw_address.hpp).
//
// Method: one Philox4x32-10 block (four 32-bit words) is read as two 64-bit words and mapped
// by the Box–Muller transform (Box & Muller 1958; r123::boxmuller of Random123, with 53-bit
// uniforms so the tails reach ~38 sigma rather than being cut at ~6.7 sigma) to two
// independent normals. The two normals of a block belong to the two paths 2k and 2k+1 at the
// same (step, component), so a batch over consecutive paths uses every number it computes.
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

}  // namespace kolmo::random
