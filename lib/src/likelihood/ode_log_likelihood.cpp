#include "kolmo/likelihood/ode_log_likelihood.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/ensemble/initial_law.hpp"
#include "kolmo/ode/ensemble.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/sampling/reverse_sde.hpp"

namespace kolmo::likelihood {
namespace {

constexpr const char* where = "kolmo::likelihood::ode_log_likelihood";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

void check(const sampling::ForwardProcess& forward, const score::ScoreModel& score,
           const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points, const OdeLikelihoodOptions& options) {
  const auto d = static_cast<Eigen::Index>(forward.dimension());
  require(points.rows() >= 1, where, "points", std::string_view("no rows"), "at least one point");
  require(points.cols() == d, where, "points", describe_value(points.rows()) + "x" + describe_value(points.cols()),
          "d = " + describe_value(d) + " columns (the forward process's dimension)");
  require_all_finite(where, "points", points);
  require(score.dimension() == forward.dimension(), where, "score.dimension()", score.dimension(),
          "the forward process's dimension " + describe_value(d));
  require(static_cast<Eigen::Index>(prior.dimension()) == d, where, "prior.dimension()", prior.dimension(),
          "the forward process's dimension " + describe_value(d));
  require(std::isfinite(options.t_min) && options.t_min > 0.0, where, "options.t_min", options.t_min, "a finite t_min > 0");
  require(std::isfinite(options.t_max) && options.t_max > options.t_min, where, "options.t_max", options.t_max,
          "a finite t_max > t_min = " + describe_value(options.t_min));
  require(options.threads >= 1, where, "options.threads", options.threads, "at least 1");
  require(!std::holds_alternative<ode::Rosenbrock>(options.method), where, "options.method", std::string_view("Rosenbrock"),
          "Euler, Heun, Rk4 (dt > 0) or Dormand-Prince: Rosenbrock carries no log-density");
  std::visit(Overloaded{[&](const ode::Euler& m) { require_positive(where, "options.method.dt", m.dt); },
                        [&](const ode::Heun& m) { require_positive(where, "options.method.dt", m.dt); },
                        [&](const ode::Rk4& m) { require_positive(where, "options.method.dt", m.dt); },
                        [](const auto&) {}},
             options.method);
  if (const auto* hutchinson = std::get_if<ode::Hutchinson>(&options.divergence)) {
    require(hutchinson->probes >= 1, where, "options.divergence.probes", hutchinson->probes, "at least 1 probe");
  }
}

/// The finer method of the error estimate: half the step, or tolerances divided by 100.
ode::Method refined(const ode::Method& method) {
  return std::visit(Overloaded{[](const ode::Euler& m) -> ode::Method { return ode::Euler{m.dt / 2}; },
                               [](const ode::Heun& m) -> ode::Method { return ode::Heun{m.dt / 2}; },
                               [](const ode::Rk4& m) -> ode::Method { return ode::Rk4{m.dt / 2}; },
                               [](const ode::DormandPrince& m) -> ode::Method {
                                 return ode::DormandPrince{m.absolute_tolerance / 100, m.relative_tolerance / 100, m.max_steps};
                               },
                               [](const ode::DenseDormandPrince& m) -> ode::Method {
                                 return ode::DenseDormandPrince{m.absolute_tolerance / 100, m.relative_tolerance / 100,
                                                                m.max_steps};
                               },
                               [](const ode::Rosenbrock& m) -> ode::Method { return m; }},
                    method);
}

/// One solve of every point from t_min to t_max: log p = log π(x(T)) − Δ, Δ the ensemble's
/// log-density change log p_T(x(T)) − log p_{t_min}(x) = −∫ ∇·v dt.
struct Solve {
  ode::FlowEnsembleSolution flow;
  Eigen::ArrayXd log_likelihood;
  Eigen::ArrayXd prior_log_density;
};

Solve solve(const ode::Flow& flow, const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
            const ode::Method& method, const OdeLikelihoodOptions& options) {
  ode::FlowEnsembleOptions ensemble{.paths = static_cast<std::uint64_t>(points.rows()), .threads = options.threads,
                                    .log_density = options.divergence};
  Solve out{ode::solve({flow, ensemble::InitialLaw::points(points), options.t_min, options.t_max, options.seed}, method,
                       ensemble),
            {}, {}};
  const Eigen::ArrayXXd& end = out.flow.ensemble.terminal;
  out.prior_log_density = Eigen::ArrayXd::Constant(points.rows(), nan);
  std::vector<Eigen::Index> finished;  // failed paths are NaN rows, which the prior refuses
  for (Eigen::Index i = 0; i < points.rows(); ++i) {
    if (end.row(i).isFinite().all()) finished.push_back(i);
  }
  if (!finished.empty()) out.prior_log_density(finished) = prior.log_density(Eigen::ArrayXXd(end(finished, Eigen::all)));
  out.log_likelihood = out.prior_log_density - out.flow.log_density_change;
  return out;
}

}  // namespace

OdeLikelihood ode_log_likelihood(const sampling::ForwardProcess& forward, const score::ScoreModel& score,
                                 const distribution::GaussianMixture& prior, const Eigen::ArrayXXd& points,
                                 const OdeLikelihoodOptions& options) {
  check(forward, score, prior, points, options);
  const ode::Flow flow = sampling::probability_flow(forward, score);
  require(!std::holds_alternative<ode::ExactDivergence>(options.divergence) || flow.has_divergence() || flow.has_jacobian(),
          where, "options.divergence", std::string_view("ExactDivergence"),
          "a score with its divergence (ScoreModel::with_divergence) and a forward SDE with additive isotropic noise, "
          "or ode::Hutchinson / ode::FiniteDifference");
  Solve coarse = solve(flow, prior, points, options.method, options);
  OdeLikelihood result;
  result.velocity_evaluations = coarse.flow.velocity_evaluations;
  result.ode_error = Eigen::ArrayXd::Zero(points.rows());
  Solve* returned = &coarse;
  Solve fine;
  if (options.estimate_ode_error) {
    fine = solve(flow, prior, points, refined(options.method), options);
    result.velocity_evaluations += fine.flow.velocity_evaluations;
    result.ode_error = (coarse.log_likelihood - fine.log_likelihood).abs();
    returned = &fine;
  }
  result.log_likelihood = returned->log_likelihood;
  result.prior_log_density = returned->prior_log_density;
  result.probe_standard_error = std::holds_alternative<ode::Hutchinson>(options.divergence)
                                    ? returned->flow.log_density_standard_error
                                    : Eigen::ArrayXd::Zero(points.rows()).eval();

  std::vector<double> finished;
  for (Eigen::Index i = 0; i < points.rows(); ++i) {
    const bool ok = std::isfinite(result.log_likelihood(i)) && std::isfinite(result.ode_error(i));
    if (ok) {
      finished.push_back(result.log_likelihood(i));
    } else {
      result.failed_points.push_back(static_cast<std::size_t>(i));
      result.log_likelihood(i) = result.ode_error(i) = result.probe_standard_error(i) = nan;
    }
  }
  if (!result.failed_points.empty()) {
    const Status& coarse_status = coarse.flow.ensemble.status;
    const Status& cause = coarse_status.ok() ? fine.flow.ensemble.status : coarse_status;
    result.status = Status::failure(cause.ok() ? StatusCode::non_finite : cause.code,
                                    "point " + describe_value(result.failed_points.front()),
                                    describe_value(result.failed_points.size()) + " of " + describe_value(points.rows()) +
                                        " points have no log-likelihood (left out of the mean): " +
                                        (cause.ok() ? std::string("the prior's log-density is not finite at x(T)")
                                                    : cause.where + ": " + cause.message));
  }
  if (finished.size() >= 2) {
    result.mean = stats::estimate_mean(std::span<const double>(finished.data(), finished.size()));
  } else if (finished.size() == 1) {
    result.mean = {finished.front(), nan, 1};
  }
  return result;
}

namespace {

/// −(log p + d log Δ)/(d ln 2) for one log-likelihood or an array of them, after the checks.
template <class LogLikelihood>
auto to_bits(const LogLikelihood& log_likelihood, std::size_t dimension, double bin_width) {
  constexpr const char* convert = "kolmo::likelihood::bits_per_dimension";
  require(dimension >= 1, convert, "dimension", dimension, "at least 1");
  require(std::isfinite(bin_width) && bin_width > 0.0, convert, "bin_width", bin_width, "a finite bin width > 0");
  const double d = static_cast<double>(dimension);
  return -(log_likelihood + d * std::log(bin_width)) / (d * std::numbers::ln2);
}

}  // namespace

double bits_per_dimension(double log_likelihood, std::size_t dimension, double bin_width) {
  return to_bits(log_likelihood, dimension, bin_width);
}

Eigen::ArrayXd bits_per_dimension(const Eigen::ArrayXd& log_likelihood, std::size_t dimension, double bin_width) {
  return to_bits(log_likelihood, dimension, bin_width);
}

Eigen::ArrayXXd dequantise(const Eigen::ArrayXXd& x, double bin_width, std::uint64_t seed) {
  constexpr const char* dequantise_where = "kolmo::likelihood::dequantise";
  require(std::isfinite(bin_width) && bin_width > 0.0, dequantise_where, "bin_width", bin_width, "a finite bin width > 0");
  require_all_finite(dequantise_where, "x", x);
  Eigen::ArrayXXd y = x;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      y(i, j) += bin_width * random::uniform01({seed, random::Purpose::dequantisation, static_cast<std::uint64_t>(i), 0,
                                                static_cast<std::uint64_t>(j)});
    }
  }
  return y;
}

}  // namespace kolmo::likelihood
