#include "kolmo/sde/convergence.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <numeric>
#include <string>

#include "kolmo/core/validate.hpp"
#include "kolmo/ensemble/batches.hpp"
#include "kolmo/random/brownian_increments.hpp"
#include "kolmo/stats/running_moments.hpp"

namespace kolmo::sde {
namespace {

constexpr const char* study_name = "kolmo::sde::study_convergence";

/// lcm of the step counts: the Brownian grid every resolution can be read from.
std::uint64_t common_grid(const std::vector<std::uint64_t>& steps) {
  std::uint64_t grid = 1;
  for (std::uint64_t n : steps) {
    const std::uint64_t next = grid / std::gcd(grid, n) * n;
    require(next <= (std::uint64_t{1} << 32) && next / n * std::gcd(grid, n) == grid, study_name,
            "lcm of the step counts", next, "at most 2^32 (choose step sizes with a smaller common multiple)");
    grid = next;
  }
  return grid;
}

/// W_{t1} − W_{t0} of paths [first, first + paths): the whole interval as one step of the fine grid.
Eigen::ArrayXXd brownian_endpoints(const SdeProblem& problem, std::uint64_t fine_steps, std::size_t m,
                                   std::uint64_t first, std::uint64_t paths, int threads) {
  const random::BrownianIncrements brownian(problem.seed, problem.t0, problem.t1, fine_steps, m);
  Eigen::ArrayXXd w(static_cast<Eigen::Index>(paths), static_cast<Eigen::Index>(m));
  if (paths > 0) brownian.fill(first, paths, 0, fine_steps, {w.data(), static_cast<std::size_t>(w.size())}, threads);
  return w;  // a rank that holds no paths has none to fill
}

// --- sums in fixed segments (the header's "Sums") ------------------------------------------------

/// A run of paths [first, first + count) within one jackknife group and one wave.
struct Segment {
  std::uint64_t first = 0, count = 0;
  std::size_t group = 0;
};

/// The study's segments, in path order: its paths (the groups' in turn) cut at every group and
/// every wave boundary.
std::vector<Segment> segments_of(std::size_t dimension, const std::vector<std::size_t>& sizes) {
  const std::uint64_t wave = ensemble::batches_per_wave * ensemble::batch_size(dimension);
  std::vector<Segment> segments;
  std::uint64_t start = 0;
  for (std::size_t g = 0; g < sizes.size(); ++g) {
    const std::uint64_t end = start + sizes[g];
    for (std::uint64_t first = start; first < end;) {
      const std::uint64_t last = std::min(end, (first / wave + 1) * wave);
      segments.push_back({first, last - first, g});
      first = last;
    }
    start = end;
  }
  return segments;
}

/// Per segment, the moments of one per-path quantity; `finite` false where a value was not.
struct SegmentMoments {
  std::vector<stats::RunningMoments> moments;
  std::vector<bool> finite;
};

/// The sums of a study's per-path quantities (errors, squares, functionals' differences, the
/// reference's size), measured segment by segment as this process's rows come in — a chunk of
/// rows at a time — then every rank's, in path order (exchange).
class SegmentSums {
 public:
  SegmentSums(const std::vector<Segment>& segments, std::size_t quantities)
      : segments_(segments), quantities_(quantities), sums_(segments.size() * quantities * fields, 0.0),
        held_(segments.size(), false) {}

  /// Measures quantity `quantity` on rows [first_row, first_row + values.size()), which are whole
  /// segments (chunks, rank shares and segments are all cut at wave boundaries). Segments are
  /// independent, so threads share them out without changing a sum.
  void add(std::size_t quantity, const Eigen::ArrayXd& values, std::uint64_t first_row, int threads) {
    const std::uint64_t last_row = first_row + static_cast<std::uint64_t>(values.size());
    const auto begin = std::partition_point(segments_.begin(), segments_.end(),
                                            [&](const Segment& s) { return s.first < first_row; });
    const auto end = std::partition_point(begin, segments_.end(), [&](const Segment& s) { return s.first < last_row; });
    const auto first = static_cast<std::int64_t>(begin - segments_.begin()), last = static_cast<std::int64_t>(end - segments_.begin());
    require(begin == end || (begin->first == first_row && std::prev(end)->first + std::prev(end)->count == last_row), study_name,
            "rows [" + std::to_string(first_row) + ", " + std::to_string(last_row) + ")", std::string_view("a cut segment"),
            "whole segments (an internal error: chunks and rank shares must end at wave boundaries)");
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (std::int64_t k = first; k < last; ++k) {
      const Segment& segment = segments_[static_cast<std::size_t>(k)];
      const auto part = values.segment(static_cast<Eigen::Index>(segment.first - first_row), static_cast<Eigen::Index>(segment.count));
      stats::RunningMoments m;
      const bool finite = part.isFinite().all();
      if (finite) m.add({part.data(), static_cast<std::size_t>(part.size())});
      double* out = field(static_cast<std::size_t>(k), quantity);
      const double record[fields] = {static_cast<double>(m.count()), m.count() ? m.mean() : 0.0, m.sum_of_squared_deviations(),
                                     m.count() ? m.min() : 0.0, m.count() ? m.max() : 0.0, finite ? 1.0 : 0.0};
      std::copy(record, record + fields, out);
    }
    for (std::int64_t k = first; k < last; ++k) held_[static_cast<std::size_t>(k)] = true;
  }

  /// Every quantity's segment moments over all paths: this process's segments and (distributed)
  /// every other rank's, exchanged once — per held segment its index and its sums.
  [[nodiscard]] std::vector<SegmentMoments> exchange(const ensemble::Communicator* communicator) const {
    const std::size_t width = quantities_ * fields;
    std::vector<double> mine;
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      if (!held_[k]) continue;
      mine.push_back(static_cast<double>(k));
      mine.insert(mine.end(), sums_.begin() + static_cast<std::ptrdiff_t>(k * width),
                  sums_.begin() + static_cast<std::ptrdiff_t>((k + 1) * width));
    }
    std::vector<double> all = mine;
    if (communicator != nullptr) {
      all.clear();
      for (const std::vector<std::byte>& bytes :
           communicator->all_gather({reinterpret_cast<const std::byte*>(mine.data()), mine.size() * sizeof(double)})) {
        const auto* of_rank = reinterpret_cast<const double*>(bytes.data());
        all.insert(all.end(), of_rank, of_rank + bytes.size() / sizeof(double));
      }
    }
    require(all.size() == (width + 1) * segments_.size(), study_name, "segments exchanged", all.size() / (width + 1),
            "one per segment (" + std::to_string(segments_.size()) + "): the ranks disagree");
    std::vector<SegmentMoments> result(quantities_);
    for (SegmentMoments& q : result) {
      q.moments.resize(segments_.size());
      q.finite.resize(segments_.size());
    }
    std::vector<bool> received(segments_.size(), false);
    for (std::size_t r = 0; r < segments_.size(); ++r) {
      const double* record = all.data() + r * (width + 1);
      const auto k = static_cast<std::size_t>(record[0]);
      require(k < segments_.size() && !received[k], study_name, "segment exchanged", k,
              "each of the " + std::to_string(segments_.size()) + " segments once: the ranks disagree");
      received[k] = true;
      for (std::size_t q = 0; q < quantities_; ++q) {
        const double* v = record + 1 + q * fields;
        result[q].moments[k] = stats::RunningMoments::from_sums(static_cast<std::uint64_t>(v[0]), v[1], v[2], v[3], v[4]);
        result[q].finite[k] = v[5] == 1.0;
      }
    }
    return result;
  }

 private:
  static constexpr std::size_t fields = 6;  // count, mean, M2, min, max, finite
  double* field(std::size_t segment, std::size_t quantity) {
    return sums_.data() + (segment * quantities_ + quantity) * fields;
  }

  const std::vector<Segment>& segments_;
  std::size_t quantities_;
  std::vector<double> sums_;
  std::vector<bool> held_;
};

/// The mean over all paths with its standard error — or +inf for both when a per-path value
/// overflowed (finite states, infinite squares), which collect() turns into a non_finite refusal.
stats::MeanEstimate mean_of(const SegmentMoments& s) {
  if (std::find(s.finite.begin(), s.finite.end(), false) != s.finite.end()) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    std::uint64_t count = 0;
    for (const stats::RunningMoments& m : s.moments) count += m.count();
    return {inf, inf, count};
  }
  stats::RunningMoments all;
  for (const stats::RunningMoments& m : s.moments) all.merge(m);
  return stats::estimate_mean(all);
}

/// The mean over each group's paths (NaN for a group with a non-finite value).
std::vector<double> group_means(const SegmentMoments& s, const std::vector<Segment>& segments, std::size_t groups) {
  std::vector<stats::RunningMoments> by_group(groups);
  std::vector<bool> finite(groups, true);
  for (std::size_t k = 0; k < segments.size(); ++k) {
    by_group[segments[k].group].merge(s.moments[k]);
    finite[segments[k].group] = finite[segments[k].group] && s.finite[k];
  }
  std::vector<double> means;
  for (std::size_t g = 0; g < groups; ++g) {
    means.push_back(finite[g] && by_group[g].count() > 0 ? by_group[g].mean() : std::numeric_limits<double>::quiet_NaN());
  }
  return means;
}

void validate(const SdeProblem& problem, const SchemeTraits& traits, const ConvergenceOptions& options) {
  require(traits.strong_order > 0.0, study_name, "scheme", traits.name,
          "a scheme driven by the SDE's Brownian path (exact-in-law sampling has no pathwise error)");
  require(options.dts.size() >= 2, study_name, "options.dts.size()", options.dts.size(), "at least 2 step sizes");
  require_at_least(study_name, "options.paths", options.paths, 2);
  require_at_least(study_name, "options.paths_in_memory", options.paths_in_memory, 1);
  require(static_cast<bool>(options.exact) || options.reference_dt != 0.0, study_name, "options.reference_dt",
          options.reference_dt, "a reference step when no exact solution is given");
  require_open_interval(study_name, "options.level", options.level, 0.0, 1.0);
  require_positive(study_name, "options.strong_correction_order", options.strong_correction_order);
  require_positive(study_name, "options.weak_correction_order", options.weak_correction_order);
  require(options.groups >= 2 && options.groups <= options.paths, study_name, "options.groups", options.groups,
          "between 2 and options.paths = " + describe_value(options.paths) + " jackknife groups");
  for (std::size_t k = 0; k < options.functionals.size(); ++k) {
    require(static_cast<bool>(options.functionals[k].phi), study_name,
            "options.functionals[" + std::to_string(k) + "].phi", std::string_view("an empty function"), "a callable");
  }
  if (problem.initial.fixed_paths() > 0) {
    require(options.paths <= problem.initial.fixed_paths(), study_name, "options.paths", options.paths,
            "at most the number of initial points, " + describe_value(problem.initial.fixed_paths()));
  }
}

/// Group g holds paths [first(g), first(g + 1)): contiguous blocks of near-equal size.
std::vector<std::size_t> group_sizes(std::uint64_t paths, std::size_t groups) {
  std::vector<std::size_t> sizes(groups, paths / groups);
  for (std::size_t g = 0; g < paths % groups; ++g) ++sizes[g];
  return sizes;
}

/// A run of whole waves [first, first + count) whose paths are in memory together.
struct Chunk {
  std::uint64_t first = 0, count = 0;
};

/// The study's chunks: runs of paths_in_memory paths per rank, rounded up to whole waves so that
/// no segment is split; a remainder of fewer paths than ranks joins the chunk before it (every
/// rank of a distributed ensemble needs a path).
std::vector<Chunk> chunks_of(std::uint64_t paths, std::size_t dimension, std::uint64_t paths_in_memory, int ranks) {
  const std::uint64_t wave = ensemble::batches_per_wave * ensemble::batch_size(dimension);
  const std::uint64_t per_rank = (paths_in_memory + wave - 1) / wave * wave;
  const auto size = static_cast<std::uint64_t>(ranks);
  if (per_rank >= paths / size + 1) return {{0, paths}};
  const std::uint64_t span = per_rank * size;
  std::vector<Chunk> chunks;
  for (std::uint64_t first = 0; first < paths; first += span) chunks.push_back({first, std::min(span, paths - first)});
  if (chunks.size() > 1 && chunks.back().count < size) {
    chunks[chunks.size() - 2].count += chunks.back().count;
    chunks.pop_back();
  }
  return chunks;
}

/// Runs `local`, this process's share of a step, then (distributed) tells every rank whether any
/// rank's share threw, and all throw together: none is left waiting in the next collective. In
/// one process the exception passes unchanged.
template <class Local>
void on_every_rank(const ensemble::Communicator* communicator, Local local) {
  if (communicator == nullptr) {
    local();
    return;
  }
  std::string error;
  try {
    local();
  } catch (const std::exception& e) {
    error = *e.what() != '\0' ? e.what() : "an exception without a message";
  } catch (...) {
    error = "an exception that is not a std::exception";
  }
  ensemble::agree(communicator, error);
}

/// Where a study's per-path quantities are in its SegmentSums: the reference's size first, then
/// per resolution its error, its square and each functional's difference.
struct Quantities {
  std::size_t functionals = 0;
  static constexpr std::size_t reference_norm = 0;
  [[nodiscard]] std::size_t strong(std::size_t resolution) const { return 1 + resolution * (2 + functionals); }
  [[nodiscard]] std::size_t square(std::size_t resolution) const { return strong(resolution) + 1; }
  [[nodiscard]] std::size_t weak(std::size_t resolution, std::size_t k) const { return strong(resolution) + 2 + k; }
  [[nodiscard]] std::size_t count(std::size_t resolutions) const { return strong(resolutions); }
};

/// The per-path errors of one resolution's terminal states on this process's rows of a chunk
/// (from path `first_row` on) against the reference, added to the sums.
void measure(const Eigen::ArrayXXd& terminal, const Eigen::ArrayXXd& reference, std::size_t resolution,
             const std::vector<WeakFunctional>& functionals, std::uint64_t first_row, const Quantities& at,
             SegmentSums& sums, int threads, const ensemble::Communicator* communicator) {
  // The per-path values first (a user's functional may throw on one rank), then the sums.
  Eigen::ArrayXd distance;
  std::vector<Eigen::ArrayXd> differences;
  on_every_rank(communicator, [&] {
    distance = (terminal - reference).matrix().rowwise().norm().array();
    for (const WeakFunctional& functional : functionals) {
      const Eigen::ArrayXd at_scheme = functional.phi(terminal);
      const Eigen::ArrayXd at_reference = functional.phi(reference);
      require(at_scheme.size() == terminal.rows() && at_reference.size() == reference.rows(), study_name,
              "functional '" + functional.name + "' result size", at_scheme.size(),
              "one value per path (" + describe_value(terminal.rows()) + ")");
      differences.push_back(at_scheme - at_reference);
    }
  });
  sums.add(at.strong(resolution), distance, first_row, threads);
  sums.add(at.square(resolution), distance.square(), first_row, threads);
  for (std::size_t k = 0; k < differences.size(); ++k) sums.add(at.weak(resolution, k), differences[k], first_row, threads);
}

/// A resolution's errors, standard errors and group means from the exchanged sums.
void summarise(Resolution& r, std::size_t resolution, const std::vector<SegmentMoments>& all, const Quantities& at,
               const std::vector<Segment>& segments, std::size_t groups) {
  const SegmentMoments& strong = all[at.strong(resolution)];
  r.strong = mean_of(strong);
  r.strong_group_means = group_means(strong, segments, groups);
  const SegmentMoments& squared = all[at.square(resolution)];
  r.square_group_means = group_means(squared, segments, groups);
  const stats::MeanEstimate square = mean_of(squared);
  r.strong_rms = std::sqrt(square.mean);
  r.strong_rms_standard_error = r.strong_rms > 0 ? square.standard_error / (2.0 * r.strong_rms) : 0.0;
  for (std::size_t k = 0; k < at.functionals; ++k) {
    const SegmentMoments& weak = all[at.weak(resolution, k)];
    r.weak.push_back(mean_of(weak));
    r.weak_group_means.push_back(group_means(weak, segments, groups));
  }
}

/// Rounding level of an error after `steps` steps of size ~|X|: each step commits a few
/// roundings of relative size u = 2^-53, so n steps stay below 16 n u E|X| (a generous bound);
/// an error below it measures floating point, not truncation.
double rounding_floor(std::uint64_t steps, double reference_magnitude) {
  return 16.0 * static_cast<double>(steps) * 0x1p-53 * reference_magnitude;
}

/// One error measure of a study (strong, RMS, or a weak functional): how to read its value,
/// standard error and per-group means from a resolution, and how a group mean becomes the error.
struct ErrorMeasure {
  std::function<double(const Resolution&)> error;
  std::function<double(const Resolution&)> standard_error;
  std::function<const std::vector<double>&(const Resolution&)> group_means;
  std::function<double(double)> error_of_mean;
};

/// A measure's values over the resolutions, or where one sits at the rounding level.
struct Collected {
  std::vector<double> h, error, se;
  std::vector<std::vector<double>> by_group;
  Status status;  ///< non_finite, or within_noise at the first error at the rounding level of the arithmetic
};

Collected collect(const std::vector<Resolution>& resolutions, std::size_t groups, double reference_magnitude,
                  const ErrorMeasure& measure) {
  Collected c;
  c.by_group.resize(groups);
  for (const Resolution& r : resolutions) {
    const double error = measure.error(r);
    const double standard_error = measure.standard_error(r);
    if (!std::isfinite(error) || !std::isfinite(standard_error)) {
      // Finite paths can still overflow a sum of squares (a scheme that is unstable at this
      // step size): the error is not a measurement, and the study says so instead of fitting it.
      c.status = Status::failure(StatusCode::non_finite, "h = " + describe_value(std::abs(r.dt)),
                                 "the error " + describe_value(error) + " or its standard error " +
                                     describe_value(standard_error) + " is not finite (the states overflow)");
      return c;
    }
    if (error <= rounding_floor(r.steps, reference_magnitude)) {
      c.status = Status::failure(StatusCode::within_noise, "h = " + describe_value(std::abs(r.dt)),
                                 "the error " + describe_value(error) +
                                     " is at the rounding level of the arithmetic, not a truncation error");
      return c;
    }
    c.h.push_back(std::abs(r.dt));
    c.error.push_back(error);
    c.se.push_back(standard_error);
    const std::vector<double>& means = measure.group_means(r);
    for (std::size_t g = 0; g < groups; ++g) c.by_group[g].push_back(means[g]);
  }
  // A zero standard error (a deterministic error, e.g. noise-free paths) has no Monte Carlo
  // weight: fit those studies without weights rather than with infinite ones.
  if (std::any_of(c.se.begin(), c.se.end(), [](double s) { return !(s > 0); })) c.se.clear();
  return c;
}

stats::OrderFit fit(const Collected& c, const std::vector<std::size_t>& sizes, const ErrorMeasure& measure,
                    double level) {
  if (!c.status.ok()) {
    stats::OrderFit refused;
    refused.status = c.status;
    refused.level = level;
    return refused;
  }
  return stats::fit_order_grouped(c.h, c.error, c.se, c.by_group, sizes, measure.error_of_mean, level);
}

stats::LocalOrderInterval local_interval(const Collected& c, const std::vector<std::size_t>& sizes,
                                         const ErrorMeasure& measure, double correction_order) {
  if (!c.status.ok()) {
    stats::LocalOrderInterval refused;
    refused.status = c.status;
    refused.local.estimate = refused.lower_end = refused.upper_end = std::numeric_limits<double>::quiet_NaN();
    return refused;
  }
  return stats::local_order_interval(c.h, c.error, c.by_group, sizes, measure.error_of_mean, correction_order);
}

}  // namespace

namespace detail {

ConvergenceStudy run_convergence(const SdeProblem& problem, const SchemeTraits& traits,
                                 const std::function<SchemeRun(double dt)>& scheme_at,
                                 const ConvergenceOptions& options) {
  validate(problem, traits, options);
  std::vector<std::uint64_t> steps;
  for (double dt : options.dts) steps.push_back(step_count(problem.t0, problem.t1, dt));
  std::vector<std::uint64_t> grid_steps = steps;
  if (!options.exact) {
    const std::uint64_t reference_steps = step_count(problem.t0, problem.t1, options.reference_dt);
    require(reference_steps > *std::max_element(steps.begin(), steps.end()), study_name, "options.reference_dt",
            options.reference_dt, "a step finer than every step studied");
    grid_steps.push_back(reference_steps);
  }

  ConvergenceStudy study;
  study.scheme = std::string(traits.name);
  study.traits = traits;
  study.problem = problem.sde.name();
  study.paths = options.paths;
  study.fine_steps = common_grid(grid_steps);
  study.group_sizes = group_sizes(options.paths, options.groups);
  study.level = options.level;
  for (const WeakFunctional& functional : options.functionals) study.functional_names.push_back(functional.name);

  // The paths run a chunk at a time (each a distributed ensemble when there are ranks); every
  // mean is summed in segments, which no chunk or rank share splits, and merged in path order.
  const std::size_t dimension = problem.sde.dimension();
  const std::vector<Segment> segments = segments_of(dimension, study.group_sizes);
  const std::size_t groups = study.group_sizes.size();
  const Quantities at{options.functionals.size()};
  const std::size_t resolutions = options.dts.size();
  SegmentSums sums(segments, at.count(resolutions));
  const int ranks = options.communicator != nullptr ? options.communicator->size() : 1;
  if (options.communicator != nullptr) (void)ensemble::local_rows(options.paths, dimension, *options.communicator);

  // Per resolution (the reference last): the first failure in path order, and the work done.
  std::vector<Status> failed(resolutions + 1);
  std::vector<Resolution> done(resolutions);
  const auto ensemble = [&](double dt, std::size_t index, const Chunk& chunk) {
    EnsembleOptions ensemble_options{chunk.count, options.threads, chunk.first, study.fine_steps, {}};
    ensemble_options.distributed = {options.communicator, ensemble::TerminalStates::distributed};
    EnsembleSolution solution = run_ensemble(problem, scheme_at(dt), ensemble_options);
    if (!solution.status.ok()) {
      failed[index] = Status::failure(solution.status.code, "dt = " + describe_value(dt) + ", " + solution.status.where,
                                      solution.status.message);
    }
    return solution;
  };

  const std::size_t wiener = scheme_at(options.dts.front()).wiener_dimension;
  study.reference = options.exact ? "exact" : "scheme at dt = " + describe_value(options.reference_dt);
  for (const Chunk& chunk : chunks_of(options.paths, dimension, options.paths_in_memory, ranks)) {
    ensemble::LocalRows local{chunk.first, chunk.count};
    if (options.communicator != nullptr) {
      local = ensemble::local_rows(chunk.count, dimension, *options.communicator);
      local.first += chunk.first;
    }
    Eigen::ArrayXXd reference;
    if (options.exact) {
      on_every_rank(options.communicator, [&] {  // the user's exact solution may throw on one rank
        const Eigen::ArrayXXd x0 = problem.initial.sample(problem.seed, local.first, local.count);
        const Eigen::ArrayXXd w = brownian_endpoints(problem, study.fine_steps, wiener, local.first, local.count, options.threads);
        reference = options.exact(problem.t0, problem.t1, x0, w);
      });
    } else {
      reference = ensemble(options.reference_dt, resolutions, chunk).terminal;
      if (!failed[resolutions].ok()) break;  // every error would be measured against failed paths
    }
    sums.add(Quantities::reference_norm, reference.matrix().rowwise().norm().array(), local.first, options.threads);
    for (std::size_t i = 0; i < resolutions; ++i) {
      if (!failed[i].ok()) continue;  // reported in the status; its errors would be NaN
      const EnsembleSolution solution = ensemble(options.dts[i], i, chunk);
      done[i].wall_seconds += solution.stats.wall_seconds;
      done[i].drift_evaluations += solution.stats.drift_evaluations;
      done[i].steps = solution.stats.steps;
      if (failed[i].ok()) {
        measure(solution.terminal, reference, i, options.functionals, local.first, at, sums, options.threads,
                options.communicator);
      }
    }
  }
  if (!failed[resolutions].ok()) {  // on every rank alike: an ensemble's status is every rank's
    study.status = failed[resolutions];
    return study;
  }
  const std::vector<SegmentMoments> all = sums.exchange(options.communicator);
  for (std::size_t i = 0; i < resolutions; ++i) {
    if (!failed[i].ok()) {
      if (study.status.ok()) study.status = failed[i];
      continue;
    }
    done[i].dt = options.dts[i];
    summarise(done[i], i, all, at, segments, groups);
    study.resolutions.push_back(std::move(done[i]));
  }
  if (!study.status.ok()) return study;

  const stats::MeanEstimate reference_norm = mean_of(all[Quantities::reference_norm]);
  const double magnitude = reference_norm.mean;
  const auto& sizes = study.group_sizes;
  const bool local_orders = study.resolutions.size() >= 3;
  const ErrorMeasure strong{[](const Resolution& r) { return r.strong.mean; },
                            [](const Resolution& r) { return r.strong.standard_error; },
                            [](const Resolution& r) -> const std::vector<double>& { return r.strong_group_means; },
                            [](double m) { return m; }};
  const Collected strong_values = collect(study.resolutions, sizes.size(), magnitude, strong);
  study.strong_order = fit(strong_values, sizes, strong, options.level);
  if (local_orders) study.strong_local = local_interval(strong_values, sizes, strong, options.strong_correction_order);

  const ErrorMeasure rms{[](const Resolution& r) { return r.strong_rms; },
                         [](const Resolution& r) { return r.strong_rms_standard_error; },
                         [](const Resolution& r) -> const std::vector<double>& { return r.square_group_means; },
                         [](double m) { return std::sqrt(std::max(m, 0.0)); }};
  study.strong_rms_order = fit(collect(study.resolutions, sizes.size(), magnitude, rms), sizes, rms, options.level);

  for (std::size_t k = 0; k < options.functionals.size(); ++k) {
    const ErrorMeasure weak{[k](const Resolution& r) { return std::abs(r.weak[k].mean); },
                            [k](const Resolution& r) { return r.weak[k].standard_error; },
                            [k](const Resolution& r) -> const std::vector<double>& { return r.weak_group_means[k]; },
                            [](double m) { return std::abs(m); }};
    const Collected weak_values = collect(study.resolutions, sizes.size(), magnitude, weak);
    study.weak_orders.push_back(fit(weak_values, sizes, weak, options.level));
    if (local_orders) study.weak_local.push_back(local_interval(weak_values, sizes, weak, options.weak_correction_order));
  }
  return study;
}

}  // namespace detail

}  // namespace kolmo::sde
