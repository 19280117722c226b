#pragma once
// Slope limiters for MUSCL reconstruction (van Leer 1979): from the cell averages p, the
// piecewise-linear reconstruction in cell c has the limited difference σ_c = φ(Δ₋, Δ₊), where
// Δ₋ = p_c − p_{c−1} and Δ₊ = p_{c+1} − p_c, and face values p_c ± ½ σ_c.
//
//   minmod    (Roe 1986)       φ = the smaller of Δ₋, Δ₊ in modulus when they agree in sign, else 0;
//   van Leer  (van Leer 1974)  φ = (Δ₋Δ₊ + |Δ₋Δ₊|) / (Δ₋ + Δ₊), the harmonic mean 2Δ₋Δ₊/(Δ₋ + Δ₊)
//                              when they agree in sign, else 0.
//
// Both vanish at a local extremum (Δ₋Δ₊ ≤ 0: no new extrema, LeVeque 2002, §6.9), return Δ
// when Δ₋ = Δ₊ = Δ, and are symmetric in their arguments.
//
// Face values and the explicit step size. Both limiters keep σ_c between 0 and m·min(|Δ₋|, |Δ₊|)
// with m = 1 (minmod) or m = 2 (van Leer, since 2ab/(a + b) ≤ 2 min(a, b)). For p ≥ 0 the
// same-sign case gives |Δ₋| ≤ p_c or |Δ₊| ≤ p_c, so both face values p_c ± ½σ_c lie in
// [(1 − m/2) p_c, (1 + m/2) p_c]: a cell can lose at most (1 + m/2) p_c times its outflow
// Courant number ν_c = dt Σ_k (v⁺ at its upper face + v⁻ at its lower face)/h_k in one forward
// Euler step, while inflow is non-negative. So forward Euler keeps p ≥ 0 (and, for constant
// velocity in 1-D, is TVD by Harten's lemma, Harten 1983) when ν_c ≤ 1/(1 + m/2):
//
//   minmod    ν ≤ 2/3,      van Leer   ν ≤ 1/2
//
// (Hundsdorfer & Verwer 2003, §III.1.3, for the limited κ-schemes). Strong-stability-preserving
// Runge–Kutta methods with SSP coefficient 1 keep the same bound (pde/ssp_runge_kutta.hpp).

#include <algorithm>
#include <cmath>
#include <concepts>

namespace kolmo::pde {

enum class SlopeLimiter { minmod, van_leer };

[[nodiscard]] constexpr const char* to_string(SlopeLimiter limiter) {
  return limiter == SlopeLimiter::minmod ? "minmod" : "van_leer";
}

/// Roe's minmod, written without branches so that loops over cells vectorise.
struct Minmod {
  static constexpr double courant_limit = 2.0 / 3.0;  ///< 1/(1 + m/2), m = 1 (see above)
  [[nodiscard]] double operator()(double a, double b) const {
    return (std::copysign(0.5, a) + std::copysign(0.5, b)) * std::min(std::abs(a), std::abs(b));
  }
};

/// Van Leer's harmonic limiter. The denominator is selected, not guarded by a branch, so that
/// a + b = 0 (which needs ab ≤ 0, i.e. the result 0) never divides by zero.
struct VanLeer {
  static constexpr double courant_limit = 0.5;  ///< 1/(1 + m/2), m = 2 (see above)
  [[nodiscard]] double operator()(double a, double b) const {
    const double ab = a * b;
    return 2.0 * std::max(ab, 0.0) / (ab > 0.0 ? a + b : 1.0);
  }
};

/// What the flux kernels need of a limiter: φ(Δ₋, Δ₊) and its forward Euler Courant limit.
template <class Limiter>
concept SlopeLimiterRule = requires(const Limiter limiter, double a, double b) {
  { limiter(a, b) } -> std::same_as<double>;
  { Limiter::courant_limit } -> std::convertible_to<double>;
};
static_assert(SlopeLimiterRule<Minmod> && SlopeLimiterRule<VanLeer>);

[[nodiscard]] inline double minmod(double a, double b) { return Minmod{}(a, b); }
[[nodiscard]] inline double van_leer(double a, double b) { return VanLeer{}(a, b); }

/// φ(Δ₋, Δ₊) for the limiter chosen at run time.
[[nodiscard]] inline double limited_difference(SlopeLimiter limiter, double backward, double forward) {
  return limiter == SlopeLimiter::minmod ? minmod(backward, forward) : van_leer(backward, forward);
}

/// The largest outflow Courant number for which a forward Euler step keeps p ≥ 0 (see above).
[[nodiscard]] constexpr double courant_limit(SlopeLimiter limiter) {
  return limiter == SlopeLimiter::minmod ? Minmod::courant_limit : VanLeer::courant_limit;
}

}  // namespace kolmo::pde
