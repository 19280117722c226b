#include "kolmo/pde/stationary.hpp"

#include <Eigen/SparseLU>
#include <vector>

#include "kolmo/core/validate.hpp"

namespace kolmo::pde {

StationarySolution stationary_density(const FokkerPlanck& equation, double t) {
  constexpr const char* where = "kolmo::pde::stationary_density";
  const Grid& grid = equation.grid();
  for (std::size_t k = 0; k < grid.dimension(); ++k) {
    require(grid.axis(k).boundary != Boundary::absorbing, where, "grid.axis(" + std::to_string(k) + ").boundary",
            to_string(grid.axis(k).boundary), "zero_flux or periodic: absorbing boundaries have no stationary density");
  }
  const Eigen::SparseMatrix<double> l = equation.generator(t);
  Eigen::Index pinned = 0;
  l.diagonal().cwiseAbs().maxCoeff(&pinned);

  // L with row `pinned` replaced by the cell measures (the normalisation).
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(static_cast<std::size_t>(l.nonZeros()) + grid.cells());
  for (Eigen::Index col = 0; col < l.outerSize(); ++col) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(l, col); it; ++it) {
      if (it.row() != pinned) entries.emplace_back(it.row(), it.col(), it.value());
    }
  }
  for (Eigen::Index col = 0; col < l.cols(); ++col) entries.emplace_back(pinned, col, grid.cell_measure());
  Eigen::SparseMatrix<double> system(l.rows(), l.cols());
  system.setFromTriplets(entries.begin(), entries.end());
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(l.rows());
  rhs(pinned) = 1.0;

  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu(system);
  if (lu.info() != Eigen::Success) {
    return {DensityField::computed(grid, Eigen::VectorXd::Zero(l.rows()), t), 0.0,
            Status::failure(StatusCode::not_converged, "the sparse LU of the pinned operator",
                            "singular: the operator is reducible (a region the diffusion cannot reach)")};
  }
  Eigen::VectorXd p = lu.solve(rhs);
  p /= p.sum() * grid.cell_measure();  // the pinned row holds only to the solve's backward error
  const double scale = (l.diagonal().cwiseAbs().array() * p.array().abs()).maxCoeff();
  StationarySolution solution{DensityField::computed(grid, p, t), (l * p).cwiseAbs().maxCoeff() / scale, {}};
  if (!p.allFinite()) {
    solution.status = Status::failure(StatusCode::non_finite, "the stationary solve", "non-finite density");
  } else if (p.minCoeff() < -1e-12 * p.cwiseAbs().maxCoeff()) {
    solution.status = Status::failure(StatusCode::diverged, "min p = " + describe_value(p.minCoeff()),
                                      "negative stationary density beyond round-off (central fluxes at a high cell Péclet number?)");
  }
  return solution;
}

}  // namespace kolmo::pde
