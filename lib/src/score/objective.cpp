#include "kolmo/score/objective.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/stats/mean_estimate.hpp"

namespace kolmo::score {
namespace {

constexpr const char* draw_where = "kolmo::score::draw_loss_batch";

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

/// n × d draws at (seed, purpose, path = first_row + i, step, component first_component + j).
Eigen::ArrayXXd normals(std::uint64_t seed, random::Purpose purpose, std::uint64_t step, std::uint64_t first_row,
                        Eigen::Index rows, Eigen::Index cols, std::uint64_t first_component = 0) {
  Eigen::ArrayXXd out(rows, cols);
  random::fill_standard_normals({seed, purpose, step, first_row, static_cast<std::size_t>(rows),
                                 static_cast<std::size_t>(cols), first_component},
                                std::span<double>(out.data(), static_cast<std::size_t>(out.size())));
  return out;
}

Eigen::ArrayXXd uniforms(std::uint64_t seed, random::Purpose purpose, std::uint64_t step, std::uint64_t first_row,
                         Eigen::Index rows, Eigen::Index cols, std::uint64_t first_component = 0) {
  Eigen::ArrayXXd out(rows, cols);
  random::fill_uniforms({seed, purpose, step, first_row, static_cast<std::size_t>(rows), static_cast<std::size_t>(cols),
                         first_component},
                        std::span<double>(out.data(), static_cast<std::size_t>(out.size())));
  return out;
}

LossBatch regression_batch(Eigen::ArrayXd t, Eigen::ArrayXXd x, Eigen::ArrayXd weight, Eigen::ArrayXXd target) {
  LossBatch batch;
  batch.t = std::move(t);
  batch.x = std::move(x);
  batch.weight = std::move(weight);
  batch.target = std::move(target);
  return batch;
}

/// Row times: all equal (the reference is then asked at one time, a batch it evaluates fastest).
bool one_time(const Eigen::ArrayXd& t) { return (t == t[0]).all(); }

LossBatch explicit_batch(const ExplicitScoreMatching& esm, Eigen::ArrayXd t, const Eigen::ArrayXXd& points) {
  const Eigen::Index n = points.rows();
  Eigen::ArrayXXd target = one_time(t) ? esm.reference.score(t[0], points) : esm.reference.score_at_times(t, points);
  return regression_batch(std::move(t), points, Eigen::ArrayXd::Ones(n), std::move(target));
}

LossBatch implicit_batch(const ImplicitScoreMatching& ism, Eigen::ArrayXd t, const Eigen::ArrayXXd& points,
                         std::uint64_t seed, std::uint64_t step, std::uint64_t first_row) {
  const Eigen::Index n = points.rows(), d = points.cols();
  LossBatch batch;
  batch.t = std::move(t);
  batch.x = points;
  batch.trace = ism.trace;
  if (ism.trace == TraceEstimator::exact) {
    for (Eigen::Index j = 0; j < d; ++j) {
      Eigen::ArrayXXd basis = Eigen::ArrayXXd::Zero(n, d);
      basis.col(j).setOnes();
      batch.probes.push_back(std::move(basis));
    }
    batch.trace_weight = 1.0;
    return batch;
  }
  require(ism.probes >= 1, draw_where, "probes", ism.probes, "at least 1 probe per point for a trace estimate");
  for (std::size_t k = 0; k < ism.probes; ++k) {
    const auto first_component = static_cast<std::uint64_t>(k) * static_cast<std::uint64_t>(d);
    if (ism.probe == Probe::gaussian) {
      batch.probes.push_back(normals(seed, random::Purpose::probe, step, first_row, n, d, first_component));
    } else {
      const Eigen::ArrayXXd u = uniforms(seed, random::Purpose::probe, step, first_row, n, d, first_component);
      batch.probes.push_back((u < 0.5).select(Eigen::ArrayXXd::Constant(n, d, -1.0), 1.0));
    }
  }
  batch.trace_weight = 1.0 / static_cast<double>(ism.probes);
  return batch;
}

LossBatch denoising_batch(const DenoisingScoreMatching& dsm, const Eigen::ArrayXXd& points, std::uint64_t seed,
                          std::uint64_t step, std::uint64_t first_row) {
  const Eigen::Index n = points.rows(), d = points.cols();
  require_closed_interval(draw_where, "t", dsm.t, 0.0, dsm.schedule.horizon());
  const double alpha = dsm.schedule.alpha(dsm.t), sigma = dsm.schedule.sigma(dsm.t);
  require(sigma > 0.0, draw_where, "t", dsm.t, "a noise level with sigma(t) > 0 (denoising needs noise)");
  const Eigen::ArrayXXd eps = normals(seed, random::Purpose::training_noise, step, first_row, n, d);
  return regression_batch(Eigen::ArrayXd::Constant(n, dsm.t), alpha * points + sigma * eps, Eigen::ArrayXd::Ones(n),
                          -eps / sigma);
}

LossBatch continuous_batch(const ContinuousScoreMatching& csm, const Eigen::ArrayXXd& points, std::uint64_t seed,
                           std::uint64_t step, std::uint64_t first_row) {
  const Eigen::Index n = points.rows(), d = points.cols();
  const process::NoiseSchedule& schedule = csm.schedule;
  require(csm.t_min > 0.0, draw_where, "t_min", csm.t_min, "> 0 (sigma(0) = 0: the denoising target is singular)");
  const TimeDensity proposal = csm.time_sampling.on(schedule, csm.t_min, schedule.horizon());
  const Eigen::ArrayXXd u = uniforms(seed, random::Purpose::training_time, step, first_row, n, 1);
  const Eigen::ArrayXXd eps = normals(seed, random::Purpose::training_noise, step, first_row, n, d);
  Eigen::ArrayXd t(n), weight(n);
  Eigen::ArrayXXd x(n, d), target(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    t[i] = proposal.sample(u(i, 0));
    const double alpha = schedule.alpha(t[i]), sigma = schedule.sigma(t[i]);
    x.row(i) = alpha * points.row(i) + sigma * eps.row(i);
    target.row(i) = -eps.row(i) / sigma;
    weight[i] = csm.weighting(schedule, t[i]) / proposal.density(t[i]);
  }
  if (csm.reference) target = csm.reference->score_at_times(t, x);
  return regression_batch(std::move(t), std::move(x), std::move(weight), std::move(target));
}

/// Flow matching: x_t = a x_1 + b x_0 with t uniform on [t_min, t_max], target the conditional
/// velocity a' x_1 + b' x_0 or, with a reference, the marginal field at (t, x_t).
LossBatch flow_batch(const ProbabilityPath& path, double t_min, double t_max, const ScoreModel* reference,
                     const Eigen::ArrayXXd& points, std::uint64_t seed, std::uint64_t step, std::uint64_t first_row) {
  require_closed_interval(draw_where, "t_max", t_max, 0.0, 1.0);
  if (!(t_min >= 0.0 && t_min < t_max)) require(false, draw_where, "t_min", t_min, "in [0, t_max)");
  const Eigen::Index n = points.rows(), d = points.cols();
  const Eigen::ArrayXXd u = uniforms(seed, random::Purpose::training_time, step, first_row, n, 1);
  const Eigen::ArrayXXd noise = normals(seed, random::Purpose::training_noise, step, first_row, n, d);
  Eigen::ArrayXd t(n);
  Eigen::ArrayXXd x(n, d), target(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    t[i] = t_min + (t_max - t_min) * u(i, 0);
    x.row(i) = path.a(t[i]) * points.row(i) + path.b(t[i]) * noise.row(i);
    target.row(i) = path.a_derivative(t[i]) * points.row(i) + path.b_derivative(t[i]) * noise.row(i);
  }
  if (reference) target = reference->score_at_times(t, x);
  return regression_batch(std::move(t), std::move(x), Eigen::ArrayXd::Ones(n), std::move(target));
}

Eigen::ArrayXd row_sums(const Eigen::ArrayXXd& a) { return a.rowwise().sum(); }

}  // namespace

std::string describe(const Objective& objective) {
  return std::visit(
      Overloaded{
          [](const ExplicitScoreMatching& o) { return "ESM against " + o.reference.name() + " at t = " + describe_value(o.t); },
          [](const ImplicitScoreMatching& o) {
            const char* trace = o.trace == TraceEstimator::exact ? "exact trace"
                                : o.trace == TraceEstimator::hutchinson ? "Hutchinson trace"
                                                                        : "sliced";
            std::string text = std::string("ISM (") + trace;
            if (o.trace != TraceEstimator::exact) {
              text += ", " + describe_value(o.probes) + (o.probe == Probe::gaussian ? " Gaussian" : " Rademacher") +
                      " probes";
            }
            return text + ") at t = " + describe_value(o.t);
          },
          [](const DenoisingScoreMatching& o) {
            return "DSM at t = " + describe_value(o.t) + " of " + o.schedule.name();
          },
          [](const ContinuousScoreMatching& o) {
            return std::string(o.reference ? "continuous ESM against " + o.reference->name() : "continuous DSM") +
                   " over " + o.schedule.name() + ", weighting " + o.weighting.name() + ", t in [" +
                   describe_value(o.t_min) + ", T], t " + o.time_sampling.name();
          },
          [](const ConditionalFlowMatching& o) {
            return "conditional flow matching on " + o.path.name() + ", t in [" + describe_value(o.t_min) + ", " +
                   describe_value(o.t_max) + "]";
          },
          [](const MarginalFlowMatching& o) {
            return "flow matching against " + o.reference.name() + " on " + o.path.name() + ", t in [" +
                   describe_value(o.t_min) + ", " + describe_value(o.t_max) + "]";
          }},
      objective);
}

LossBatch draw_loss_batch(const Objective& objective, const Eigen::ArrayXXd& points, std::uint64_t seed,
                          std::uint64_t step, std::uint64_t first_row) {
  require(points.rows() > 0, draw_where, "points", std::string_view("no rows"), "at least one point");
  require_all_finite(draw_where, "points", points);
  const auto at_t = [&](double t) { return Eigen::ArrayXd::Constant(points.rows(), t).eval(); };
  return std::visit(Overloaded{[&](const ExplicitScoreMatching& o) { return explicit_batch(o, at_t(o.t), points); },
                               [&](const ImplicitScoreMatching& o) {
                                 return implicit_batch(o, at_t(o.t), points, seed, step, first_row);
                               },
                               [&](const DenoisingScoreMatching& o) {
                                 return denoising_batch(o, points, seed, step, first_row);
                               },
                               [&](const ContinuousScoreMatching& o) {
                                 return continuous_batch(o, points, seed, step, first_row);
                               },
                               [&](const ConditionalFlowMatching& o) {
                                 return flow_batch(o.path, o.t_min, o.t_max, nullptr, points, seed, step, first_row);
                               },
                               [&](const MarginalFlowMatching& o) {
                                 return flow_batch(o.path, o.t_min, o.t_max, &o.reference, points, seed, step, first_row);
                               }},
                    objective);
}

namespace {

/// The trace rows of `batch` at the one time t: divergence and Jacobian–vector products take one
/// time per call.
Eigen::ArrayXd trace_losses_at(const LossBatch& batch, const ScoreModel& model, double t) {
  const Eigen::ArrayXXd s = model.score(t, batch.x);
  const Eigen::ArrayXd half_norm = 0.5 * row_sums(s.square());
  if (batch.trace == TraceEstimator::exact && model.has_divergence()) {
    return model.divergence(t, batch.x).col(0) + half_norm;
  }
  Eigen::ArrayXd loss = Eigen::ArrayXd::Zero(batch.rows());
  for (const Eigen::ArrayXXd& v : batch.probes) {
    const Eigen::ArrayXd quadratic = row_sums(v * model.jacobian_vector_product(t, batch.x, v));
    if (batch.trace == TraceEstimator::sliced) {
      loss += batch.trace_weight * (quadratic + 0.5 * row_sums(v * s).square());
    } else {
      loss += batch.trace_weight * quadratic;
    }
  }
  return batch.trace == TraceEstimator::sliced ? loss : loss + half_norm;
}

/// The given rows of a trace batch, as a batch of their own.
LossBatch rows_at(const LossBatch& batch, const std::vector<Eigen::Index>& rows) {
  LossBatch part;
  part.t = batch.t(rows);
  part.x = batch.x(rows, Eigen::all);
  for (const Eigen::ArrayXXd& v : batch.probes) part.probes.push_back(v(rows, Eigen::all));
  part.trace = batch.trace;
  part.trace_weight = batch.trace_weight;
  return part;
}

ObjectiveEstimate estimate_of(const LossBatch& batch, const Objective& objective, const ScoreModel& model) {
  require(batch.rows() >= 2, "kolmo::score::evaluate", "points", describe_value(batch.rows()) + " rows",
          "at least 2 points (a standard error needs two)");
  ObjectiveEstimate estimate;
  estimate.row_losses = row_losses(batch, model);
  estimate.points = static_cast<std::size_t>(batch.rows());
  for (Eigen::Index i = 0; i < estimate.row_losses.size(); ++i) {
    if (!std::isfinite(estimate.row_losses[i])) {
      estimate.status = Status::failure(StatusCode::non_finite, "point " + describe_value(i),
                                        describe(objective) + " of " + model.name() + " is not finite there");
      estimate.value = estimate.standard_error = std::numeric_limits<double>::quiet_NaN();
      return estimate;
    }
  }
  const stats::MeanEstimate mean = stats::estimate_mean(
      std::span<const double>(estimate.row_losses.data(), static_cast<std::size_t>(estimate.row_losses.size())));
  estimate.value = mean.mean;
  estimate.standard_error = mean.standard_error;
  return estimate;
}

}  // namespace

LossBatch draw_loss_batch(const Objective& objective, const TimedPoints& points, std::uint64_t seed,
                          std::uint64_t step, std::uint64_t first_row) {
  require(points.x.rows() > 0, draw_where, "points", std::string_view("no rows"), "at least one point");
  require(points.t.size() == points.x.rows(), draw_where, "points.t",
          describe_value(points.t.size()) + " times for " + describe_value(points.x.rows()) + " rows", "one time per row");
  require_all_finite(draw_where, "points.x", points.x);
  require_all_finite(draw_where, "points.t", points.t);
  if (const auto* esm = std::get_if<ExplicitScoreMatching>(&objective)) return explicit_batch(*esm, points.t, points.x);
  if (const auto* ism = std::get_if<ImplicitScoreMatching>(&objective)) {
    return implicit_batch(*ism, points.t, points.x, seed, step, first_row);
  }
  require(false, draw_where, "points", std::string_view("timed points"),
          "data x_0 without times for " + describe(objective) + ", which draws its own times (timed points feed ESM and ISM)");
  return {};
}

TimedPoints TimedPoints::from_snapshots(const std::vector<double>& times, const std::vector<Eigen::ArrayXXd>& states) {
  constexpr const char* where = "kolmo::score::TimedPoints::from_snapshots";
  require(!times.empty(), where, "times", std::string_view("none"), "at least one snapshot");
  require(times.size() == states.size(), where, "states", describe_value(states.size()) + " arrays",
          "one per time (" + describe_value(times.size()) + ")");
  Eigen::Index n = 0;
  for (const Eigen::ArrayXXd& s : states) {
    require(s.cols() == states.front().cols(), where, "states", describe_value(s.cols()) + " columns",
            describe_value(states.front().cols()) + " columns, as the first snapshot");
    n += s.rows();
  }
  TimedPoints points{Eigen::ArrayXd(n), Eigen::ArrayXXd(n, states.front().cols())};
  Eigen::Index row = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    points.t.segment(row, states[k].rows()).setConstant(times[k]);
    points.x.middleRows(row, states[k].rows()) = states[k];
    row += states[k].rows();
  }
  return points;
}

TimedPoints TimedPoints::from_snapshots(const std::vector<ensemble::Snapshot>& snapshots) {
  std::vector<double> times;
  std::vector<Eigen::ArrayXXd> states;
  for (const ensemble::Snapshot& snapshot : snapshots) {
    std::vector<Eigen::Index> finite;
    for (Eigen::Index i = 0; i < snapshot.states.rows(); ++i) {
      if (snapshot.states.row(i).isFinite().all()) finite.push_back(i);
    }
    times.push_back(snapshot.time);
    states.emplace_back(snapshot.states(finite, Eigen::all));
  }
  TimedPoints points = from_snapshots(times, states);
  require(points.rows() > 0, "kolmo::score::TimedPoints::from_snapshots", "snapshots",
          std::string_view("only failed paths"), "at least one finite row");
  return points;
}

Eigen::ArrayXd row_losses(const LossBatch& batch, const ScoreModel& model) {
  if (batch.regression()) {
    const Eigen::ArrayXXd s = one_time(batch.t) ? model.score(batch.t[0], batch.x) : model.score_at_times(batch.t, batch.x);
    return 0.5 * batch.weight * row_sums((s - batch.target).square());
  }
  if (one_time(batch.t)) return trace_losses_at(batch, model, batch.t[0]);
  // Timed points: one call per distinct time (snapshots share a few), rows in their order.
  std::map<double, std::vector<Eigen::Index>> rows_by_time;
  for (Eigen::Index i = 0; i < batch.rows(); ++i) rows_by_time[batch.t[i]].push_back(i);
  Eigen::ArrayXd loss(batch.rows());
  for (const auto& [t, rows] : rows_by_time) loss(rows) = trace_losses_at(rows_at(batch, rows), model, t);
  return loss;
}

ObjectiveEstimate evaluate(const Objective& objective, const ScoreModel& model, const Eigen::ArrayXXd& points,
                           std::uint64_t seed) {
  return estimate_of(draw_loss_batch(objective, points, seed), objective, model);
}

ObjectiveEstimate evaluate(const Objective& objective, const ScoreModel& model, const TimedPoints& points,
                           std::uint64_t seed) {
  return estimate_of(draw_loss_batch(objective, points, seed), objective, model);
}

}  // namespace kolmo::score
