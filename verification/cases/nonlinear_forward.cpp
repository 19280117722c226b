#include "cases/nonlinear_forward.hpp"

#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

#include "kolmo/pde/fokker_planck.hpp"
#include "kolmo/pde/grid.hpp"
#include "kolmo/pde/theta_method.hpp"

namespace kolmo::verification::nonlinear {

double drift(double x) { return -0.5 * x - 0.1 * x * x * x; }
double diffusion_squared(double x) { return 1.0 + 0.5 * std::sin(x); }
double diffusion_squared_slope(double x) { return 0.5 * std::cos(x); }

process::Sde forward_sde() {
  return process::Sde::diagonal(
             "nonlinear-state-dependent", 1,
             [](double, const process::StateView& x) -> Eigen::ArrayXXd { return x.unaryExpr(&drift); },
             [](double, const process::StateView& x) -> Eigen::ArrayXXd {
               return x.unaryExpr([](double y) { return std::sqrt(diffusion_squared(y)); });
             })
      .with_diffusion_derivative([](double, const process::StateView& x) -> Eigen::ArrayXXd {
        return x.unaryExpr([](double y) { return diffusion_squared_slope(y) / (2.0 * std::sqrt(diffusion_squared(y))); });
      })
      .with_time_dependence(process::TimeDependence::autonomous);
}

sampling::ForwardProcess forward_process() {
  return sampling::ForwardProcess(forward_sde(), [](double, const process::StateView& x) -> Eigen::ArrayXXd {
    return x.unaryExpr(&diffusion_squared_slope);
  });
}

const distribution::GaussianMixture& data_law() {
  static const distribution::GaussianMixture law({0.4, 0.6},
                                                 {Eigen::VectorXd::Constant(1, -1.0), Eigen::VectorXd::Constant(1, 0.8)},
                                                 {Eigen::MatrixXd::Constant(1, 1, 0.09), Eigen::MatrixXd::Constant(1, 1, 0.2025)});
  return law;
}

namespace {

double initial_density(double x) {
  const auto normal = [](double y, double mean, double sd) {
    return std::exp(-0.5 * std::pow((y - mean) / sd, 2)) / (sd * std::sqrt(2.0 * std::numbers::pi));
  };
  return 0.4 * normal(x, -1.0, 0.3) + 0.6 * normal(x, 0.8, 0.45);
}

}  // namespace

ForwardSolution solve_forward(std::size_t cells) {
  const pde::Grid grid({{-half_width, half_width, cells}});
  auto start = pde::DensityField::at_cell_centers(grid, [](const process::StateView& x) -> Eigen::ArrayXd {
    return x.col(0).unaryExpr(&initial_density);
  });
  const double dt = 0.02 * 200.0 / static_cast<double>(cells);
  std::vector<double> times;
  for (int j = 1; j <= 50; ++j) times.push_back(0.02 * j);
  const pde::FokkerPlanck equation(forward_sde(), grid);
  auto forward = pde::solve({equation, start, horizon}, {.scheme = pde::TimeScheme::crank_nicolson, .dt = dt},
                            {.snapshot_times = times});
  std::vector<pde::DensityField> fields{start};
  fields.insert(fields.end(), forward.snapshots.begin(), forward.snapshots.end());
  return {std::move(start), std::move(forward.density), pde::DensitySeries(std::move(fields))};
}

}  // namespace kolmo::verification::nonlinear
