#pragma once
// Internal to the ode module: the step-size rules of the batched Dormand–Prince
// (batch_integrate.hpp), as functions of per-path quantities: the controller's factor, the
// starting step, and the lower median that defines a batch's typical path. Rows are paths,
// columns a path's components (its state and log-density ones), as in the batch's Odeint state.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

namespace kolmo::ode::detail {

/// The step-size factor of the standard controller (Hairer, Nørsett & Wanner I, §II.4, eq. 4.13)
/// for an error norm e of a pair of orders 5(4): 0.9 e^{−1/5}, within [0.2, 5].
inline double step_factor(double e) {
  if (!std::isfinite(e)) return 0.2;
  if (e == 0.0) return 5.0;
  return std::clamp(0.9 * std::pow(e, -0.2), 0.2, 5.0);
}

/// The lower median, the ⌈n/2⌉-th smallest, of n ≥ 1 values in [0, +inf]. Such doubles order as
/// their bit patterns, so it is selected digit by digit (11 bits at a time from the exponent down,
/// a radix select): a histogram of the candidates' digit finds the bucket that holds the wanted
/// rank, and only that bucket's candidates go on; two passes usually leave a handful for
/// std::nth_element. The same value as nth_element on all of them, whose unpredictable branches
/// were a sixth of an ensemble solve (once per step and batch of 2048 paths).
inline double lower_median(const Eigen::ArrayXd& values) {
  constexpr int digit_bits = 11;
  constexpr std::uint64_t digit_mask = (std::uint64_t{1} << digit_bits) - 1;
  std::vector<std::uint64_t> keys(static_cast<std::size_t>(values.size()));
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = std::bit_cast<std::uint64_t>(values[static_cast<Eigen::Index>(i)]);
  std::size_t rank = (keys.size() - 1) / 2;  // the wanted value's rank among the candidates
  std::array<std::uint32_t, std::size_t{1} << digit_bits> counts{};
  for (int shift = 52; keys.size() > 32 && shift >= 0; shift -= digit_bits) {
    counts.fill(0);
    for (std::uint64_t key : keys) ++counts[(key >> shift) & digit_mask];
    std::uint64_t bucket = 0;
    while (rank >= counts[bucket]) rank -= counts[bucket++];
    if (counts[bucket] == keys.size()) continue;  // one digit for all: look at the next
    std::size_t kept = 0;
    for (std::uint64_t key : keys) {
      keys[kept] = key;
      kept += ((key >> shift) & digit_mask) == bucket ? 1 : 0;
    }
    keys.resize(kept);
  }
  std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(rank), keys.end());
  return std::bit_cast<double>(keys[rank]);
}

/// The first step of a batch of paths at (t0, y0) with f0 = f(t0, y0), towards t1: Hairer,
/// Nørsett & Wanner I, §II.4, "Starting step size" (p. 169), path by path in the error test's
/// norm ‖u‖_p = max_c |u_pc| / (abs + rel |y0_pc|):
///   d0 = ‖y0‖, d1 = ‖f0‖, h0 = 0.01 d0/d1 (1e-6 if either is below 1e-5);
///   f1 = f(t0 + h0, y0 + h0 f0), d2 = ‖f1 − f0‖ / h0, an estimate of ‖y''‖;
///   h1 = (0.01 / max(d1, d2))^{1/5} (the pair's order 5; max(1e-6, 1e-3 h0) if both vanish);
///   h = min(100 h0, h1, |t1 − t0|),
/// a step whose local error is about a hundredth of the tolerance. The Euler probe is one call
/// `velocity(t, y) -> f` for the batch, so its h0 is the batch's typical (lower median) one, and
/// so is the step returned (signed towards t1): paths that need far shorter ones fail it and
/// leave, as on any step. (A fixed fraction of the interval instead spent two to four short
/// steps ramping up, 5x per step at most, before the controller found the batch's pace.)
template <class Velocity>
double starting_step(const Eigen::Ref<const Eigen::ArrayXXd>& y0, const Eigen::Ref<const Eigen::ArrayXXd>& f0, double t0,
                     double t1, double absolute, double relative, const Velocity& velocity) {
  const double span = std::abs(t1 - t0);
  const Eigen::ArrayXXd scale = absolute + relative * y0.abs();
  const Eigen::ArrayXd d0 = (y0.abs() / scale).rowwise().maxCoeff(), d1 = (f0.abs() / scale).rowwise().maxCoeff();
  Eigen::ArrayXd h0 = (0.01 * d0 / d1).min(span);
  h0 = ((d0 < 1e-5) || (d1 < 1e-5) || !h0.isFinite()).select(std::min(1e-6, span), h0);
  const double probe = lower_median(h0);
  const double direction = t1 >= t0 ? 1.0 : -1.0;
  const Eigen::ArrayXXd f1 = velocity(t0 + direction * probe, Eigen::ArrayXXd(y0 + direction * probe * f0));
  const Eigen::ArrayXd d2 = ((f1 - f0).abs() / scale).rowwise().maxCoeff() / probe;
  const Eigen::ArrayXd slope = d1.max(d2);
  const Eigen::ArrayXd h1 = (slope <= 1e-15).select(std::max(1e-6, 1e-3 * probe), (0.01 / slope).pow(0.2));
  Eigen::ArrayXd h = h1.min(100.0 * probe).min(span);
  h = h.isFinite().select(h, std::min(1e-6, span));  // a path whose probe is not finite fails its first step
  return direction * lower_median(h);
}

}  // namespace kolmo::ode::detail
