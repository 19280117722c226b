#pragma once
// Time stepping of the spectral Fokker–Planck equation p̂' = L̂ p̂ + N̂(p̂, t) (pde/spectral.hpp)
// by the fourth-order exponential time-differencing Runge–Kutta scheme ETDRK4 of Cox & Matthews
// (2002, J. Comput. Phys. 176:430–455, eqs. (26)–(29)). Per mode, with z = h L̂ and step h:
//
//   a = e^{z/2} v + Q N(v, t),           Q = (h/2) φ₁(z/2),
//   b = e^{z/2} v + Q N(a, t + h/2),
//   c = e^{z/2} a + Q [2 N(b, t + h/2) − N(v, t)],
//   v⁺ = e^{z} v + f₁ N(v, t) + 2 f₂ [N(a, t + h/2) + N(b, t + h/2)] + f₃ N(c, t + h),
//
//   f₁ = h [−4 − z + e^z (4 − 3z + z²)] / z³ = h (φ₁ − 3φ₂ + 4φ₃),
//   f₂ = h [2 + z + e^z (z − 2)] / z³       = h (φ₂ − 2φ₃),
//   f₃ = h [−4 − 3z − z² + e^z (4 − z)] / z³ = h (−φ₂ + 4φ₃),
// φ₁(z) = (e^z − 1)/z, φ₂ = (e^z − 1 − z)/z², φ₃ = (e^z − 1 − z − z²/2)/z³. The linear part is
// integrated exactly (with N = 0 a step is v⁺ = e^z v), stiff diffusion costs no step-size limit,
// and as z → 0 the scheme becomes classical RK4 (f₁ = f₂ = f₃ = h/6, Q = h/2).
//
// Evaluated as written the fractions cancel catastrophically for small |z| (φ₃ loses all digits
// near z = 0). Following Kassam & Trefethen (2005, SIAM J. Sci. Comput. 26(4):1214–1233, §2–3)
// each coefficient is the mean of the same expression over M points on a circle of radius 1
// around z: by Cauchy's integral formula that mean is the value at the centre, the trapezoidal
// rule on the circle converges geometrically for these entire functions, and no contour point
// comes closer to the cancellation at 0 than 2 sin(π/4M) ≈ 0.049 (the worst case, z = −1, where
// the circle passes through 0 between two points). Since L̂ is real, the coefficients
// are real: M points on the upper half circle, real part taken (their §3), M = 32.
//
// Mass. The k = 0 mode has z = 0 and N̂₀ = 0, so its value is carried exactly (e⁰ = 1); the mass
// changes only by the round-off of the final inverse transform (stats.mass_change).

#include <cstdint>
#include <optional>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/spectral.hpp"
#include "kolmo/pde/problem.hpp"

namespace kolmo::pde {

struct Etdrk4 {
  double dt = 0.0;              ///< step size; must divide t1 − t0 into whole steps
  /// Unset: evaluate the drift at t, t + h/2, t + h of every step when the SDE declares
  /// time-dependent coefficients, else once at t0. Set: must agree with it (else kolmo::Error).
  std::optional<bool> time_dependent{};
};

/// The ETDRK4 coefficients of one mode (see the header comment).
struct Etdrk4Weights {
  double e = 1.0;       ///< e^z
  double e_half = 1.0;  ///< e^{z/2}
  double q = 0.0;       ///< (h/2) φ₁(z/2)
  double f1 = 0.0, f2 = 0.0, f3 = 0.0;
};

/// Number of points on the upper half of the contour (Kassam & Trefethen's M = 32 of 64 on the
/// full circle).
inline constexpr int etdrk4_contour_points = 32;

/// The coefficients for z = h L̂ ≤ 0 (finite) and step h > 0, by the contour mean. Throws
/// kolmo::Error on a positive or non-finite z or a non-positive h.
[[nodiscard]] Etdrk4Weights etdrk4_weights(double z, double h);

struct SpectralStats {
  std::uint64_t steps = 0;
  std::uint64_t transforms = 0;  ///< FFTs executed (4 (1 + d) per step, plus set-up and output)
  /// |Σ p_j(t_end) / Σ p_j(t0) − 1|: the mass change, round-off of the transforms only.
  double mass_change = 0.0;
  double wall_seconds = 0.0;
};

struct SpectralSolution {
  DensityField density;                 ///< at t1 (or where a failure stopped the run)
  std::vector<DensityField> snapshots;  ///< at the requested times, in request order
  Status status;
  SpectralStats stats;
};

/// Evolves `initial` (at its own time t0, on the equation's grid) to t1 > t0 by ETDRK4. Throws
/// kolmo::Error on a grid that is not the equation's, a dt that is not positive or does not
/// divide t1 − t0, a snapshot time off the step grid, or a diffusion that differs at t0 or t1
/// from the equation's D. A non-finite density becomes a failure status naming the time. The
/// result may dip below zero (a spectral solution is not positivity preserving): see minimum().
[[nodiscard]] SpectralSolution solve(const GridProblem<SpectralFokkerPlanck>& problem, const Etdrk4& method,
                                     const GridOptions& options = {});

}  // namespace kolmo::pde
