#include "kolmo/likelihood/ddpm_bound.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <span>
#include <string>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "draw_summary.hpp"

namespace kolmo::likelihood {
namespace {

constexpr const char* where = "kolmo::likelihood::ddpm_bound";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
const double log_two_pi = std::log(2.0 * std::numbers::pi);

void check(const process::DiscreteSchedule& schedule, const score::ScoreModel& score,
           const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points, const DdpmBoundOptions& options) {
  detail::check_points_and_prior(where, score, prior, points);
  require(options.draws >= 2, where, "options.draws", options.draws, "at least 2 draws per point (for a standard error)");
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
  if (const auto* given = std::get_if<GivenVariance>(&options.variance)) {
    require(given->variances.size() == schedule.steps(), where, "options.variance.variances.size()",
            given->variances.size(), "N = " + describe_value(schedule.steps()) + " (one per step)");
    for (std::size_t i = 0; i < given->variances.size(); ++i) {
      const double v = given->variances[i];
      require(std::isfinite(v) && v > 0.0, where, "options.variance.variances[" + std::to_string(i) + "]", v,
              "a finite variance > 0");
    }
  }
}

/// β̃_i = (1 − ᾱ_{i−1}) β_i / (1 − ᾱ_i).
double posterior_variance(const process::DiscreteSchedule& schedule, std::size_t i) {
  return (1.0 - schedule.alpha_bar(i - 1)) * schedule.beta(i) / (1.0 - schedule.alpha_bar(i));
}

/// One draw of point p: a step i ∈ {2, …, N} with x_i, and x_1 (the decoder's) and x_N.
struct Draws {
  std::vector<std::size_t> step;
  Eigen::ArrayXXd x_i, x_1, x_N;
};

Draws draw(const process::DiscreteSchedule& schedule, const Eigen::ArrayXXd& points, std::size_t draws, std::uint64_t seed) {
  const Eigen::Index n = points.rows(), d = points.cols(), m_count = static_cast<Eigen::Index>(draws);
  const std::size_t steps = schedule.steps();
  Draws out{std::vector<std::size_t>(static_cast<std::size_t>(n * m_count)), Eigen::ArrayXXd(n * m_count, d),
            Eigen::ArrayXXd(n * m_count, d), Eigen::ArrayXXd(n * m_count, d)};
  const double root_1 = std::sqrt(schedule.alpha_bar(1)), noise_1 = std::sqrt(1.0 - schedule.alpha_bar(1));
  const double root_N = std::sqrt(schedule.alpha_bar(steps)), noise_N = std::sqrt(1.0 - schedule.alpha_bar(steps));
  for (Eigen::Index p = 0; p < n; ++p) {
    for (Eigen::Index m = 0; m < m_count; ++m) {
      const Eigen::Index row = p * m_count + m;
      const auto address = [&](std::uint64_t component) {
        return random::DrawAddress{seed, random::Purpose::bound_estimate, static_cast<std::uint64_t>(p),
                                   static_cast<std::uint64_t>(m), component};
      };
      // Uniform on {2, …, N} (N = 1 has no KL terms: step 1 stands in and is not used).
      const double u = random::uniform01(address(0));
      const auto step = steps == 1 ? std::size_t{1}
                                   : std::min(steps, 2 + static_cast<std::size_t>(u * static_cast<double>(steps - 1)));
      out.step[static_cast<std::size_t>(row)] = step;
      const double root = std::sqrt(schedule.alpha_bar(step)), noise = std::sqrt(1.0 - schedule.alpha_bar(step));
      for (Eigen::Index j = 0; j < d; ++j) {
        const auto c = static_cast<std::uint64_t>(j);
        out.x_i(row, j) = root * points(p, j) + noise * random::standard_normal(address(1 + c));
        out.x_N(row, j) = root_N * points(p, j) + noise_N * random::standard_normal(address(1 + static_cast<std::uint64_t>(d) + c));
        out.x_1(row, j) = root_1 * points(p, j) + noise_1 * random::standard_normal(address(1 + 2 * static_cast<std::uint64_t>(d) + c));
      }
    }
  }
  return out;
}

/// The score at each row's step, one call per step: rows sorted by step (stably), evaluated with
/// score_at_times (which calls the model once per run of equal times), then put back.
Eigen::ArrayXXd score_at_steps(const score::ScoreModel& score, const process::DiscreteSchedule& schedule,
                               const std::vector<std::size_t>& step, const Eigen::ArrayXXd& x) {
  std::vector<Eigen::Index> order(step.size());
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
    return step[static_cast<std::size_t>(a)] < step[static_cast<std::size_t>(b)];
  });
  Eigen::ArrayXd times(static_cast<Eigen::Index>(order.size()));
  for (std::size_t k = 0; k < order.size(); ++k) {
    times(static_cast<Eigen::Index>(k)) = schedule.time_of(step[static_cast<std::size_t>(order[k])]);
  }
  const Eigen::ArrayXXd sorted = score.score_at_times(times, x(order, Eigen::all));
  Eigen::ArrayXXd out(x.rows(), x.cols());
  out(order, Eigen::all) = sorted;
  return out;
}

}  // namespace

double reverse_variance(const process::DiscreteSchedule& schedule, const ReverseVariance& variance, std::size_t i) {
  require(i >= 1 && i <= schedule.steps(), "kolmo::likelihood::reverse_variance", "i", i,
          "a step in 1..N = " + describe_value(schedule.steps()));
  if (const auto* given = std::get_if<GivenVariance>(&variance)) return given->variances.at(i - 1);
  if (std::holds_alternative<BetaVariance>(variance) || i == 1) return schedule.beta(i);
  return posterior_variance(schedule, i);
}

double ddpm_loss_weight(const process::DiscreteSchedule& schedule, const ReverseVariance& variance, std::size_t i) {
  const double beta = schedule.beta(i);
  return beta * beta / (reverse_variance(schedule, variance, i) * (1.0 - beta) * (1.0 - schedule.alpha_bar(i)));
}

DdpmBound ddpm_bound(const process::DiscreteSchedule& schedule, const score::ScoreModel& score,
                     const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
                     const DdpmBoundOptions& options) {
  check(schedule, score, prior, points, options);
  const Eigen::Index n = points.rows(), m_count = static_cast<Eigen::Index>(options.draws);
  const auto d = static_cast<double>(points.cols());
  const auto steps = static_cast<double>(schedule.steps());
  const Draws draws = draw(schedule, points, options.draws, options.seed);
  const Eigen::ArrayXXd s = score_at_steps(score, schedule, draws.step, draws.x_i);
  const Eigen::ArrayXXd s_1 = score.score(schedule.time_of(1), draws.x_1);

  // L_N = −H(q(x_N | x_0)) − log π(x_N), one draw of x_N per row.
  const double negative_entropy = -0.5 * d * (1.0 + log_two_pi + std::log(1.0 - schedule.alpha_bar(schedule.steps())));
  const Eigen::ArrayXd prior_terms = negative_entropy - prior.log_density(draws.x_N);
  // L_0 at every draw and one KL term L_{i−1}, i uniform on {2, …, N}, times N − 1: drawing the
  // decoder term like the others would make the estimate rare-and-huge (L_0 is −½ d log β_1 and
  // more, the KL terms O(1/N)), a skewed estimate whose typical value and SE mislead.
  const auto x0_hat = [&](const Eigen::ArrayXXd& x, const Eigen::ArrayXXd& score_x, Eigen::Index row, std::size_t i) {
    const double alpha_bar = schedule.alpha_bar(i);
    return Eigen::ArrayXd((x.row(row) + (1.0 - alpha_bar) * score_x.row(row)).transpose() / std::sqrt(alpha_bar));
  };
  const double decoder_variance = reverse_variance(schedule, options.variance, 1);
  Eigen::ArrayXd denoising_terms(n * m_count);
#pragma omp parallel for schedule(static) num_threads(options.threads)
  for (Eigen::Index row = 0; row < denoising_terms.size(); ++row) {
    const Eigen::ArrayXd x0 = points.row(row / m_count).transpose();
    // L_0 = −log N(x_0; x̂_0(x_1), σ_1² I): μ_θ(x_1, 1) = x̂_0 since ᾱ_0 = 1.
    double term = 0.5 * d * (log_two_pi + std::log(decoder_variance)) +
                  (x0 - x0_hat(draws.x_1, s_1, row, 1)).square().sum() / (2.0 * decoder_variance);
    const std::size_t i = draws.step[static_cast<std::size_t>(row)];
    if (i >= 2) {
      const double variance = reverse_variance(schedule, options.variance, i), tilde = posterior_variance(schedule, i);
      const double coefficient = std::sqrt(schedule.alpha_bar(i - 1)) * schedule.beta(i) / (1.0 - schedule.alpha_bar(i));
      const double kl = 0.5 * (d * (tilde / variance - 1.0 + std::log(variance / tilde)) +
                               coefficient * coefficient * (x0 - x0_hat(draws.x_i, s, row, i)).square().sum() / variance);
      term += (steps - 1.0) * kl;
    }
    denoising_terms(row) = term;
  }
  const Eigen::ArrayXd estimates = -(prior_terms + denoising_terms);

  detail::DrawSummary summary = detail::summarise_draws(estimates, n, m_count, "score or prior log-density");
  DdpmBound result{std::move(summary.status),
                   std::move(summary.mean),
                   std::move(summary.standard_error),
                   detail::per_point_mean(prior_terms, m_count, summary.failed_points),
                   detail::per_point_mean(denoising_terms, m_count, summary.failed_points),
                   std::move(summary.failed_points),
                   summary.over_points};
  return result;
}

}  // namespace kolmo::likelihood
