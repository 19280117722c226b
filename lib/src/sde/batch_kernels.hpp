#pragma once
// Internal: the per-path arithmetic of the ensemble's hot loop as plain loops over contiguous
// doubles, compiled once per instruction set (batch_kernels.cpp: x86-64-v4, AVX2, baseline)
// and picked at load time. Eigen's expressions in the library are built for the baseline
// (SSE2, two doubles a step); these few loops run every step of every path, so they get the
// wide clones (core/vector_clones.hpp). Each entry is computed by the same IEEE operations in the same order in every
// clone (no reductions across entries, no fused multiply-add: -ffp-contract=off), so results
// are bit-identical to the Eigen expressions they replace.

#include <span>

namespace kolmo::sde::detail {

/// next_i ← x_i + (f_i h + g dw_i): an Euler–Maruyama step with scalar additive noise
/// (`next` is another array than `x`).
void euler_step(std::span<const double> x, std::span<const double> f, double h, double g,
                std::span<const double> dw, std::span<double> next);

/// next_i ← x_i + (f_i h + g_i dw_i): an Euler–Maruyama step with diagonal noise.
void euler_step(std::span<const double> x, std::span<const double> f, double h, std::span<const double> g,
                std::span<const double> dw, std::span<double> next);

}  // namespace kolmo::sde::detail
