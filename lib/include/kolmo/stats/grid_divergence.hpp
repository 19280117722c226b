#pragma once
// Distances and divergences between two densities sampled on the same uniform grid.
//
// Input: p and q hold one density value per cell (any dimension, flattened in the same order);
// `cell_measure` is the volume of one cell (the product of the cell widths). Integrals are
// the cell sums  int f ~ sum_i f(p_i, q_i) * cell_measure  -- the midpoint rule when the values
// are taken at cell centres, with error <= (b - a) h^2 / 24 max|f''| per dimension for smooth
// integrands. The densities are used as given: they are expected to be normalised on the grid
// with the cell measure (docs/conventions.md), and nothing is renormalised here.
//
// Definitions
//   L1:                 ||p - q||_1 = int |p - q|
//   total variation:    TV = ||p - q||_1 / 2, in [0, 1] for normalised densities
//   Kullback–Leibler:   KL(p || q) = int p log(p / q)   (Kullback & Leibler 1951; nats)
//                       with 0 log(0/q) = 0 for every q, and KL = +inf if some cell has
//                       q = 0 < p (p is not absolutely continuous w.r.t. q on the grid).
//   Hellinger:          H(p, q) = sqrt( (1/2) int (sqrt p - sqrt q)^2 ), in [0, 1]
//                       (the normalisation of Le Cam & Yang 2000; H^2 = 1 - int sqrt(p q) for
//                       normalised densities). Some authors omit the 1/2.
//
// Contract: p and q non-empty, the same size, finite and >= 0; cell_measure finite > 0.
// Misuse throws kolmo::Error.

#include <span>

namespace kolmo::stats {

/// int |p - q| on the grid.
[[nodiscard]] double l1_distance(std::span<const double> p, std::span<const double> q,
                                 double cell_measure);

/// (1/2) int |p - q| on the grid.
[[nodiscard]] double total_variation(std::span<const double> p, std::span<const double> q,
                                     double cell_measure);

/// int p log(p / q) on the grid, in nats; +inf where q = 0 < p.
[[nodiscard]] double kl_divergence(std::span<const double> p, std::span<const double> q,
                                   double cell_measure);

/// sqrt((1/2) int (sqrt p - sqrt q)^2) on the grid.
[[nodiscard]] double hellinger_distance(std::span<const double> p, std::span<const double> q,
                                        double cell_measure);

/// int p on the grid (the normalisation the other functions assume to be 1).
[[nodiscard]] double grid_mass(std::span<const double> p, double cell_measure);

}  // namespace kolmo::stats
