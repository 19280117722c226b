#pragma once
// Kolmogorov–Smirnov tests: one sample against a continuous CDF, and two samples against each
// other, with the distribution of the statistic D_n = sup_x |F_n(x) - F(x)|.
//
// Statistic (Kolmogorov 1933; Smirnov 1939 for two samples)
//   one sample, sorted x_(1) <= ... <= x_(n):
//     D = max_i max( i/n - F(x_(i)), F(x_(i)) - (i-1)/n )
//   two samples: D = sup_t |F_a(t) - F_b(t)| over the pooled sample points, ties advanced
//   together so that a tie between the samples never creates a spurious jump.
//
// Distribution of D_n under H0 (continuous F), ks_p_value(d, n) = P(D_n >= d):
//   * d <= 1/(2n): p = 1;  d >= 1: p = 0 (the support of D_n is [1/(2n), 1]).
//   * Upper tail: if d >= 1/2 or 2 P(D_n^+ >= d) <= 0.01 then p = 2 P(D_n^+ >= d), with the
//     exact one-sided probability of Smirnov (1944) / Birnbaum & Tingey (1951, Ann. Math.
//     Stat. 22, 592):
//       P(D_n^+ >= d) = d sum_{j=0}^{floor(n(1-d))} C(n,j) (1 - d - j/n)^{n-j} (d + j/n)^{j-1}.
//     The doubling is exact for d >= 1/2 (the two one-sided events are then disjoint) and
//     otherwise over-counts only P(D^+ >= d and D^- >= d); against SciPy 1.10 kstwo.sf its
//     relative error is below 2e-7 wherever the switch applies (n = 20 ... 20000).
//   * Otherwise, n <= ks_exact_max_n (= 5000): p = 1 - P(D_n < d) with the exact matrix method
//     of Marsaglia, Tsang & Wang (2003, J. Stat. Softw. 8(18), "Evaluating Kolmogorov's
//     distribution"): P(D_n < d) = n!/n^n (H^n)_{kk}, k = floor(nd) + 1, H their (2k-1)^2
//     matrix built from h = k - nd (Durbin 1973's formulation); the power is taken by repeated
//     squaring with exact power-of-two rescaling. In this regime n d^2 <~ 2.7, so
//     2k - 1 <~ 3.3 sqrt(n) and the cost is O(n^1.5 log n): at most ~25 ms at n = 5000.
//   * Otherwise (n > 5000): the limiting Kolmogorov distribution with Stephens' (1970, JRSS B
//     32, 115) finite-n correction, p = Q_K((sqrt(n) + 0.12 + 0.11/sqrt(n)) d), where
//     Q_K(x) = 1 - K(x) = 2 sum_{k>=1} (-1)^{k-1} exp(-2 k^2 x^2) (Kolmogorov 1933). Where it
//     is used (n > 5000, p > 0.01) its relative error against SciPy kstwo.sf is below 0.3%,
//     shrinking like 1/sqrt(n). The exact branch agrees with kstwo.sf to 1e-12 for n <= 140
//     (where SciPy is exact too) and to 1e-6 beyond (SciPy's own asymptotic series).
//   Two-sample p-value: asymptotic, the same Stephens-corrected Q_K with the effective size
//   n_e = n m / (n + m) (Smirnov 1939 limit; the correction as in Press et al., Numerical
//   Recipes 3rd ed., sec. 14.3). It is approximate for small samples (n_e < ~20) and for
//   heavily tied data.
//
// Contract: samples non-empty and finite; the CDF callable must return values in [0, 1] that
// are non-decreasing along the sorted sample (checked); d in [0, 1], n >= 1. Misuse throws
// kolmo::Error.

#include <concepts>
#include <cstddef>
#include <functional>
#include <span>
#include <type_traits>
#include <vector>

namespace kolmo::stats {

/// Largest n for which ks_p_value uses the exact Marsaglia–Tsang–Wang computation.
inline constexpr std::size_t ks_exact_max_n = 5000;

/// How a Kolmogorov–Smirnov p-value was computed.
enum class KsMethod {
  exact,           ///< Marsaglia–Tsang–Wang matrix method, or an exact boundary case
  one_sided_tail,  ///< 2 x exact one-sided tail (Birnbaum–Tingey), p <= 0.01
  asymptotic,      ///< Stephens-corrected limiting Kolmogorov distribution
};

/// Result of a Kolmogorov–Smirnov test.
struct KsResult {
  double statistic = 0.0;    ///< D
  double p_value = 1.0;      ///< P(D >= observed D) under H0
  std::size_t n = 0;         ///< size of the (first) sample
  std::size_t m = 0;         ///< size of the second sample (0 for the one-sample test)
  double effective_n = 0.0;  ///< n (one sample) or n m / (n + m) (two samples)
  KsMethod method = KsMethod::exact;
};

/// Limiting Kolmogorov distribution K(x) = lim P(sqrt(n) D_n <= x), x >= 0.
[[nodiscard]] double kolmogorov_cdf(double x);
/// Its survival function 1 - K(x), accurate in the upper tail.
[[nodiscard]] double kolmogorov_survival(double x);

/// Exact P(D_n < d) by the Marsaglia–Tsang–Wang matrix method, for n >= 1 and d in [0, 1]
/// with n d <= 1000 (matrix order 2 floor(n d) + 1 <= 2001; the cost grows like (2 n d)^3 log n).
/// ks_p_value needs it only for n d^2 <~ 2.7, well inside that limit.
[[nodiscard]] double ks_exact_cdf(double d, std::size_t n);

/// Exact one-sided upper tail P(D_n^+ >= d) (Birnbaum & Tingey 1951).
[[nodiscard]] double ks_one_sided_survival(double d, std::size_t n);

/// P(D_n >= d) under H0 with the method rule of the header comment; `method`, if given,
/// receives which branch was used.
[[nodiscard]] double ks_p_value(double d, std::size_t n, KsMethod* method = nullptr);

/// One-sample test from F evaluated at the SORTED sample: cdf_values[i] = F(x_(i+1)).
/// Values must lie in [0, 1] and be non-decreasing.
[[nodiscard]] KsResult ks_one_sample_from_cdf_values(std::span<const double> cdf_values);

namespace detail {
/// A sorted copy of `samples` after checking it is non-empty and finite.
[[nodiscard]] std::vector<double> sorted_finite_copy(std::span<const double> samples,
                                                     const char* where, const char* parameter);
}  // namespace detail

/// A cumulative distribution function: any callable double -> double (lambda, function
/// pointer, std::function, functor). Continuity and monotonicity are checked on use.
template <class F>
concept CumulativeDistribution =
    std::invocable<F&, double> && std::convertible_to < std::invoke_result_t<F&, double>,
double > ;
static_assert(CumulativeDistribution<double (*)(double)>);
static_assert(CumulativeDistribution<std::function<double(double)>>);

/// One-sample test of `samples` against the continuous CDF `cdf`.
template <CumulativeDistribution Cdf>
[[nodiscard]] KsResult ks_one_sample(std::span<const double> samples, Cdf&& cdf) {
  std::vector<double> values =
      detail::sorted_finite_copy(samples, "kolmo::stats::ks_one_sample", "samples");
  for (double& x : values) x = static_cast<double>(cdf(x));
  return ks_one_sample_from_cdf_values(values);
}

/// Two-sample test of `a` against `b` (both non-empty, finite); asymptotic p-value.
[[nodiscard]] KsResult ks_two_sample(std::span<const double> a, std::span<const double> b);

}  // namespace kolmo::stats
