// The README's diffusion-model example, compiled and run by ctest against the installed package
// (consumer.find_package_kolmo): a 2-D bimodal Gaussian mixture pushed through the VP-linear
// noising SDE, sampled back with DPM-Solver++(2M) in 20 score evaluations from exact draws of p_T,
// and the sample mean compared with the exact mean of p_{t_min} within 4 standard errors.
#include <cmath>
#include <cstdio>

#include <kolmo/distribution/diffused_mixture.hpp>
#include <kolmo/distribution/law.hpp>
#include <kolmo/sampling/dpm_solver_plus_plus.hpp>
#include <kolmo/score/mixture_score.hpp>

int main() {
  using namespace kolmo;
  const distribution::GaussianMixture data({0.3, 0.7}, {Eigen::Vector2d(-2.0, 0.0), Eigen::Vector2d(1.5, 1.0)},
                                           {Eigen::Matrix2d{{0.3, 0.1}, {0.1, 0.2}}, Eigen::Matrix2d{{0.5, -0.2}, {-0.2, 0.4}}});
  const distribution::DiffusedMixture diffused(data, process::NoiseSchedule::vp_linear(0.1, 20.0));
  const double t_max = 1.0, t_min = 1e-3;
  const distribution::GaussianMixture prior = diffused.marginal(t_max);  // exact p_T
  const ensemble::InitialLaw initial = ensemble::InitialLaw::from(distribution::Law::mixture(prior));

  const sampling::SamplingProblem problem(score::mixture_score(diffused), diffused.schedule(), initial, t_max, t_min,
                                          /*seed=*/7);
  const sampling::SampleSolution result =
      sampling::sample(problem, sampling::DpmSolverPlusPlus2M{.steps = 20}, {.paths = 50'000, .threads = 2});

  const Eigen::VectorXd mean = result.samples.colwise().mean();
  const Eigen::VectorXd exact = diffused.marginal(t_min).mean();
  const Eigen::VectorXd standard_error =
      (diffused.marginal(t_min).covariance().diagonal() / static_cast<double>(result.samples.rows())).cwiseSqrt();
  std::printf("%s: %llu score evaluations per sample, status %s\n", result.sampler.c_str(),
              static_cast<unsigned long long>(result.stats.model_evaluations), to_string(result.status.code));
  bool agree = result.status.ok();
  for (int i = 0; i < 2; ++i) {
    const double z = (mean(i) - exact(i)) / standard_error(i);
    std::printf("mean[%d] = %.4f, exact %.4f, z = %+.2f\n", i, mean(i), exact(i), z);
    agree = agree && std::abs(z) <= 4.0;
  }
  return agree ? 0 : 1;
}
