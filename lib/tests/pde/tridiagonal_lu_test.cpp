// The partitioned tridiagonal solver (internal, lib/src/pde/tridiagonal_lu.hpp) against the
// sequential Thomas algorithm, with round-off bounds derived from the algorithm's error analysis:
//
// Backward error. Thomas's computed x̂ solves (A + ΔA) x̂ = b with |ΔA| ≤ (4u + O(u²)) |L̂||Û|
// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §9.6), and ‖|L||U|‖∞ ≤ 3‖A‖∞
// for A diagonally dominant by rows or columns (ibid.), so the normwise backward error
// η = ‖b − A x̂‖∞ / (‖A‖∞ ‖x̂‖∞ + ‖b‖∞) (Rigal & Gaches; Higham Thm 7.1) is at most 12u. The
// partitioned solve evaluates the same recurrences but rounds each cell's local value and its
// coupling terms separately, and adds them in one more pass: at most twice the roundings per
// cell, each of a term bounded as Thomas's are. We allow twice Thomas's constant: η ≤ 24u.
// Forward error. Each solve is then within κ η / (1 − κ η) of x (relative, ∞-norm,
// κ = ‖A‖∞ ‖A⁻¹‖∞), so the two differ by at most twice that. ‖A⁻¹‖∞ is bounded by
// 1 / min_i (|a_ii| − Σ_{j≠i} |a_ij|) for strictly row-dominant A (Varah 1975), and equals
// ‖A⁻¹ 𝟙‖∞ for an M-matrix (A⁻¹ ≥ 0), which I − c L is with exponential fitting.
// Mass. The rescaled solve makes its own sum Σ s_j x̂_j equal the target; the true sum of the
// stored x̂ differs by the rounding of that sum (a block's cells are summed in one chain of up
// to 2ℓ − 1 additions, then the B blocks with three terms each) and of the correction pass
// (≤ 5 roundings a cell): |Σ s x̂ − target| ≤ (2ℓ + 3B + 5) u Σ |s_j x̂_j|, checked in long
// double so that the check's own sums add nothing at that level.

#include "pde/tridiagonal_lu.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kolmo/pde/fokker_planck.hpp"
#include "kolmo/process/double_well.hpp"
#include "kolmo/process/ornstein_uhlenbeck.hpp"
#include "pde/column_sums.hpp"

namespace kolmo::pde::detail {
namespace {

using Vector = std::vector<double>;
constexpr double u = std::numeric_limits<double>::epsilon() / 2;  // unit round-off
constexpr double backward_constant = 24.0;                         // η ≤ 24u, see the top

struct Tridiagonal {
  Vector lower, diagonal, upper;  // lower[0] and upper[n − 1] are 0
  [[nodiscard]] std::size_t size() const { return diagonal.size(); }
};

Vector multiply(const Tridiagonal& a, const Vector& x) {
  const std::size_t n = a.size();
  Vector y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = a.diagonal[i] * x[i] + (i > 0 ? a.lower[i] * x[i - 1] : 0.0) + (i + 1 < n ? a.upper[i] * x[i + 1] : 0.0);
  }
  return y;
}

/// The sequential Thomas algorithm (Golub & Van Loan §4.3.6): the reference.
Vector thomas(const Tridiagonal& a, Vector b) {
  const std::size_t n = a.size();
  Vector pivot(n), w(n, 0.0);
  pivot[0] = a.diagonal[0];
  for (std::size_t i = 1; i < n; ++i) {
    const double m = a.lower[i] / pivot[i - 1];
    pivot[i] = a.diagonal[i] - m * a.upper[i - 1];
    b[i] -= m * b[i - 1];
  }
  for (std::size_t i = 0; i + 1 < n; ++i) w[i] = a.upper[i] / pivot[i];
  b[n - 1] /= pivot[n - 1];
  for (std::size_t i = n - 1; i-- > 0;) b[i] = b[i] / pivot[i] - w[i] * b[i + 1];
  return b;
}

double norm(const Vector& x) {
  double largest = 0.0;
  for (double v : x) largest = std::max(largest, std::abs(v));
  return largest;
}

double norm(const Tridiagonal& a) {
  double largest = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    largest = std::max(largest, std::abs(a.lower[i]) + std::abs(a.diagonal[i]) + std::abs(a.upper[i]));
  }
  return largest;
}

double backward_error(const Tridiagonal& a, const Vector& x, const Vector& b) {
  const Vector ax = multiply(a, x);
  double residual = 0.0;
  for (std::size_t i = 0; i < b.size(); ++i) residual = std::max(residual, std::abs(b[i] - ax[i]));
  return residual / (norm(a) * norm(x) + norm(b));
}

double relative_difference(const Vector& x, const Vector& reference) {
  double largest = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) largest = std::max(largest, std::abs(x[i] - reference[i]));
  return largest / norm(reference);
}

/// The bound on the difference of two solves with backward errors ≤ 24u each.
double forward_bound(double condition) {
  const double each = backward_constant * u * condition;
  return 2.0 * each / (1.0 - each);
}

TridiagonalLu factorised(const Tridiagonal& a) {
  TridiagonalLu lu;
  EXPECT_TRUE(lu.factorise(a.lower, a.diagonal, a.upper));
  return lu;
}

/// Checks solve() against Thomas on b: backward errors and their difference.
void expect_matches_thomas(const Tridiagonal& a, TridiagonalLu& lu, const Vector& b, double inverse_norm) {
  const Vector reference = thomas(a, b);
  Vector x = b;
  lu.solve(x);
  EXPECT_LE(backward_error(a, reference, b), backward_constant * u) << "n = " << a.size() << " (Thomas)";
  EXPECT_LE(backward_error(a, x, b), backward_constant * u) << "n = " << a.size();
  EXPECT_LE(relative_difference(x, reference), forward_bound(norm(a) * inverse_norm)) << "n = " << a.size();
}

// Sizes around the partition's edges: one block, the remainder, whole groups of lanes, and more.
const std::vector<std::size_t> sizes = {1,    2,    3,    135,  136,  137,  271,  272,   1087,
                                        1088, 1089, 2176, 2591, 5000, 8831, 65547, 100003};

TEST(TridiagonalLu, MatchesThomasOnRandomRowDominantMatrices) {
  std::mt19937_64 rng(20261123);  // seed recorded
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (std::size_t n : sizes) {
    Tridiagonal a{Vector(n, 0.0), Vector(n), Vector(n, 0.0)};
    double margin = std::numeric_limits<double>::infinity();  // min_i |a_ii| − Σ_{j≠i} |a_ij|
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0) a.lower[i] = uniform(rng);
      if (i + 1 < n) a.upper[i] = uniform(rng);
      const double off = std::abs(a.lower[i]) + std::abs(a.upper[i]);
      a.diagonal[i] = (uniform(rng) < 0 ? -1.0 : 1.0) * (off + 0.1 + std::abs(uniform(rng)));
      margin = std::min(margin, std::abs(a.diagonal[i]) - off);
    }
    Vector b(n);
    for (double& v : b) v = uniform(rng);
    TridiagonalLu lu = factorised(a);
    expect_matches_thomas(a, lu, b, 1.0 / margin);  // Varah's bound on ‖A⁻¹‖∞
  }
}

/// I − c L for the operator of `equation` at t = 0, with exact column sums as the θ-method
/// makes them (column_sums.hpp).
Tridiagonal implicit_system(const FokkerPlanck& equation, double c) {
  Eigen::SparseMatrix<double> l = equation.generator(0.0);
  const Eigen::VectorXd sums = column_sums(l);
  Eigen::SparseMatrix<double> identity(l.rows(), l.cols());
  identity.setIdentity();
  Eigen::SparseMatrix<double> system = identity - c * l;
  set_column_sums(system, (1.0 - c * sums.array()).matrix());
  const auto n = static_cast<std::size_t>(l.rows());
  Tridiagonal a{Vector(n, 0.0), Vector(n), Vector(n, 0.0)};
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    a.diagonal[i] = system.coeff(r, r);
    if (i > 0) a.lower[i] = system.coeff(r, r - 1);
    if (i + 1 < n) a.upper[i] = system.coeff(r, r + 1);
  }
  return a;
}

/// ‖A⁻¹‖∞ = ‖A⁻¹ 𝟙‖∞ for an M-matrix.
double m_matrix_inverse_norm(const Tridiagonal& a) { return norm(thomas(a, Vector(a.size(), 1.0))); }

/// Σ_j s_j x_j and Σ_j |s_j x_j| in long double, s the column sums of A.
std::pair<long double, long double> weighted_sums(const Tridiagonal& a, const Vector& x) {
  long double sum = 0.0L, magnitude = 0.0L;
  for (std::size_t j = 0; j < a.size(); ++j) {
    const long double s = static_cast<long double>(a.diagonal[j]) + (j + 1 < a.size() ? a.lower[j + 1] : 0.0) +
                          (j > 0 ? a.upper[j - 1] : 0.0);
    sum += s * x[j];
    magnitude += std::abs(s * x[j]);
  }
  return {sum, magnitude};
}

double mass_bound(std::size_t n) {
  const double blocks = std::max<double>(1.0, std::floor(static_cast<double>(n) / TridiagonalLu::block_length));
  return (2.0 * TridiagonalLu::block_length + 3.0 * blocks + 5.0) * u;
}

struct FokkerPlanckCase {
  const char* name;
  FokkerPlanck equation;
  double c;  // I − c L
};

std::vector<FokkerPlanckCase> fokker_planck_cases() {
  const process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);
  const process::DoubleWellLangevin well(1.0, 0.5);
  return {
      {"OU 2^16 cells, implicit Euler dt = 1e-3 (the benchmark)", FokkerPlanck(ou.sde(), Grid({{-5.0, 5.0, 1 << 16}})), 1e-3},
      {"OU 2^16 cells, Crank-Nicolson dt = 1e-3", FokkerPlanck(ou.sde(), Grid({{-5.0, 5.0, 1 << 16}})), 5e-4},
      {"OU absorbing, 5000 cells", FokkerPlanck(ou.sde(), Grid({{-1.0, 1.0, 5000, Boundary::absorbing}})), 1e-2},
      {"double well, 401 cells, dt = 1", FokkerPlanck(well.sde(), Grid({{-2.5, 2.5, 401}})), 1.0},
  };
}

Vector gaussian_on_cells(std::size_t n) {
  Vector b(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double z = -3.0 + 6.0 * (static_cast<double>(i) + 0.5) / static_cast<double>(n);
    b[i] = std::exp(-z * z);
  }
  return b;
}

/// Each case's system I − c L, factorised, with a Gaussian right-hand side.
struct System {
  std::string name;
  Tridiagonal a;
  TridiagonalLu lu;
  Vector b;
};

std::vector<System> fokker_planck_systems() {
  std::vector<System> systems;
  for (const auto& [name, equation, c] : fokker_planck_cases()) {
    Tridiagonal a = implicit_system(equation, c);
    TridiagonalLu lu = factorised(a);
    Vector b = gaussian_on_cells(a.size());
    systems.push_back({name, std::move(a), std::move(lu), std::move(b)});
  }
  return systems;
}

TEST(TridiagonalLu, MatchesThomasOnFokkerPlanckSystems) {
  for (auto& [name, a, lu, b] : fokker_planck_systems()) {
    SCOPED_TRACE(name);
    expect_matches_thomas(a, lu, b, m_matrix_inverse_norm(a));
  }
}

TEST(TridiagonalLu, KeepsTheColumnSumInvariantOfTheExactSolve) {
  for (auto& [name, a, lu, b] : fokker_planck_systems()) {
    SCOPED_TRACE(name);
    long double target = 0.0L;
    for (double v : b) target += v;

    Vector x = b;
    const auto [correction, finite] = lu.solve_keeping_mass(x);
    EXPECT_TRUE(finite);
    // The rescaling undoes Σ (A x̂ − b) = −Σ r, |Σ r| ≤ n ‖r‖∞ ≤ n η (‖A‖ ‖x̂‖ + ‖b‖): round-off
    // unless the solve went wrong.
    const double residual_mass = static_cast<double>(a.size()) * backward_constant * u * (norm(a) * norm(x) + norm(b));
    EXPECT_LE(correction, residual_mass / static_cast<double>(target) + mass_bound(a.size()));
    const auto [mass, magnitude] = weighted_sums(a, x);
    EXPECT_LE(std::abs(static_cast<double>(mass - target)), mass_bound(a.size()) * static_cast<double>(magnitude));
    EXPECT_LE(relative_difference(x, thomas(a, b)), forward_bound(norm(a) * m_matrix_inverse_norm(a)) + correction);

    x = b;  // an explicit target is met the same way
    (void)lu.solve_keeping_mass(x, 0.5);
    EXPECT_LE(std::abs(static_cast<double>(weighted_sums(a, x).first) - 0.5), mass_bound(a.size()) * 0.5);
  }
}

TEST(TridiagonalLu, MidpointStepIsTwiceTheSolveMinusTheRightHandSide) {
  for (auto& [name, a, lu, b] : fokker_planck_systems()) {
    SCOPED_TRACE(name);
    Vector p = b;
    const auto [correction, finite] = lu.midpoint_keeping_mass(p);
    EXPECT_TRUE(finite);
    const Vector x = thomas(a, b);
    Vector expected(b.size());
    for (std::size_t i = 0; i < b.size(); ++i) expected[i] = 2.0 * x[i] - b[i];
    // 2 (the solve's error) + the rounding of 2x − b + the rescaling.
    const double solve_error = forward_bound(norm(a) * m_matrix_inverse_norm(a)) * norm(x);
    const double bound = 2.0 * solve_error + 2.0 * u * (2.0 * norm(x) + norm(b)) + correction * norm(p);
    EXPECT_LE(relative_difference(p, expected) * norm(expected), bound);
    // What the exact step keeps: Σ s p' = Σ (2 − s) b.
    long double target = 0.0L;
    const auto [b_mass, b_magnitude] = weighted_sums(a, b);
    for (double v : b) target += 2.0L * v;
    target -= b_mass;
    const auto [mass, magnitude] = weighted_sums(a, p);
    EXPECT_LE(std::abs(static_cast<double>(mass - target)),
              mass_bound(a.size()) * static_cast<double>(magnitude + b_magnitude));
  }
}

TEST(TridiagonalLu, RefusesZeroPivotsAndEmptySystems) {
  TridiagonalLu lu;
  EXPECT_FALSE(lu.factorise({}, {}, {}));
  const Vector zero_first = {0.0, 1.0, 1.0}, ones = {1.0, 1.0, 1.0};
  EXPECT_FALSE(lu.factorise(ones, zero_first, ones));
  const Vector singular = {1.0, 1.0, 2.0};  // second pivot 1 − 1·1 = 0
  EXPECT_FALSE(lu.factorise(ones, singular, ones));
  const Vector not_finite = {1.0, std::numeric_limits<double>::infinity(), 2.0};
  EXPECT_FALSE(lu.factorise(ones, not_finite, ones));
}

TEST(TridiagonalLu, DominanceWithAStrideLooksAtTheLinesNeighbours) {
  // Two interleaved lines (stride 2) of 3 cells: cells 0, 2, 4 and 1, 3, 5. Each line's matrix
  // is dominant by columns but not by rows; with stride 1 the same arrays would pair the wrong
  // entries.
  const Vector lower = {0.0, 0.0, 3.8, 3.8, 0.5, 0.5};
  const Vector diagonal = {4.0, 4.0, 4.0, 4.0, 4.0, 4.0};
  const Vector upper = {0.5, 0.5, 0.5, 0.5, 0.0, 0.0};
  EXPECT_TRUE(TridiagonalLu::diagonally_dominant(lower, diagonal, upper, 2));
  EXPECT_FALSE(TridiagonalLu::diagonally_dominant(lower, diagonal, upper, 1));
}

}  // namespace
}  // namespace kolmo::pde::detail
