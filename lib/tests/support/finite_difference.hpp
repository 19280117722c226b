#pragma once
// Test helper: central differences of a scalar function of a point, with the bound on their
// error that the tests use as tolerance. For f smooth, along axis j at step h,
//
//   D_h f = (f(x + h e_j) − f(x − h e_j)) / (2h) = ∂_j f + (h²/6) ∂_j³ f(ξ) + rounding,
//
// (Taylor with the Lagrange remainder). Each value of f is taken as accurate to 8 ε F (a
// handful of roundings), F the largest |f| among x, x ± h e_j — not |f(x)| alone, which may
// vanish — so the difference quotient carries at most 2 · 8 ε F / (2h) = 8 ε F / h. The third derivative is estimated with the five-point stencil
//   ∂_j³ f ≈ (f(x+2H) − 2 f(x+H) + 2 f(x−H) − f(x−2H)) / (2H³),
// whose own error is O(H²) ∂_j⁵ f; the bound doubles the estimate to cover it.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace kolmo::test_support {

using ScalarFunction = std::function<double(const Eigen::RowVectorXd& x)>;

inline Eigen::RowVectorXd shifted(Eigen::RowVectorXd x, Eigen::Index j, double step) {
  x[j] += step;
  return x;
}

/// (f(x + h e_j) − f(x − h e_j)) / (2h), divided by the step actually taken: x_j ± h are rounded,
/// and (x_j + h) − (x_j − h) is their exact distance (Press et al., Numerical Recipes, §5.7) —
/// 2h itself would be off by ε |x_j| / h relative.
inline double central_difference(const ScalarFunction& f, const Eigen::RowVectorXd& x, Eigen::Index j, double h) {
  const Eigen::RowVectorXd forward = shifted(x, j, h), backward = shifted(x, j, -h);
  return (f(forward) - f(backward)) / (forward[j] - backward[j]);
}

/// The five-point estimate of ∂_j³ f at step H.
inline double third_derivative(const ScalarFunction& f, const Eigen::RowVectorXd& x, Eigen::Index j, double H) {
  return (f(shifted(x, j, 2 * H)) - 2 * f(shifted(x, j, H)) + 2 * f(shifted(x, j, -H)) - f(shifted(x, j, -2 * H))) /
         (2 * H * H * H);
}

/// Bound on |D_h f − ∂_j f|: 2 (h²/6) |∂_j³ f| (estimated at step H) + 8 ε F / h.
inline double central_difference_error(const ScalarFunction& f, const Eigen::RowVectorXd& x, Eigen::Index j, double h,
                                       double H) {
  constexpr double epsilon = std::numeric_limits<double>::epsilon();
  const double largest = std::max({std::abs(f(x)), std::abs(f(shifted(x, j, h))), std::abs(f(shifted(x, j, -h)))});
  return 2 * h * h / 6 * std::abs(third_derivative(f, x, j, H)) + 8 * epsilon * largest / h;
}

}  // namespace kolmo::test_support
