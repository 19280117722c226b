#pragma once
// Uniform tensor grids of cells for the finite-volume solvers (1, 2 or 3 dimensions).
//
// Axis k covers [lower_k, upper_k] with n_k cells of width h_k = (upper_k − lower_k)/n_k; cell
// i has centre lower_k + (i + ½) h_k. Cells are numbered with axis 0 fastest,
//   index(i_0, …, i_{d−1}) = i_0 + n_0 (i_1 + n_1 (i_2 + …)),
// and a density on the grid is the vector of its cell averages in that order, normalised with
// the cell measure Π h_k: Σ p_i |cell| = 1 (docs/conventions.md).
//
// Each axis carries its boundary condition (what happens at lower_k and upper_k):
//   zero_flux   reflecting, no probability crosses (the default);
//   absorbing   p = 0 just outside: mass leaving is lost and reported by the solvers;
//   periodic    the axis is a circle of length upper_k − lower_k.

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <optional>
#include <vector>

namespace kolmo::pde {

enum class Boundary { zero_flux, absorbing, periodic };

[[nodiscard]] constexpr const char* to_string(Boundary boundary) {
  switch (boundary) {
    case Boundary::zero_flux: return "zero_flux";
    case Boundary::absorbing: return "absorbing";
    case Boundary::periodic: return "periodic";
  }
  return "unknown";
}

struct Axis {
  double lower = 0.0;
  double upper = 1.0;
  std::size_t cells = 0;
  Boundary boundary = Boundary::zero_flux;

  friend bool operator==(const Axis&, const Axis&) = default;
};

class Grid {
 public:
  static constexpr std::size_t max_dimension = 3;

  /// Throws kolmo::Error naming the axis on a non-finite or empty interval, fewer than 3 cells
  /// on an axis, no axes or more than three.
  explicit Grid(std::vector<Axis> axes);

  [[nodiscard]] std::size_t dimension() const { return axes_.size(); }
  [[nodiscard]] const Axis& axis(std::size_t k) const { return axes_[k]; }
  /// Total number of cells, Π n_k.
  [[nodiscard]] std::size_t cells() const { return cells_; }
  /// Cell width h_k along axis k.
  [[nodiscard]] double width(std::size_t k) const { return widths_[k]; }
  /// Π h_k: what one cell contributes to an integral per unit density.
  [[nodiscard]] double cell_measure() const { return cell_measure_; }
  /// Number of cells between neighbours along axis k (1, n_0, n_0 n_1).
  [[nodiscard]] std::size_t stride(std::size_t k) const { return strides_[k]; }

  /// Centre of cell i along axis k.
  [[nodiscard]] double center(std::size_t k, std::size_t i) const;
  /// The linear index of the cell holding row `row` of `points` (n × d), or none when the point
  /// is outside the closed box (an upper bound belongs to the last cell) or not a number.
  [[nodiscard]] std::optional<std::size_t> cell_of(const Eigen::Ref<const Eigen::ArrayXXd>& points, Eigen::Index row) const;
  /// Index of cell i along axis k of the cell with linear index `cell`.
  [[nodiscard]] std::size_t coordinate(std::size_t cell, std::size_t k) const {
    return (cell / strides_[k]) % axes_[k].cells;
  }
  /// Every cell centre as a batch (cells × d, column-major; the layout of process::StateBatch),
  /// so SDE coefficients can be evaluated on the whole grid in one call.
  [[nodiscard]] Eigen::ArrayXXd centers() const;
  /// The centres of cells first … first + count − 1 only (a chunk of the batch above).
  [[nodiscard]] Eigen::ArrayXXd centers(std::size_t first, std::size_t count) const;
  /// The same batch with the centre of axis k moved half a cell up: the faces between cell i
  /// and i + 1 along k (the last one is the upper boundary face).
  [[nodiscard]] Eigen::ArrayXXd upper_faces(std::size_t k) const;

  /// Same axes (bounds, cells and boundaries), exactly.
  friend bool operator==(const Grid& a, const Grid& b) { return a.axes_ == b.axes_; }

 private:
  std::vector<Axis> axes_;
  std::array<double, max_dimension> widths_{};
  std::array<std::size_t, max_dimension> strides_{};
  std::size_t cells_ = 1;
  double cell_measure_ = 1.0;
};

}  // namespace kolmo::pde
