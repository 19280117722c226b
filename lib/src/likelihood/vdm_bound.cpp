#include "kolmo/likelihood/vdm_bound.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <string>

#include "kolmo/core/validate.hpp"
#include "kolmo/distribution/gaussian_kl.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "chunked.hpp"
#include "draw_summary.hpp"

namespace kolmo::likelihood {
namespace {

constexpr const char* where = "kolmo::likelihood::vdm_bound";

double horizon_of(const process::NoiseSchedule& schedule, const VdmBoundOptions& options) {
  return options.t_max.value_or(schedule.horizon());
}

void check(const process::NoiseSchedule& schedule, const score::ScoreModel& score, const distribution::GaussianMixture& prior,
           const Eigen::ArrayXXd& points, const VdmBoundOptions& options) {
  detail::check_points_and_prior(where, score, prior, points);
  require(prior.components() == 1, where, "prior.components()", prior.components(),
          "one Gaussian (the prior term KL(q(z_T | x) || pi) is taken in closed form)");
  require(std::isfinite(options.t_min) && options.t_min > 0.0, where, "options.t_min", options.t_min, "a finite t_min > 0");
  const double t_max = horizon_of(schedule, options);
  require(std::isfinite(t_max) && t_max > options.t_min && t_max <= schedule.horizon(), where, "options.t_max", t_max,
          "t_min = " + describe_value(options.t_min) + " < t_max <= the schedule's horizon " +
              describe_value(schedule.horizon()));
  require(std::isfinite(schedule.lambda(options.t_min)) && std::isfinite(schedule.lambda(t_max)) &&
              schedule.lambda(options.t_min) > schedule.lambda(t_max),
          where, "the schedule's log-SNR on [t_min, t_max]",
          describe_value(schedule.lambda(options.t_min)) + " at t_min, " + describe_value(schedule.lambda(t_max)) + " at t_max",
          "a finite log-SNR that falls from t_min to t_max");
  require(options.draws >= 2, where, "options.draws", options.draws, "at least 2 draws per point (for a standard error)");
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
}

/// The T-step grid t_i = t_min + i Δ with log-SNR and SNR at its nodes, and the interval (s_i, t_i]
/// that holds a time with its probability P_i under the log-SNR-uniform proposal.
struct StepGrid {
  double t_min, t_max, step;
  Eigen::ArrayXd lambda, snr;

  StepGrid(const process::NoiseSchedule& schedule, double t0, double t1, std::size_t steps)
      : t_min(t0), t_max(t1), step((t1 - t0) / static_cast<double>(steps)), lambda(steps + 1), snr(steps + 1) {
    for (std::size_t i = 0; i <= steps; ++i) {
      const double t = i == steps ? t1 : t0 + static_cast<double>(i) * step;
      lambda(static_cast<Eigen::Index>(i)) = schedule.lambda(t);
      snr(static_cast<Eigen::Index>(i)) = std::exp(2.0 * lambda(static_cast<Eigen::Index>(i)));
    }
  }
  [[nodiscard]] Eigen::Index interval_of(double t) const {
    const auto steps = lambda.size() - 1;
    return std::clamp<Eigen::Index>(static_cast<Eigen::Index>(std::ceil((t - t_min) / step)), 1, steps);
  }
  [[nodiscard]] double time_of(Eigen::Index i) const {
    return i == lambda.size() - 1 ? t_max : t_min + static_cast<double>(i) * step;
  }
};

/// The weighted diffusion loss of every draw (row i M + m: draw m of point i), in chunks: per row
/// the time (log SNR uniform; for L_T the end of its grid interval), the weight, z_t = α x + σ ε,
/// then the chunk's scores at once and ‖x − x̂‖² with x̂ = (z + σ² s)/α (Tweedie).
Eigen::ArrayXd weighted_losses(const process::NoiseSchedule& schedule, const score::ScoreModel& score,
                               const Eigen::ArrayXXd& points, double t_min, double t_max, const VdmBoundOptions& options) {
  const Eigen::Index d = points.cols(), m_count = static_cast<Eigen::Index>(options.draws);
  const double lambda_max = schedule.lambda(t_min), lambda_min = schedule.lambda(t_max);
  const double log_snr_range = 2.0 * (lambda_max - lambda_min);
  const std::optional<StepGrid> grid =
      options.steps == 0 ? std::nullopt : std::optional<StepGrid>(StepGrid(schedule, t_min, t_max, options.steps));
  Eigen::ArrayXd out(points.rows() * m_count);
  detail::for_each_chunk(out.size(), 512, options.threads, [&](Eigen::Index first, Eigen::Index count) {
    Eigen::ArrayXd t(count), weight(count);
    Eigen::ArrayXXd z(count, d), x(count, d);
    for (Eigen::Index r = 0; r < count; ++r) {
      const Eigen::Index row = first + r, i = row / m_count, m = row % m_count;
      const auto address = [&](std::uint64_t component) {
        return random::DrawAddress{options.seed, random::Purpose::bound_estimate, static_cast<std::uint64_t>(i),
                                   static_cast<std::uint64_t>(m), component};
      };
      // Clamped: λ_max − u (λ_max − λ_min) may round one ulp outside [λ_min, λ_max].
      const double lambda = std::clamp(lambda_max - random::uniform01(address(0)) * (lambda_max - lambda_min), lambda_min, lambda_max);
      double time = std::clamp(schedule.t_of_lambda(lambda), t_min, t_max);
      if (grid) {
        // L_T: ½ (SNR(s_i) − SNR(t_i)) |x − x̂(z_{t_i})|² / P_i, P_i = Δ log SNR over the interval / the whole.
        const Eigen::Index k = grid->interval_of(time);
        const double share = 2.0 * (grid->lambda(k - 1) - grid->lambda(k)) / log_snr_range;
        weight(r) = 0.5 * (grid->snr(k - 1) - grid->snr(k)) / share;
        time = grid->time_of(k);
      } else {
        // L_∞: −½ SNR'(t) |x − x̂|² / ρ(t) with ρ(t) = −(d log SNR/dt) / range, i.e. ½ range SNR(t) |x − x̂|².
        weight(r) = 0.5 * log_snr_range * std::exp(2.0 * schedule.lambda(time));
      }
      t(r) = time;
      x.row(r) = points.row(i);
      const double alpha = schedule.alpha(time), sigma = schedule.sigma(time);
      for (Eigen::Index j = 0; j < d; ++j) {
        z(r, j) = alpha * points(i, j) + sigma * random::standard_normal(address(1 + static_cast<std::uint64_t>(j)));
      }
    }
    const Eigen::ArrayXXd s = score.score_at_times(t, z);
    for (Eigen::Index r = 0; r < count; ++r) {
      const double alpha = schedule.alpha(t(r)), sigma = schedule.sigma(t(r));
      out(first + r) = weight(r) * (x.row(r) - (z.row(r) + sigma * sigma * s.row(r)) / alpha).square().sum();
    }
  });
  return out;
}

}  // namespace

VdmBound vdm_bound(const process::NoiseSchedule& schedule, const score::ScoreModel& score,
                   const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points, const VdmBoundOptions& options) {
  check(schedule, score, prior, points, options);
  const double t_max = horizon_of(schedule, options);
  const Eigen::Index n = points.rows(), m_count = static_cast<Eigen::Index>(options.draws);
  const auto d = static_cast<double>(points.cols());
  const Eigen::ArrayXd diffusion = weighted_losses(schedule, score, points, options.t_min, t_max, options);

  // The closed-form terms: KL(N(α_T x, σ_T² I) ‖ π) and (d/2)(1 + log(2π/SNR(t_min))).
  const double alpha_T = schedule.alpha(t_max), sigma_T = schedule.sigma(t_max);
  Eigen::ArrayXd prior_term(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto q_T = distribution::GaussianMixture::gaussian(
        alpha_T * points.row(i).transpose().matrix(),
        sigma_T * sigma_T * Eigen::MatrixXd::Identity(points.cols(), points.cols()));
    prior_term(i) = distribution::gaussian_kl(q_T, prior);
  }
  const double reconstruction = 0.5 * d * (1.0 + std::log(2.0 * std::numbers::pi) - 2.0 * schedule.lambda(options.t_min));

  Eigen::ArrayXd estimates(n * m_count);
  for (Eigen::Index row = 0; row < estimates.size(); ++row) {
    estimates(row) = -(prior_term(row / m_count) + reconstruction + diffusion(row));
  }
  detail::DrawSummary summary = detail::summarise_draws(estimates, n, m_count, "score or denoiser");
  Eigen::ArrayXd loss = detail::per_point_mean(diffusion, m_count, summary.failed_points);
  Eigen::ArrayXd prior_terms = prior_term, reconstructions = Eigen::ArrayXd::Constant(n, reconstruction);
  for (const std::size_t p : summary.failed_points) {
    prior_terms(static_cast<Eigen::Index>(p)) = reconstructions(static_cast<Eigen::Index>(p)) = std::nan("");
  }
  return {std::move(summary.status), std::move(summary.mean), std::move(summary.standard_error), std::move(prior_terms),
          std::move(reconstructions), std::move(loss), std::move(summary.failed_points), summary.over_points};
}

}  // namespace kolmo::likelihood
