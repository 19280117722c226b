#include "kolmo/stats/ks_test.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "kolmo/core/validate.hpp"

namespace kolmo::stats {
namespace {

// Below this two-sided tail probability (and always for d >= 1/2) the doubled exact one-sided
// tail is used; see the header for its measured accuracy.
constexpr double tail_switch = 0.01;
// Largest n d accepted by ks_exact_cdf: a 2001 x 2001 matrix power is ~1e11 flops already.
constexpr double max_exact_nd = 1000.0;

void validate_d_n(double d, std::size_t n, const char* where) {
  require_closed_interval(where, "d", d, 0.0, 1.0);
  require_at_least(where, "n", n, 1);
}

// Scales `matrix` by an exact power of two so that its largest |entry| lies in [1/2, 1),
// adding the power removed to `exponent` (matrix_true = matrix * 2^exponent).
void normalise(Eigen::MatrixXd& matrix, long& exponent) {
  const double largest = matrix.cwiseAbs().maxCoeff();
  if (!(largest > 0.0)) return;
  int e = 0;
  (void)std::frexp(largest, &e);
  matrix *= std::ldexp(1.0, -e);
  exponent += e;
}

// H^power as (matrix, exponent) with H^power = matrix * 2^exponent, by repeated squaring.
Eigen::MatrixXd scaled_power(const Eigen::MatrixXd& h, std::size_t power, long& exponent) {
  Eigen::MatrixXd result = Eigen::MatrixXd::Identity(h.rows(), h.cols());
  Eigen::MatrixXd base = h;
  long base_exponent = 0;
  exponent = 0;
  while (power > 0) {
    if ((power & 1u) != 0) {
      result = result * base;
      exponent += base_exponent;
      normalise(result, exponent);
    }
    power >>= 1;
    if (power > 0) {
      base = base * base;
      base_exponent *= 2;
      normalise(base, base_exponent);
    }
  }
  return result;
}

// The (2k-1) x (2k-1) matrix of Marsaglia, Tsang & Wang (2003) for h = k - n d.
Eigen::MatrixXd durbin_matrix(Eigen::Index k, double h) {
  const Eigen::Index m = 2 * k - 1;
  Eigen::MatrixXd H(m, m);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < m; ++j) H(i, j) = (i - j + 1 >= 0) ? 1.0 : 0.0;
  for (Eigen::Index i = 0; i < m; ++i) {
    H(i, 0) -= std::pow(h, static_cast<double>(i + 1));
    H(m - 1, i) -= std::pow(h, static_cast<double>(m - i));
  }
  if (2.0 * h - 1.0 > 0.0) H(m - 1, 0) += std::pow(2.0 * h - 1.0, static_cast<double>(m));
  // Divide the entries on and below the first superdiagonal by (i - j + 1)!.
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < m; ++j)
      for (Eigen::Index g = 1; g <= i - j + 1; ++g) H(i, j) /= static_cast<double>(g);
  return H;
}

double stephens_argument(double d, double n) {
  const double root = std::sqrt(n);
  return (root + 0.12 + 0.11 / root) * d;
}

}  // namespace

double kolmogorov_cdf(double x) {
  require_finite("kolmo::stats::kolmogorov_cdf", "x", x);
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0 - kolmogorov_survival(x);
  // Theta-function form (Kolmogorov 1933): K(x) = sqrt(2 pi)/x sum exp(-(2k-1)^2 pi^2 / (8 x^2)),
  // rapidly convergent for small x where the alternating series is not.
  const double c = std::numbers::pi * std::numbers::pi / (8.0 * x * x);
  double sum = 0.0;
  for (int k = 1; k < 64; ++k) {
    const double odd = 2.0 * k - 1.0;
    const double term = std::exp(-odd * odd * c);
    sum += term;
    if (term <= 1e-17 * sum) break;
  }
  return std::sqrt(2.0 * std::numbers::pi) / x * sum;
}

double kolmogorov_survival(double x) {
  require_finite("kolmo::stats::kolmogorov_survival", "x", x);
  if (x <= 0.0) return 1.0;
  if (x < 1.0) return 1.0 - kolmogorov_cdf(x);
  // 1 - K(x) = 2 sum_{k>=1} (-1)^{k-1} exp(-2 k^2 x^2); at x >= 1 the terms fall by >= e^-6.
  double sum = 0.0;
  for (int k = 1; k < 64; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += (k % 2 == 1) ? term : -term;
    if (term <= 1e-17 * sum) break;
  }
  return 2.0 * sum;
}

double ks_exact_cdf(double d, std::size_t n) {
  constexpr const char* where = "kolmo::stats::ks_exact_cdf";
  validate_d_n(d, n, where);
  const double nd = static_cast<double>(n) * d;
  if (d >= 1.0) return 1.0;
  if (nd <= 0.5) return 0.0;  // D_n >= 1/(2n) always
  require(nd <= max_exact_nd, where, "n d", nd,
          "at most 1000 (the matrix method's order 2 floor(n d) + 1 is limited to 2001; "
          "ks_p_value covers large n d by its tail branch)");
  const auto k = static_cast<Eigen::Index>(std::floor(nd)) + 1;
  const double h = static_cast<double>(k) - nd;
  long exponent = 0;
  const Eigen::MatrixXd q = scaled_power(durbin_matrix(k, h), n, exponent);
  // Multiply (H^n)_{kk} by n!/n^n one factor i/n at a time, rescaling by powers of two.
  double s = q(k - 1, k - 1);
  const double nn = static_cast<double>(n);
  for (std::size_t i = 1; i <= n; ++i) {
    s *= static_cast<double>(i) / nn;
    if (std::abs(s) < 0x1p-400) {
      s *= 0x1p400;
      exponent -= 400;
    }
  }
  const double p = std::ldexp(s, static_cast<int>(std::max(exponent, -2000L)));
  return std::clamp(p, 0.0, 1.0);
}

double ks_one_sided_survival(double d, std::size_t n) {
  validate_d_n(d, n, "kolmo::stats::ks_one_sided_survival");
  if (d <= 0.0) return 1.0;
  if (d >= 1.0) return 0.0;
  const double nn = static_cast<double>(n);
  const auto j_max = static_cast<std::size_t>(std::floor(nn * (1.0 - d)));
  const double log_n_factorial = std::lgamma(nn + 1.0);
  std::vector<double> log_terms;
  log_terms.reserve(j_max + 1);
  for (std::size_t j = 0; j <= j_max && j < n; ++j) {
    const double jj = static_cast<double>(j);
    const double gap = 1.0 - d - jj / nn;
    if (!(gap > 0.0)) break;  // the term vanishes (n - j >= 1)
    log_terms.push_back(log_n_factorial - std::lgamma(jj + 1.0) - std::lgamma(nn - jj + 1.0) +
                        (nn - jj) * std::log(gap) + (jj - 1.0) * std::log(d + jj / nn));
  }
  if (log_terms.empty()) return 0.0;
  const double largest = *std::max_element(log_terms.begin(), log_terms.end());
  double sum = 0.0;
  for (double t : log_terms) sum += std::exp(t - largest);
  return std::min(1.0, d * sum * std::exp(largest));
}

double ks_p_value(double d, std::size_t n, KsMethod* method) {
  validate_d_n(d, n, "kolmo::stats::ks_p_value");
  KsMethod used = KsMethod::exact;
  const double nn = static_cast<double>(n);
  double p = 0.0;
  if (d >= 1.0) {
    p = 0.0;
  } else if (nn * d <= 0.5) {
    p = 1.0;
  } else if (d >= 0.5) {
    p = std::min(1.0, 2.0 * ks_one_sided_survival(d, n));  // disjoint one-sided events: exact
  } else {
    const double asymptotic = kolmogorov_survival(stephens_argument(d, nn));
    // Only evaluate the tail where it can apply (Stephens is within a few % of it there).
    const double tail = asymptotic < 5.0 * tail_switch ? 2.0 * ks_one_sided_survival(d, n) : 1.0;
    if (tail <= tail_switch) {
      p = tail;
      used = KsMethod::one_sided_tail;
    } else if (n <= ks_exact_max_n) {
      p = 1.0 - ks_exact_cdf(d, n);
    } else {
      p = asymptotic;
      used = KsMethod::asymptotic;
    }
  }
  if (method != nullptr) *method = used;
  return std::clamp(p, 0.0, 1.0);
}

KsResult ks_one_sample_from_cdf_values(std::span<const double> cdf_values) {
  constexpr const char* where = "kolmo::stats::ks_one_sample";
  require_at_least(where, "samples.size()", cdf_values.size(), 1);
  const double n = static_cast<double>(cdf_values.size());
  double d = 0.0;
  double previous = 0.0;
  for (std::size_t i = 0; i < cdf_values.size(); ++i) {
    const double f = cdf_values[i];
    require_closed_interval(where, "cdf(x)", f, 0.0, 1.0);
    require(f >= previous, where, "cdf(x)", f,
            "a non-decreasing CDF (it decreased from " + describe_value(previous) + ")");
    previous = f;
    const double i1 = static_cast<double>(i + 1);
    d = std::max({d, i1 / n - f, f - (i1 - 1.0) / n});
  }
  KsResult result;
  result.statistic = d;
  result.n = cdf_values.size();
  result.effective_n = n;
  result.p_value = ks_p_value(d, cdf_values.size(), &result.method);
  return result;
}

namespace detail {
std::vector<double> sorted_finite_copy(std::span<const double> samples, const char* where,
                                       const char* parameter) {
  require_at_least(where, std::string(parameter) + ".size()", samples.size(), 1);
  for (double x : samples) require_finite(where, parameter, x);
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}
}  // namespace detail

KsResult ks_two_sample(std::span<const double> a, std::span<const double> b) {
  constexpr const char* where = "kolmo::stats::ks_two_sample";
  const std::vector<double> x = detail::sorted_finite_copy(a, where, "a");
  const std::vector<double> y = detail::sorted_finite_copy(b, where, "b");
  const double n = static_cast<double>(x.size()), m = static_cast<double>(y.size());
  std::size_t i = 0, j = 0;
  double d = 0.0;
  while (i < x.size() && j < y.size()) {
    const double t = std::min(x[i], y[j]);
    while (i < x.size() && x[i] == t) ++i;  // step over ties in both samples together
    while (j < y.size() && y[j] == t) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  KsResult result;
  result.statistic = d;
  result.n = x.size();
  result.m = y.size();
  result.effective_n = n * m / (n + m);
  result.method = KsMethod::asymptotic;
  result.p_value =
      std::clamp(kolmogorov_survival(stephens_argument(d, result.effective_n)), 0.0, 1.0);
  return result;
}

}  // namespace kolmo::stats
