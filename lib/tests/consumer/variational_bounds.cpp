// The README's variational-bounds example, compiled and run by ctest against the installed package
// (consumer.find_package_kolmo): the continuous-time ELBO of a 2-D mixture's reverse SDE at points
// of p_{t_min}, beside the exact log-density it must equal with the exact score and fall below with
// a perturbed one; then the DDPM and VDM bounds of the same data, and the ELBO of a latent OU
// model beside its closed-form evidence.
#include <cmath>
#include <cstdio>
#include <numbers>

#include <kolmo/distribution/diffused_mixture.hpp>
#include <kolmo/likelihood/continuous_elbo.hpp>
#include <kolmo/likelihood/ddpm_bound.hpp>
#include <kolmo/likelihood/variational_sde_elbo.hpp>
#include <kolmo/likelihood/vdm_bound.hpp>
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

  // The VDM bound (Kingma et al. 2021) of the same points: continuous diffusion loss on [1e-3, 1].
  const likelihood::VdmBound vdm = likelihood::vdm_bound(
      schedule, exact, distribution::GaussianMixture::gaussian(Eigen::Vector2d::Zero(), Eigen::Matrix2d::Identity()), x0,
      {.t_min = 1e-3, .draws = 1000, .seed = 5, .threads = 2});
  const Eigen::ArrayXd vdm_gap = data.log_density(x0) - vdm.bound;
  std::printf("VDM bound (L_inf)      : %.4f nats per point; log p_data - bound = %.4f +- %.4f\n", vdm.mean.mean,
              vdm_gap.mean(), std::sqrt((vdm_gap - vdm_gap.mean()).square().sum() / 199.0 / 200.0));

  // A latent OU model dx = -x dt + 0.8 dW, x_0 ~ N(0, 1), observed as y = 0.4 with noise 0.5 at T = 1:
  // log p(y) = log N(y; 0, e^{-2} + 0.32 (1 - e^{-2}) + 0.25). Two posteriors: the prior itself, and
  // the prior's drift pulled towards y, 0.64 (y - x)/(0.25 + 0.64 (1 - t)) (exact for a Brownian prior).
  const double y = 0.4, evidence_variance = std::exp(-2.0) + 0.32 * (1 - std::exp(-2.0)) + 0.25;
  const double log_evidence = -0.5 * (std::log(2 * std::numbers::pi * evidence_variance) + y * y / evidence_variance);
  const likelihood::LatentSdePrior prior{[](double, const process::StateView& z) -> Eigen::ArrayXXd { return -z; }, 0.8,
                                         distribution::GaussianMixture::gaussian(Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1))};
  const likelihood::ObservationLogLikelihood observe = [y](const Eigen::ArrayXXd& z) -> Eigen::ArrayXd {
    return -0.5 * (std::log(2 * std::numbers::pi * 0.25) + (y - z.col(0)).square() / 0.25);
  };
  const likelihood::SdePosterior guided{[y](double t, const process::StateView& z) -> Eigen::ArrayXXd {
                                          return -z + 0.64 * (y - z) / (0.25 + 0.64 * (1 - t));
                                        },
                                        prior.initial};
  std::printf("latent OU model: log p(y) = %.4f\n", log_evidence);
  for (const auto& [name, posterior] : {std::pair{"the prior", likelihood::SdePosterior{prior.drift, prior.initial}},
                                        std::pair{"guided to y", guided}}) {
    const likelihood::VariationalSdeElbo elbo =
        likelihood::variational_sde_elbo(prior, posterior, observe, {.steps = 200, .paths = 20000, .seed = 6, .threads = 2});
    std::printf("  ELBO, q = %-11s: %.4f +- %.4f (gap %.4f)\n", name, elbo.elbo.mean, elbo.elbo.standard_error,
                log_evidence - elbo.elbo.mean);
  }
  return ddpm.status.ok() && vdm.status.ok() ? 0 : 1;
}
