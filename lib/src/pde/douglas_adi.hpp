#pragma once
// Internal: the Douglas ADI step for L = Σ_k L_k (Douglas 1962; Hundsdorfer & Verwer 2003,
// "Numerical Solution of Time-Dependent Advection-Diffusion-Reaction Equations", §IV.3.1,
// eq. (3.3)):
//
//   Y_0 = p_n + h Σ_k L_k(t_n) p_n,
//   (I − θ h L_k(t_{n+1})) Y_k = Y_{k−1} − θ h L_k(t_n) p_n,   k = 1 … d,
//   p_{n+1} = Y_d.
//
// With θ = ½ it is second order (no mixed derivatives) and unconditionally stable for d ≤ 3.
// A mixed-derivative part L_0 (2-D, FokkerPlanck::mixed_operator) is explicit in Y_0, and the
// Craig–Sneyd correction restores second order (Craig & Sneyd 1988; in 't Hout & Welfert 2009,
// Appl. Numer. Math. 59, eq. (1.4), σ = ½; unconditionally stable in 2-D for θ ≥ ½):
//
//   Ỹ_0 = Y_0 + ½ h (L_0(t_{n+1}) Y_d − L_0(t_n) p_n),
//   (I − θ h L_k(t_{n+1})) Ỹ_k = Ỹ_{k−1} − θ h L_k(t_n) p_n,   p_{n+1} = Ỹ_d.
//
// Without mixed terms Y_d is the step; each stage solves independent tridiagonal systems along
// the lines of one axis, so a step costs O(cells). The L_k come as bands (FokkerPlanck::
// axis_bands), from which the explicit products and the stage systems are formed directly.
// Lines of a non-periodic axis use the Thomas algorithm when diagonally dominant (always with
// exponential fitting) — along axis 0 the partitioned solver of tridiagonal_lu.hpp on all lines
// as one system, along the others across all lines at once (strided_lines.hpp); otherwise, and
// for periodic axes (cyclic systems), the stage matrix is factorised whole by a sparse LU.
// Every stage ends with the mass bookkeeping of column_sums.hpp.

#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <cstdint>
#include <vector>

#include "axis_bands.hpp"
#include "kolmo/pde/fokker_planck.hpp"
#include "strided_lines.hpp"
#include "tridiagonal_lu.hpp"

namespace kolmo::pde::detail {

class DouglasStepper {
 public:
  /// `implicit_coefficient` is θ h of every stage (fixed, so factorisations are reused).
  DouglasStepper(const FokkerPlanck& equation, double implicit_coefficient, bool time_dependent);

  /// One step from t to t + h with weight θ (θ h must equal the implicit coefficient); false
  /// when a factorisation fails.
  bool step(double t, double h, double theta, Eigen::VectorXd& p);

  std::uint64_t factorisations = 0;
  double largest_mass_correction = 0.0;

 private:
  struct AxisSystem {
    Eigen::VectorXd system_column_sums;       // of I − θ h L_k
    TridiagonalLu lines;                      // axis 0: all (contiguous) lines as one system
    StridedLines strided;                     // other axes: all lines at once
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;  // periodic axes, or no diagonal dominance
    enum class Solver { lines, strided, lu } solver = Solver::lu;
  };
  /// L_k at one time: bands, and for a periodic axis (wrap-round entries) also the sparse matrix.
  struct AxisOperator {
    AxisBands bands;
    Eigen::SparseMatrix<double> matrix;
  };

  void assemble(double t, std::vector<AxisOperator>& into, Eigen::SparseMatrix<double>& mixed);
  /// Y_0 − θ h Σ L_k p_n through the d implicit stages (the Douglas sweep).
  void sweep(double h, double theta, const std::vector<Eigen::VectorXd>& explicit_parts, Eigen::VectorXd& y);
  bool factorise(std::size_t k);
  void solve_stage(std::size_t k, Eigen::VectorXd& y);

  const FokkerPlanck& equation_;
  double coefficient_;
  bool time_dependent_;
  std::vector<AxisOperator> now_, next_;                  // L_k at the step's start and (time-dependent only) end
  Eigen::SparseMatrix<double> mixed_now_, mixed_next_;    // L_0 likewise (empty without mixed terms)
  bool mixed_ = false;
  double now_time_ = 0.0, next_time_ = 0.0;
  bool assembled_ = false;
  std::vector<AxisSystem> axes_;
  bool factorised_ = false;
  ImplicitSystem system_;                         // I − θ h L_k of the axis being factorised
  std::vector<Eigen::VectorXd> explicit_parts_;  // L_k p_n
  Eigen::VectorXd y0_, y_, mixed_start_;
};

}  // namespace kolmo::pde::detail
