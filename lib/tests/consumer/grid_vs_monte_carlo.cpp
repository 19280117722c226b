// The README's cross-check example, compiled and run by ctest against the installed package
// (consumer.find_package_kolmo): one initial law, two faces — its cell averages start the
// Fokker–Planck grid solver, its draws start a Monte Carlo ensemble of the same double-well SDE —
// and compare::compare tests the particles against the grid density (KS, allowing the grid its
// Richardson-estimated L1 error from the same solve on half the cells).
#include <cstdio>

#include <kolmo/compare/compare.hpp>
#include <kolmo/distribution/law.hpp>
#include <kolmo/pde/theta_method.hpp>
#include <kolmo/process/double_well.hpp>
#include <kolmo/sde/ensemble.hpp>
#include <kolmo/sde/platen_weak2.hpp>

int main() {
  using namespace kolmo;
  const process::DoubleWellLangevin well(/*barrier_height=*/1.0, /*temperature=*/0.5);
  const auto start = distribution::Law::gaussian(Eigen::VectorXd::Constant(1, -1.0), Eigen::MatrixXd::Constant(1, 1, 0.05));
  const auto grid_at = [&](std::size_t cells) {
    const pde::Grid grid({{-2.5, 2.5, cells}});
    return pde::solve({pde::FokkerPlanck(well.sde(), grid), start.on(grid), /*t1=*/1.0}, {.dt = 1.0 / 400}).density;
  };
  const pde::DensityField grid = grid_at(800);
  const double grid_error = compare::richardson_l1_error(grid, grid_at(400), /*order=*/2.0);

  const sde::SdeProblem problem(well.sde(), ensemble::InitialLaw::from(start), /*t0=*/0.0, /*t1=*/1.0, /*seed=*/7);
  const auto particles = sde::solve(problem, sde::PlatenWeak2{1.0 / 400}, {.paths = 100'000, .threads = 2});

  const compare::Comparison ks = compare::compare(particles.terminal, grid, {.grid_error = grid_error});
  std::printf("%s: D = %.5f, p = %.3f over %zu paths (%zu left out)\nassuming %s\n", ks.test.c_str(), ks.statistic,
              ks.p_value, ks.samples, ks.left_out, ks.assumption.c_str());
  return ks.p_value >= 1e-6 ? 0 : 1;
}
