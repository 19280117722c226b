// The README's likelihood example, compiled and run by ctest against the installed package
// (consumer.find_package_kolmo): an ε-prediction MLP trained on a 1-D bimodal mixture, the NLL of
// a held-out set of lattice data under its probability-flow ODE in nats and bits per dimension
// with standard errors, and the same model's density from the continuity equation on a grid —
// two independent computations of one density, compared point by point.
#include <cmath>
#include <cstdio>
#include <numbers>

#include <kolmo/distribution/law.hpp>
#include <kolmo/likelihood/model_density.hpp>
#include <kolmo/likelihood/ode_log_likelihood.hpp>
#include <kolmo/score/train.hpp>

int main() {
  using namespace kolmo;
  const distribution::GaussianMixture data({0.4, 0.6}, {Eigen::VectorXd::Constant(1, -1.5), Eigen::VectorXd::Constant(1, 1.2)},
                                           {Eigen::MatrixXd::Constant(1, 1, 0.09), Eigen::MatrixXd::Constant(1, 1, 0.16)});
  const process::NoiseSchedule schedule = process::NoiseSchedule::vp_linear(0.1, 20.0);

  score::Mlp network({.dimension = 1, .hidden_widths = {64, 64}}, schedule, /*seed=*/1);
  const auto training = score::train(
      network, score::ContinuousScoreMatching{.schedule = schedule, .weighting = score::Weighting::sigma_squared(), .t_min = 1e-3},
      distribution::Law::mixture(data),
      {.steps = 2000, .batch = 512, .learning_rate = score::LearningRate::warmup_cosine(3e-3, 200, 2000, 0.05),
       .ema_decay = 0.999, .seed = 2, .threads = 2});
  network.set_parameters(training.ema_parameters);
  const score::ScoreModel learned = network.score_model("learned");
  const auto forward = sampling::ForwardProcess::of(schedule, 1);
  const auto prior = distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));

  // Held-out data on a lattice of bin width 1/32, dequantised by uniform noise in its bin.
  const double bin = 1.0 / 32.0;
  const Eigen::ArrayXXd lattice = (data.sample(/*seed=*/3, 0, 2000) / bin).floor() * bin;
  const Eigen::ArrayXXd held_out = likelihood::dequantise(lattice, bin, /*seed=*/4);

  const likelihood::OdeLikelihood nll = likelihood::ode_log_likelihood(
      forward, learned, prior, held_out, {.t_min = 1e-3, .method = ode::DormandPrince{1e-6, 1e-6}, .threads = 2});
  std::printf("ODE log-likelihood: %.4f +- %.4f nats per point (largest ODE error estimate %.1e, %zu failed)\n",
              nll.mean.mean, nll.mean.standard_error, nll.ode_error.maxCoeff(), nll.failed_points.size());
  std::printf("on the 1/32 lattice: %.4f +- %.4f bits per dimension\n", likelihood::bits_per_dimension(nll.mean.mean, 1, bin),
              nll.mean.standard_error / std::numbers::ln2);

  // The same model's density by another route: the continuity equation of its probability-flow
  // velocity, carried on a grid from the prior at T = 1 back to t_min.
  const likelihood::ModelDensity grid =
      likelihood::ode_model_density(forward, learned, prior, pde::Grid({{-5.0, 5.0, 1000}}), {.t_min = 1e-3});
  const Eigen::ArrayXd on_grid = likelihood::log_density_at(grid.density, held_out, pde::Interpolation::cubic_convolution);
  std::printf("grid density (1000 cells, %llu steps): %.4f nats per point; largest per-point difference %.1e\n",
              static_cast<unsigned long long>(grid.steps), on_grid.mean(), (on_grid - nll.log_likelihood).abs().maxCoeff());
  return nll.status.ok() && grid.status.ok() ? 0 : 1;
}
