#include "kolmo/likelihood/variational_sde_elbo.hpp"

#include <cmath>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kolmo/core/error.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/distribution/gaussian_kl.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/stats/running_moments.hpp"

namespace kolmo::likelihood {
namespace {

constexpr const char* where = "kolmo::likelihood::variational_sde_elbo";

void require_one_gaussian(const char* function, const char* parameter, const distribution::GaussianMixture& law) {
  require(law.components() == 1, function, parameter, law.components(),
          "one Gaussian component (KL(q_0 || p_0) is taken in closed form)");
}

/// Evaluates `drift` once at the posterior's initial mean and checks it returns 1 × d.
void check_drift(const char* parameter, const process::BatchCoefficient& drift, const Eigen::ArrayXXd& row) {
  require(static_cast<bool>(drift), where, parameter, "empty", "a drift function");
  const Eigen::ArrayXXd value = drift(0.0, row);
  require(value.rows() == 1 && value.cols() == row.cols(), where, parameter,
          std::to_string(value.rows()) + " x " + std::to_string(value.cols()) + " for 1 state",
          "paths x d = 1 x " + std::to_string(row.cols()));
}

void check_inputs(const LatentSdePrior& prior, const SdePosterior& posterior, const ObservationLogLikelihood& log_likelihood,
                  const VariationalSdeElboOptions& options) {
  require(std::isfinite(prior.diffusion) && prior.diffusion > 0, where, "prior.diffusion", prior.diffusion,
          "a finite b > 0");
  require_one_gaussian(where, "prior.initial.components()", prior.initial);
  require_one_gaussian(where, "posterior.initial.components()", posterior.initial);
  require(posterior.initial.dimension() == prior.initial.dimension(), where, "posterior.initial.dimension()",
          posterior.initial.dimension(), "the prior's dimension " + std::to_string(prior.initial.dimension()));
  require(std::isfinite(options.horizon) && options.horizon > 0, where, "options.horizon", options.horizon,
          "a finite T > 0");
  require(options.steps >= 1, where, "options.steps", options.steps, "N >= 1");
  require(options.paths >= 2, where, "options.paths", options.paths, "M >= 2 (a standard error needs two paths)");
  require(options.brownian_fine_steps == 0 || options.brownian_fine_steps % options.steps == 0, where,
          "options.brownian_fine_steps", options.brownian_fine_steps,
          "0 or a multiple of options.steps (" + std::to_string(options.steps) + ")");
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
  const Eigen::ArrayXXd row = posterior.initial.means()[0].transpose().array();
  check_drift("prior.drift", prior.drift, row);
  check_drift("posterior.drift", posterior.drift, row);
  require(static_cast<bool>(log_likelihood), where, "log_likelihood", "empty", "log p(y | x_T) as a function of x_T");
  const Eigen::ArrayXd value = log_likelihood(row);
  require(value.size() == 1, where, "log_likelihood(x_T).size()", value.size(), "one value per row of x_T (1)");
}

/// The posterior chain with its running terms, as one SDE on z = (x, I, J) ∈ R^{d+2}:
///   dx = h dt + b dW,   dI = |f − h|²/(2b²) dt,   dJ = (f − h)·dW / b,
/// so that Euler–Maruyama steps are the Gaussian chain's and I_N, J_N − J_0 its two sums.
process::Sde augmented_posterior(const LatentSdePrior& prior, const SdePosterior& posterior) {
  const auto d = static_cast<Eigen::Index>(prior.initial.dimension());
  const double b = prior.diffusion;
  const auto mismatch = [f = prior.drift, h = posterior.drift, d](double t, const process::StateView& z) {
    const Eigen::ArrayXXd x = z.leftCols(d);
    Eigen::ArrayXXd posterior_drift = h(t, x);  // once: h may be a costly (e.g. Python) callable
    Eigen::ArrayXXd delta = f(t, x) - posterior_drift;
    return std::pair<Eigen::ArrayXXd, Eigen::ArrayXXd>{std::move(posterior_drift), std::move(delta)};
  };
  const auto drift = [mismatch, d, b](double t, const process::StateView& z) -> Eigen::ArrayXXd {
    const auto [h, delta] = mismatch(t, z);
    Eigen::ArrayXXd out = Eigen::ArrayXXd::Zero(z.rows(), d + 2);
    out.leftCols(d) = h;
    out.col(d) = delta.square().rowwise().sum() / (2 * b * b);
    return out;
  };
  // General noise, (d + 2) × d per path, flattened column-major: column j holds b e_j over x and (f − h)_j / b in J.
  const auto diffusion = [mismatch, d, b](double t, const process::StateView& z) -> Eigen::ArrayXXd {
    const Eigen::ArrayXXd delta = mismatch(t, z).second;
    Eigen::ArrayXXd out = Eigen::ArrayXXd::Zero(z.rows(), (d + 2) * d);
    for (Eigen::Index j = 0; j < d; ++j) {
      out.col(j * (d + 2) + j).setConstant(b);
      out.col(j * (d + 2) + d + 1) = delta.col(j) / b;
    }
    return out;
  };
  return process::Sde::general("variational posterior with its ELBO terms", static_cast<std::size_t>(d + 2),
                               static_cast<std::size_t>(d), drift, diffusion);
}

/// z_0 = (x_0, 0, log p_0(x_0) − log q_0(x_0)) with x_0 ~ q_0.
ensemble::InitialLaw augmented_initial(const LatentSdePrior& prior, const SdePosterior& posterior) {
  const std::size_t d = prior.initial.dimension();
  return ensemble::InitialLaw::custom(
      d + 2, [p0 = prior.initial, q0 = posterior.initial, d](std::uint64_t seed, std::uint64_t first, std::size_t count) {
        const Eigen::ArrayXXd x = q0.sample(seed, first, count);
        Eigen::ArrayXXd z(x.rows(), static_cast<Eigen::Index>(d + 2));
        z.leftCols(static_cast<Eigen::Index>(d)) = x;
        z.col(static_cast<Eigen::Index>(d)).setZero();
        z.col(static_cast<Eigen::Index>(d + 1)) = p0.log_density(x) - q0.log_density(x);
        return z;
      });
}

stats::MeanEstimate mean_of(const stats::RunningMoments& moments) {
  return moments.count() >= 2 ? stats::estimate_mean(moments)
                              : stats::MeanEstimate{std::nan(""), std::nan(""), moments.count()};
}

}  // namespace

VariationalSdeElbo variational_sde_elbo(const LatentSdePrior& prior, const SdePosterior& posterior,
                                        const ObservationLogLikelihood& log_likelihood,
                                        const VariationalSdeElboOptions& options) {
  check_inputs(prior, posterior, log_likelihood, options);
  const auto d = static_cast<Eigen::Index>(prior.initial.dimension());
  const double dt = options.horizon / static_cast<double>(options.steps);
  const sde::SdeProblem problem(augmented_posterior(prior, posterior), augmented_initial(prior, posterior), 0.0,
                                options.horizon, options.seed);
  const sde::EnsembleSolution chain = sde::solve(
      problem, sde::EulerMaruyama{dt},
      {.paths = options.paths, .threads = options.threads, .brownian_fine_steps = options.brownian_fine_steps});

  VariationalSdeElbo result;
  result.dt = dt;
  result.initial_kl = distribution::gaussian_kl(posterior.initial, prior.initial);
  const Eigen::ArrayXd observation = log_likelihood(chain.terminal.leftCols(d));
  require(observation.size() == chain.terminal.rows(), where, "log_likelihood(x_T).size()", observation.size(),
          "one value per path (" + std::to_string(chain.terminal.rows()) + ")");
  stats::RunningMoments elbo, observed, path_kl;
  std::uint64_t first_failed = options.paths;
  for (Eigen::Index p = 0; p < chain.terminal.rows(); ++p) {
    const double kl_sum = chain.terminal(p, d), log_weight_rest = chain.terminal(p, d + 1);
    const double value = options.estimator == ElboEstimator::expected_kl ? observation(p) - kl_sum - result.initial_kl
                                                                         : observation(p) - kl_sum + log_weight_rest;
    if (!std::isfinite(value)) {
      ++result.failed_paths;
      first_failed = std::min<std::uint64_t>(first_failed, static_cast<std::uint64_t>(p));
      continue;
    }
    elbo.add(value);
    observed.add(observation(p));
    path_kl.add(kl_sum);
  }
  result.elbo = mean_of(elbo);
  result.observation = mean_of(observed);
  result.path_kl = mean_of(path_kl);
  if (result.failed_paths > 0) {
    result.status = Status::failure(StatusCode::non_finite, "posterior path " + std::to_string(first_failed),
                                    std::to_string(result.failed_paths) + " of " + std::to_string(options.paths) +
                                        " posterior paths gave a non-finite ELBO term; the mean is over the others");
  } else if (!chain.status.ok()) {
    result.status = chain.status;
  }
  return result;
}

}  // namespace kolmo::likelihood
