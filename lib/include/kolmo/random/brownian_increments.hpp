#pragma once
// Refinable Brownian increments: one Brownian path per path index, observable at several step
// sizes, so a strong-convergence study compares a scheme at dt and dt/2 on the SAME path.
//
// The path lives on a fine grid of `fine_steps` steps over [t0, t1] (t1 < t0 is allowed: a
// reverse-time SDE runs its clock backwards, and its increments still have variance |dt|).
// Fine increment k of component c of path p is  sqrt(|h|) · Z(seed, purpose, p, k, c),  with
// h = (t1 - t0) / fine_steps and Z the standard normal at that address (random/normal.hpp).
// A coarse step of `factor` fine steps carries the sum of the fine increments it contains, added
// in a fixed binary tree (a group of m splits into its first ⌊m/2⌋ and last ⌈m/2⌉ steps), so
//
//   increment(p, c, k, 2m) == increment(p, c, 2k, m) + increment(p, c, 2k + 1, m)   bit for bit,
//
// for every m: halving the step refines the same path exactly (Higham 2001, §4, uses the same
// "sum of fine increments" construction; the tree makes it exact in floating point). For
// refinement ratios other than 2 the coarse value equals the sum of the finer ones up to
// rounding (the tree also keeps that rounding O(log m) ulp).
//
// Space–time integrals. Strong order-1.5 schemes for additive noise (Rößler 2010, SRA) also
// need I = ∫_{t_k}^{t_k+H} (W_s − W_{t_k}) ds, the iterated Itô integral I_(1,0) of Kloeden &
// Platen (1992, Ch. 5), over each step of length H = |dt| (the clock of a reverse-time problem is
// run forwards, so H > 0). Given ΔW it is Gaussian with E[I | ΔW] = H ΔW / 2 and
// Var[I | ΔW] = H³/12 (conditioning the Gaussian pair (ΔW, I), whose covariances are |dt|, |dt|²/2, |dt|³/3), so a fine step draws
//   I = (H/2) (ΔW + sqrt(H/3) Z'),   Z' the normal at component `dimension + c`,
// and a group of steps combines its halves (first L, then R, of lengths H_L, H_R) exactly as
// the integral does:   ΔW = ΔW_L + ΔW_R,   I = I_L + I_R + H_R ΔW_L.
// The increments are the same numbers whether or not areas are asked for.

#include <cstddef>
#include <cstdint>
#include <span>

#include "kolmo/random/draw_address.hpp"

namespace kolmo::random {

class BrownianIncrements {
 public:
  /// Throws kolmo::Error unless t0, t1 are finite and distinct, 1 <= fine_steps <= 2^32 and
  /// dimension >= 1.
  BrownianIncrements(std::uint64_t seed, double t0, double t1, std::uint64_t fine_steps,
                     std::size_t dimension = 1, Purpose purpose = Purpose::brownian);

  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  [[nodiscard]] double t0() const { return t0_; }
  [[nodiscard]] double t1() const { return t1_; }
  [[nodiscard]] std::uint64_t fine_steps() const { return fine_steps_; }
  [[nodiscard]] std::size_t dimension() const { return dimension_; }

  /// Number of coarse steps of `factor` fine steps (factor must divide fine_steps).
  [[nodiscard]] std::uint64_t steps(std::uint64_t factor = 1) const;
  /// Signed step size (t1 - t0) · factor / fine_steps; increments have variance |dt(factor)|.
  [[nodiscard]] double dt(std::uint64_t factor = 1) const;
  /// Time at the start of coarse step `step` (step == steps(factor) gives t1 exactly).
  [[nodiscard]] double time(std::uint64_t step, std::uint64_t factor = 1) const;

  /// ΔW of `component` of `path` over coarse step `step` of `factor` fine steps.
  [[nodiscard]] double increment(std::uint64_t path, std::size_t component, std::uint64_t step,
                                 std::uint64_t factor = 1) const;

  /// I_(1,0) = ∫ (W_s − W_{t_k}) ds of `component` of `path` over coarse step `step` (see above).
  [[nodiscard]] double area(std::uint64_t path, std::size_t component, std::uint64_t step,
                            std::uint64_t factor = 1) const;

  /// Fills `out` with the increments of paths [first_path, first_path + paths) over coarse step
  /// `step`, component-major with paths contiguous: out[c * paths + i]. Equals increment() at
  /// every entry, bit for bit, for any `threads`.
  void fill(std::uint64_t first_path, std::size_t paths, std::uint64_t step, std::uint64_t factor,
            std::span<double> out, int threads = 1) const;

  /// fill() plus the space–time integrals of the same paths and step into `areas` (same layout
  /// and size as `increments`); equals increment() and area() at every entry, bit for bit.
  void fill_with_area(std::uint64_t first_path, std::size_t paths, std::uint64_t step,
                      std::uint64_t factor, std::span<double> increments, std::span<double> areas,
                      int threads = 1) const;

 private:
  void check_step(std::uint64_t step, std::uint64_t factor, const char* where) const;
  void check_single(std::uint64_t path, std::size_t component, std::uint64_t step, std::uint64_t factor,
                    const char* where) const;
  [[nodiscard]] double fine_increment(std::uint64_t path, std::size_t component, std::uint64_t fine_step) const;
  [[nodiscard]] double tree_sum(std::uint64_t path, std::size_t component, std::uint64_t first_fine,
                                std::uint64_t count) const;
  struct IncrementAndArea {
    double increment;
    double area;
  };
  [[nodiscard]] IncrementAndArea tree_sum_with_area(std::uint64_t path, std::size_t component,
                                                    std::uint64_t first_fine, std::uint64_t count) const;
  void fill_tree_sum_with_area(std::size_t component, std::uint64_t first_path, std::span<double> row,
                               std::span<double> area_row, std::uint64_t first_fine,
                               std::uint64_t count, std::span<double> scratch) const;
  void fill_tree_sum(std::size_t component, std::uint64_t first_path, std::span<double> row,
                     std::uint64_t first_fine, std::uint64_t count, std::span<double> scratch) const;

  std::uint64_t seed_;
  double t0_;
  double t1_;
  std::uint64_t fine_steps_;
  std::size_t dimension_;
  Purpose purpose_;
  double sqrt_fine_dt_;  // sqrt(|h|), the scale of every fine increment
  double fine_length_;   // |h|, the length of a fine step on the forward-running clock
};

}  // namespace kolmo::random
