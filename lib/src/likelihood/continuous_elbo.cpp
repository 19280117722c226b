#include "kolmo/likelihood/continuous_elbo.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/ode/probe.hpp"
#include "kolmo/random/brownian_increments.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "chunked.hpp"
#include "draw_summary.hpp"

namespace kolmo::likelihood {
namespace {

constexpr const char* where = "kolmo::likelihood::continuous_elbo";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double horizon_of(const process::NoiseSchedule& schedule, const ContinuousElboOptions& options) {
  return options.t_max.value_or(schedule.horizon());
}

void check(const process::NoiseSchedule& schedule, const score::ScoreModel& score,
           const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points, const ContinuousElboOptions& options) {
  detail::check_points_and_prior(where, score, prior, points);
  require(std::isfinite(options.t_min) && options.t_min > 0.0, where, "options.t_min", options.t_min, "a finite t_min > 0");
  const double t_max = horizon_of(schedule, options);
  require(std::isfinite(t_max) && t_max > options.t_min && t_max <= schedule.horizon(), where, "options.t_max", t_max,
          "t_min = " + describe_value(options.t_min) + " < t_max <= the schedule's horizon " +
              describe_value(schedule.horizon()));
  require(options.draws >= 2, where, "options.draws", options.draws, "at least 2 draws per point (for a standard error)");
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
  require(!std::holds_alternative<ode::FiniteDifference>(options.divergence), where, "options.divergence",
          std::string_view("FiniteDifference"), "ExactDivergence or Hutchinson");
  if (std::holds_alternative<ode::ExactDivergence>(options.divergence)) {
    require(score.has_divergence(), where, "options.divergence", std::string_view("ExactDivergence"),
            "a score with its divergence (ScoreModel::with_divergence), or Hutchinson");
  }
  if (options.variational) {
    const VariationalDrift& v = *options.variational;
    require(static_cast<bool>(v.drift), where, "options.variational.drift", std::string_view("empty"), "a drift a(t, x)");
    require(v.steps >= 1, where, "options.variational.steps", v.steps, "N >= 1");
    require(v.brownian_fine_steps == 0 || v.brownian_fine_steps % v.steps == 0, where,
            "options.variational.brownian_fine_steps", v.brownian_fine_steps,
            "0 or a multiple of options.variational.steps (" + std::to_string(v.steps) + ")");
    require(std::holds_alternative<ode::ExactDivergence>(options.divergence), where, "options.divergence",
            std::string_view("Hutchinson"), "ExactDivergence with a variational drift (its paths are simulated step by step)");
    const Eigen::ArrayXXd a = v.drift(options.t_min, points.topRows(1));
    require(a.rows() == 1 && a.cols() == points.cols(), where, "options.variational.drift",
            describe_value(a.rows()) + "x" + describe_value(a.cols()) + " for 1 state",
            "paths x d = 1 x " + describe_value(points.cols()));
  }
  if (const auto* hutchinson = std::get_if<ode::Hutchinson>(&options.divergence)) {
    require(hutchinson->probes >= 1, where, "options.divergence.probes", hutchinson->probes, "at least 1 probe");
    require(score.has_jacobian_vector_product(), where, "options.divergence", std::string_view("Hutchinson"),
            "a score with its Jacobian-vector product (ScoreModel::with_jacobian_vector_product)");
  }
}

/// The draws of point i: row i M + m holds draw m's time, density ρ(t) and X_t, X_T.
struct Draws {
  Eigen::ArrayXd t, density;
  Eigen::ArrayXXd x_t, x_T;
};

Draws draw(const process::NoiseSchedule& schedule, const score::TimeDensity& rho, const Eigen::ArrayXXd& points,
           double t_min, double t_max, std::size_t draws, std::uint64_t seed) {
  const Eigen::Index n = points.rows(), d = points.cols(), m_count = static_cast<Eigen::Index>(draws);
  Draws out{Eigen::ArrayXd(n * m_count), Eigen::ArrayXd(n * m_count), Eigen::ArrayXXd(n * m_count, d),
            Eigen::ArrayXXd(n * m_count, d)};
  const double log_alpha_min = schedule.log_alpha(t_min), sigma_min = schedule.sigma(t_min);
  // X_t given X_{t_min} = x: mean r x, variance σ_t² − r² σ_{t_min}², r = α_t/α_{t_min}.
  const auto transition = [&](double t) {
    const double r = std::exp(schedule.log_alpha(t) - log_alpha_min);
    const double sigma = schedule.sigma(t);
    return std::pair{r, std::sqrt(std::max(0.0, sigma * sigma - r * r * sigma_min * sigma_min))};
  };
  const auto [r_T, sd_T] = transition(t_max);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index m = 0; m < m_count; ++m) {
      const Eigen::Index row = i * m_count + m;
      const auto address = [&](std::uint64_t component) {
        return random::DrawAddress{seed, random::Purpose::bound_estimate, static_cast<std::uint64_t>(i),
                                   static_cast<std::uint64_t>(m), component};
      };
      const double t = rho.sample(random::uniform01(address(0)));
      out.t(row) = t;
      out.density(row) = rho.density(t);
      const auto [r, sd] = transition(t);
      for (Eigen::Index j = 0; j < d; ++j) {
        const auto c = static_cast<std::uint64_t>(j);
        out.x_t(row, j) = r * points(i, j) + sd * random::standard_normal(address(1 + c));
        out.x_T(row, j) = r_T * points(i, j) + sd_T * random::standard_normal(address(1 + static_cast<std::uint64_t>(d) + c));
      }
    }
  }
  return out;
}

/// ∇·s at each row's own time: the score's divergence, or Hutchinson's estimate with K probes,
/// entry j of probe k of draw m of point p at (seed, Purpose::probe, p, m, k d + j).
Eigen::ArrayXd divergences(const score::ScoreModel& score, const Draws& draws, const ode::DivergenceMethod& method,
                           std::size_t draws_per_point, std::uint64_t seed, int threads) {
  const Eigen::Index rows = draws.t.size(), d = draws.x_t.cols();
  Eigen::ArrayXd out(rows);
  const auto* hutchinson = std::get_if<ode::Hutchinson>(&method);
  detail::for_each_chunk(rows, 64, threads, [&](Eigen::Index first, Eigen::Index count) {
    for (Eigen::Index row = first; row < first + count; ++row) {
      const Eigen::ArrayXXd x = draws.x_t.row(row);
      if (!hutchinson) {
        out(row) = score.divergence(draws.t(row), x)(0, 0);
        continue;
      }
      const auto k_count = static_cast<Eigen::Index>(hutchinson->probes);
      const auto m = static_cast<Eigen::Index>(draws_per_point);
      Eigen::ArrayXXd z(k_count, d);
      for (Eigen::Index k = 0; k < k_count; ++k) {
        for (Eigen::Index j = 0; j < d; ++j) {
          const random::DrawAddress address{seed, random::Purpose::probe, static_cast<std::uint64_t>(row / m),
                                            static_cast<std::uint64_t>(row % m), static_cast<std::uint64_t>(k * d + j)};
          z(k, j) = ode::probe_entry(hutchinson->kind, address);
        }
      }
      const Eigen::ArrayXXd product = score.jacobian_vector_product(draws.t(row), x, z);
      out(row) = (product * z).sum() / static_cast<double>(k_count);
    }
  });
  return out;
}

/// The general form: per row (point · M + draw) an Euler–Maruyama inference path from its point,
/// returning the per-row log π(X_T) and the left-point integral ∫ [½ |a|² + g² ∇·s − d f] dt.
/// Rows go in fixed chunks (detail::for_each_chunk: the chunking never depends on the thread count).
std::pair<Eigen::ArrayXd, Eigen::ArrayXd> inference_paths(const process::NoiseSchedule& schedule, const score::ScoreModel& score,
                                                          const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
                                                          double t_max, const ContinuousElboOptions& options) {
  const VariationalDrift& v = *options.variational;
  const Eigen::Index n = points.rows(), d = points.cols(), m_count = static_cast<Eigen::Index>(options.draws);
  const Eigen::Index rows = n * m_count;
  const std::uint64_t fine = v.brownian_fine_steps == 0 ? v.steps : v.brownian_fine_steps;
  const random::BrownianIncrements brownian(options.seed, options.t_min, t_max, fine, static_cast<std::size_t>(d),
                                            random::Purpose::bound_estimate);
  const std::uint64_t factor = fine / v.steps;
  const double dt = brownian.dt(factor), dimension = static_cast<double>(d);
  Eigen::ArrayXd prior_log(rows), integral(rows);
  detail::for_each_chunk(rows, 1024, options.threads, [&](Eigen::Index first, Eigen::Index count) {
    Eigen::ArrayXXd x(count, d);
    for (Eigen::Index r = 0; r < count; ++r) x.row(r) = points.row((first + r) / m_count);
    Eigen::ArrayXd sum = Eigen::ArrayXd::Zero(count);
    std::vector<double> increments(static_cast<std::size_t>(count * d));
    for (std::uint64_t k = 0; k < v.steps; ++k) {
      const double t = brownian.time(k, factor), g2 = schedule.diffusion_squared(t), g = std::sqrt(g2),
                   f = schedule.drift_rate(t);
      const Eigen::ArrayXXd s = score.score(t, x), a = v.drift(t, x);
      require(a.rows() == count && a.cols() == d, where, "options.variational.drift",
              describe_value(a.rows()) + "x" + describe_value(a.cols()) + " at t = " + describe_value(t),
              "paths x d = " + describe_value(count) + "x" + describe_value(d));
      const Eigen::ArrayXd divergence = score.divergence(t, x).col(0);
      sum += (0.5 * a.square().rowwise().sum() + g2 * divergence - dimension * f) * dt;
      brownian.fill(static_cast<std::uint64_t>(first), static_cast<std::size_t>(count), k, factor, increments);
      const Eigen::Map<const Eigen::ArrayXXd> dw(increments.data(), count, d);  // component-major: column j
      x += (f * x - g2 * s + g * a) * dt + g * dw;
    }
    prior_log.segment(first, count) = prior.log_density(x);
    integral.segment(first, count) = sum;
  });
  return {prior_log, integral};
}

/// Per-draw estimates log π(X_T) − (the integral's estimate), summarised per point (draw_summary.hpp).
ContinuousElbo summarised(const Eigen::ArrayXd& prior_log, const Eigen::ArrayXd& integral, Eigen::Index points,
                          Eigen::Index draws, const std::string& what) {
  detail::DrawSummary summary = detail::summarise_draws(prior_log - integral, points, draws, what);
  return {std::move(summary.status),
          std::move(summary.mean),
          std::move(summary.standard_error),
          detail::per_point_mean(prior_log, draws, summary.failed_points),
          detail::per_point_mean(integral, draws, summary.failed_points),
          std::move(summary.failed_points),
          summary.over_points};
}

}  // namespace

ContinuousElbo continuous_elbo(const process::NoiseSchedule& schedule, const score::ScoreModel& score,
                               const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
                               const ContinuousElboOptions& options) {
  check(schedule, score, prior, points, options);
  const double t_max = horizon_of(schedule, options);
  const Eigen::Index n = points.rows(), m_count = static_cast<Eigen::Index>(options.draws);
  if (options.variational) {
    const auto [prior_log, integral] = inference_paths(schedule, score, prior, points, t_max, options);
    return summarised(prior_log, integral, n, m_count, "score, divergence, variational drift or prior log-density");
  }
  const score::TimeDensity rho = options.time_sampling.on(schedule, options.t_min, t_max);
  const Draws draws = draw(schedule, rho, points, options.t_min, t_max, options.draws, options.seed);
  const auto d = static_cast<double>(points.cols());

  // h(t, X_t)/ρ(t) = [½ g² |s|² + g² ∇·s − d f(t)] / ρ(t) per row.
  const Eigen::ArrayXXd s = score.score_at_times(draws.t, draws.x_t);
  const Eigen::ArrayXd divergence =
      divergences(score, draws, options.divergence, options.draws, options.seed, options.threads);
  Eigen::ArrayXd weighted(n * m_count);
  for (Eigen::Index row = 0; row < weighted.size(); ++row) {
    const double t = draws.t(row), g2 = schedule.diffusion_squared(t);
    const double h = 0.5 * g2 * s.row(row).square().sum() + g2 * divergence(row) - d * schedule.drift_rate(t);
    weighted(row) = h / draws.density(row);
  }
  return summarised(prior.log_density(draws.x_T), weighted, n, m_count, "score, divergence or prior log-density");
}

}  // namespace kolmo::likelihood
