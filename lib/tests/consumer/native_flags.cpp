// Built by the consumer check with -O3 -march=native against the installed package (which was
// built with the default flags): Eigen arrays allocated inside the library and freed here must
// use the same allocator. Before kolmo::kolmo fixed Eigen's alignment bounds for both sides, this
// program crashed in free() when `solution` went out of scope. It also checks the answer: the
// ensemble mean of a 2-D linear SDE against its exact transition mean, within 4.5 standard errors,
// and the cross-check API's law, grid and comparison (whose results also cross the boundary), and
// a few training steps of the MLP score network (its batches, gradients and scores cross it too):
// its loss must fall below the untrained one.
#include <cmath>
#include <cstdio>

#include <kolmo/compare/compare.hpp>
#include <kolmo/distribution/law.hpp>
#include <kolmo/process/linear_sde.hpp>
#include <kolmo/score/train.hpp>
#include <kolmo/sde/ensemble.hpp>
#include <kolmo/sde/exact_linear.hpp>

int main() {
  using namespace kolmo;
  Eigen::MatrixXd a(2, 2);
  a << -1.0, 0.5, 0.0, -2.0;
  const process::LinearSde linear(a, Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2));
  const Eigen::VectorXd x0 = Eigen::VectorXd::Ones(2);
  const sde::SdeProblem problem(linear.sde(), ensemble::InitialLaw::point(x0), 0.0, 1.0, /*seed=*/3);
  ensemble::EnsembleSolution solution;
  for (int repeat = 0; repeat < 20; ++repeat) {  // many arrays cross the library boundary and are freed here
    solution = sde::solve(problem, sde::ExactLinear{1.0 / 4, linear}, {.paths = 20'000, .threads = 2});
  }
  const Eigen::ArrayXd exact = linear.transition(1.0).mean(x0).array();
  const Eigen::ArrayXXd& x = solution.terminal;
  const Eigen::ArrayXd mean = x.colwise().mean().transpose();
  const Eigen::ArrayXd variance = (x.rowwise() - mean.transpose()).square().colwise().sum().transpose() / (x.rows() - 1.0);
  const Eigen::ArrayXd z = (mean - exact) / (variance / static_cast<double>(x.rows())).sqrt();
  std::printf("-march=native consumer: E[X_1] = (%.4f, %.4f), exact (%.4f, %.4f), z = (%+.2f, %+.2f)\n", mean(0),
              mean(1), exact(0), exact(1), z(0), z(1));
  // The first component's exact law on a grid against the ensemble's first component (KS).
  const auto transition = linear.transition(1.0);
  const auto law = distribution::Law::gaussian(exact.head(1).matrix(), transition.covariance.topLeftCorner(1, 1));
  const compare::Comparison ks = compare::compare(x.leftCols(1).eval(), law.on(pde::Grid({{-3.0, 4.0, 700}})));
  std::printf("-march=native consumer: %s p = %.3f over %zu samples\n", ks.test.c_str(), ks.p_value, ks.samples);
  const auto schedule = process::NoiseSchedule::vp_linear();
  score::Mlp model({.dimension = 2, .hidden_widths = {32, 32}}, schedule, /*seed=*/4);
  const score::DenoisingScoreMatching dsm{schedule, 0.3};
  const auto before = score::evaluate(dsm, model.score_model(), x.topRows(2000).eval(), 5);
  const auto training = score::train(model, dsm, x, {.steps = 200, .batch = 256, .seed = 6, .threads = 2});
  const auto after = score::evaluate(dsm, model.score_model(), x.topRows(2000).eval(), 5);
  std::printf("-march=native consumer: DSM of the MLP %.4f +- %.4f before, %.4f +- %.4f after 200 steps\n", before.value,
              before.standard_error, after.value, after.standard_error);
  const bool learned = training.status.ok() && after.value < before.value;
  return solution.status.ok() && (z.abs() <= 4.5).all() && ks.p_value >= 1e-6 && learned ? 0 : 1;
}
