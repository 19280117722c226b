// The README's variational-bounds example, compiled and run by ctest against the installed package
// (consumer.find_package_kolmo): the continuous-time ELBO of a 2-D mixture's reverse SDE at points
// of p_{t_min}, beside the exact log-density it must equal with the exact score and fall below with
// a perturbed one; then the DDPM bound of the same data on a 200-step discrete schedule.
#include <cmath>
#include <cstdio>

#include <kolmo/distribution/diffused_mixture.hpp>
#include <kolmo/likelihood/continuous_elbo.hpp>
#include <kolmo/likelihood/ddpm_bound.hpp>
#include <kolmo/score/mixture_score.hpp>

int main() {
  using namespace kolmo;
  const distribution::GaussianMixture data(
      {0.3, 0.7}, {Eigen::Vector2d(-1.5, 1.0), Eigen::Vector2d(1.2, -0.4)},
      {Eigen::Matrix2d{{0.5, 0.4}, {0.4, 0.5}}, Eigen::Matrix2d{{0.2, -0.1}, {-0.1, 0.2}}});
  const process::NoiseSchedule schedule = process::NoiseSchedule::vp_linear(0.1, 20.0);
  const distribution::DiffusedMixture diffused(data, schedule);
  const score::ScoreModel exact = score::mixture_score(diffused);
  // The same score off by 0.3 sin(x) in each coordinate, with its divergence.
  const score::ScoreModel perturbed =
      score::ScoreModel("perturbed", 2, [exact](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return exact.score(t, x) + 0.3 * x.sin();
      }).with_divergence([exact](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return exact.divergence(t, x) + 0.3 * x.cos().rowwise().sum();
      });

  const double t_min = 1e-3;
  const Eigen::ArrayXXd x = diffused.marginal(t_min).sample(/*seed=*/1, 0, 200);
  const Eigen::ArrayXd log_p = diffused.marginal(t_min).log_density(x);
  std::printf("exact log p_tmin: %.4f nats per point (mean over 200 points)\n", log_p.mean());
  for (const auto& [name, model] : {std::pair{"exact score", exact}, std::pair{"perturbed score", perturbed}}) {
    const likelihood::ContinuousElbo elbo = likelihood::continuous_elbo(
        schedule, model, diffused.marginal(1.0), x, {.t_min = t_min, .draws = 1000, .seed = 2, .threads = 2});
    // Paired with the exact log-density at the same points: the mean of log p − ELBO, with its SE.
    const Eigen::ArrayXd gap = log_p - elbo.elbo;
    const double gap_se = std::sqrt((gap - gap.mean()).square().sum() / (gap.size() - 1.0) / gap.size());
    std::printf("continuous ELBO, %-15s: %.4f nats per point; log p - ELBO = %.4f +- %.4f\n", name, elbo.mean.mean,
                gap.mean(), gap_se);
  }

  // The discrete-time bound of Ho et al. (2020) on 200 levels, sigma_i^2 = beta_i, prior N(0, I).
  const process::DiscreteSchedule levels = process::DiscreteSchedule::linear(200, 5e-4, 0.1);
  const score::ScoreModel level_score = score::mixture_score({data, levels.as_continuous()});
  const Eigen::ArrayXXd x0 = data.sample(/*seed=*/3, 0, 200);
  const likelihood::DdpmBound ddpm =
      likelihood::ddpm_bound(levels, level_score, distribution::GaussianMixture::gaussian(Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity()),
                             x0, {.variance = likelihood::BetaVariance{}, .draws = 1000, .seed = 4, .threads = 2});
  const Eigen::ArrayXd ddpm_gap = data.log_density(x0) - ddpm.bound;
  std::printf("DDPM bound (200 levels): %.4f nats per point; log p_data - bound = %.4f +- %.4f\n", ddpm.mean.mean,
              ddpm_gap.mean(), std::sqrt((ddpm_gap - ddpm_gap.mean()).square().sum() / 199.0 / 200.0));
  return ddpm.status.ok() ? 0 : 1;
}
