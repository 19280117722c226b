#include "kolmo/ensemble/batches.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kolmo/core/all_finite.hpp"
#include "kolmo/core/validate.hpp"

namespace kolmo::ensemble {

std::uint64_t Histogram::total() const {
  std::uint64_t sum = below + above;
  for (std::uint64_t c : counts) sum += c;
  return sum;
}

std::size_t batch_size(std::size_t dimension) {
  const std::size_t one_array_in_l1 = 4096 / dimension;  // a 32 KiB paths × d array of doubles
  const std::size_t about_16k_doubles = std::min<std::size_t>(16384 / dimension, 1024);
  return std::max<std::size_t>({one_array_in_l1, about_16k_doubles, 64});
}

BatchObserver::BatchObserver(const Observations& observe, std::size_t dimension, std::size_t first_row,
                             std::size_t count, BatchRecord& record)
    : observe_(observe), first_row_(first_row - record.row_offset), count_(count), record_(record), alive_(count, true) {
  record_.moments.assign(observe.moment_times.size(), stats::RunningCovariance(dimension));
  record_.moments_left_out.assign(observe.moment_times.size(), 0);
  record_.counts.resize(observe.histograms.size());
  for (std::size_t s = 0; s < record_.counts.size(); ++s) {
    record_.counts[s].assign(observe.histograms[s].edges.size() + 2, 0);
  }
}

void BatchObserver::stop(std::size_t i, PathFailure failure) {
  if (!alive_[i]) return;
  alive_[i] = false;
  ++stopped_;
  record_.failures.push_back(failure);
}

namespace {

/// Whether every row of x lies in the declared box (NaN compares false, and is caught before).
bool inside(const Eigen::ArrayXXd& x, const process::Sde& space) {
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    const double lower = space.state_lower()[c], upper = space.state_upper()[c];
    if (!((x.col(c) >= lower).all() && (x.col(c) <= upper).all())) return false;
  }
  return true;
}

}  // namespace

void BatchObserver::stop_failed(Eigen::ArrayXXd& x, const Eigen::ArrayXXd& previous, double time,
                                std::uint64_t first_path, const process::Sde* space) {
  if (space != nullptr && !space->has_state_space()) space = nullptr;
  if (stopped_ == 0 && kolmo::all_finite({x.data(), static_cast<std::size_t>(x.size())}) &&
      (space == nullptr || inside(x, *space))) {
    return;
  }
  for (std::size_t i = 0; i < count_; ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    for (Eigen::Index c = 0; alive_[i] && c < x.cols(); ++c) {
      const double value = x(row, c);
      if (!std::isfinite(value)) {
        stop(i, {first_path + i, time, static_cast<std::size_t>(c), value, PathFailureKind::non_finite});
      } else if (space != nullptr && !(value >= space->state_lower()[c] && value <= space->state_upper()[c])) {
        stop(i, {first_path + i, time, static_cast<std::size_t>(c), value, PathFailureKind::left_state_space});
      }
    }
    if (alive_[i]) continue;
    if (previous.row(row).allFinite()) {
      x.row(row) = previous.row(row);
    } else {
      x.row(row).setZero();  // a path that started non-finite: any finite placeholder will do
    }
  }
}

void BatchObserver::snapshot(Eigen::ArrayXXd& states, const Eigen::ArrayXXd& x) const {
  auto rows = states.middleRows(static_cast<Eigen::Index>(first_row_), static_cast<Eigen::Index>(count_));
  rows = x;
  for (std::size_t i = 0; i < count_; ++i) {
    if (!alive_[i]) rows.row(static_cast<Eigen::Index>(i)).setConstant(std::numeric_limits<double>::quiet_NaN());
  }
}

void BatchObserver::moments(std::size_t index, const Eigen::ArrayXXd& x) {
  stats::RunningCovariance& moments = record_.moments[index];
  record_.moments_left_out[index] = stopped_;
  if (stopped_ == 0) {
    moments.add_rows(x.matrix());
    return;
  }
  Eigen::VectorXd row(x.cols());
  for (std::size_t i = 0; i < count_; ++i) {
    if (!alive_[i]) continue;
    row = x.row(static_cast<Eigen::Index>(i)).transpose();
    moments.add({row.data(), static_cast<std::size_t>(row.size())});
  }
}

void BatchObserver::histogram(std::size_t index, const Eigen::ArrayXXd& x) {
  const HistogramRequest& request = observe_.histograms[index];
  std::vector<std::uint64_t>& counts = record_.counts[index];
  const std::vector<double>& edges = request.edges;
  const std::size_t bins = edges.size() - 1;
  counts[bins + 2] = stopped_;
  for (std::size_t i = 0; i < count_; ++i) {
    if (!alive_[i]) continue;
    const double value = x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(request.component));
    if (value < edges.front()) {
      ++counts[bins];
    } else if (value > edges.back()) {
      ++counts[bins + 1];
    } else {
      const auto upper = std::upper_bound(edges.begin(), edges.end(), value);
      const auto bin = static_cast<std::size_t>(upper - edges.begin()) - 1;
      ++counts[std::min(bin, bins - 1)];  // the last bin is closed on the right
    }
  }
}

void validate_histograms(const Observations& observe, std::size_t dimension, const char* where) {
  for (std::size_t s = 0; s < observe.histograms.size(); ++s) {
    const HistogramRequest& request = observe.histograms[s];
    const std::string prefix = "observe.histograms[" + std::to_string(s) + "]";
    require(request.component < dimension, where, prefix + ".component", request.component,
            "less than the dimension " + describe_value(dimension));
    require(request.edges.size() >= 2, where, prefix + ".edges.size()", request.edges.size(), "at least 2 edges");
    for (std::size_t k = 0; k < request.edges.size(); ++k) {
      require_finite(where, prefix + ".edges[" + std::to_string(k) + "]", request.edges[k]);
      if (k > 0) {
        require(request.edges[k] > request.edges[k - 1], where, prefix + ".edges[" + std::to_string(k) + "]",
                request.edges[k], "edges strictly increasing");
      }
    }
  }
}

void prepare_observations(EnsembleSolution& solution, const Observations& observe, std::uint64_t paths,
                          std::size_t dimension, const Distributed& distributed) {
  std::uint64_t first_row = 0, rows = paths;
  if (distributed.communicator != nullptr) {
    const LocalRows local = local_rows(paths, dimension, *distributed.communicator);
    first_row = local.first;
    rows = local.count;
  }
  const auto local = static_cast<Eigen::Index>(rows);
  const auto d = static_cast<Eigen::Index>(dimension);
  if (observe.terminal) solution.terminal.resize(local, d);
  for (double time : observe.snapshot_times) solution.snapshots.push_back({time, Eigen::ArrayXXd(local, d)});
  for (double time : observe.moment_times) solution.moments.push_back({time, stats::RunningCovariance(dimension)});
  for (const HistogramRequest& request : observe.histograms) {
    solution.histograms.push_back(
        {request.time, request.component, request.edges, std::vector<std::uint64_t>(request.edges.size() - 1, 0)});
  }
  solution.stats.paths = paths;
  solution.first_row = first_row;
}

namespace {

/// Merges `from` into `into` for whichever of the record's parts `from` has (a batch that threw
/// before its observer was made has none).
void fold(const BatchRecord& from, BatchRecord& into) {
  if (into.moments.empty()) {
    into.moments = from.moments;
    into.moments_left_out = from.moments_left_out;
  } else {
    for (std::size_t s = 0; s < from.moments.size(); ++s) {
      into.moments[s].merge(from.moments[s]);
      into.moments_left_out[s] += from.moments_left_out[s];
    }
  }
  if (into.counts.empty()) {
    into.counts = from.counts;
  } else {
    for (std::size_t s = 0; s < from.counts.size(); ++s) {
      for (std::size_t k = 0; k < from.counts[s].size(); ++k) into.counts[s][k] += from.counts[s][k];
    }
  }
  into.failures.insert(into.failures.end(), from.failures.begin(), from.failures.end());
  into.drift_evaluations += from.drift_evaluations;
  into.diffusion_evaluations += from.diffusion_evaluations;
  into.steps = std::max(into.steps, from.steps);
  into.evaluations_per_path = std::max(into.evaluations_per_path, from.evaluations_per_path);
}

}  // namespace

BatchRecord fold_wave(std::vector<BatchRecord>& records, std::size_t count) {
  BatchRecord wave;
  for (std::size_t b = 0; b < count; ++b) {
    BatchRecord& record = records[b];
    if (record.error && !wave.error) wave.error = record.error;
    // Batches cover increasing path ranges; sorting within a batch makes the list sorted by path.
    std::sort(record.failures.begin(), record.failures.end(),
              [](const PathFailure& left, const PathFailure& right) { return left.path < right.path; });
    fold(record, wave);
    record = BatchRecord{};
  }
  return wave;
}

void merge_wave(BatchRecord& wave, EnsembleSolution& solution) {
  if (wave.error) std::rethrow_exception(wave.error);
  for (std::size_t s = 0; s < wave.moments.size(); ++s) {
    solution.moments[s].moments.merge(wave.moments[s]);
    solution.moments[s].left_out += wave.moments_left_out[s];
  }
  for (std::size_t s = 0; s < wave.counts.size(); ++s) {
    Histogram& histogram = solution.histograms[s];
    const std::size_t bins = histogram.counts.size();
    for (std::size_t k = 0; k < bins; ++k) histogram.counts[k] += wave.counts[s][k];
    histogram.below += wave.counts[s][bins];
    histogram.above += wave.counts[s][bins + 1];
    histogram.left_out += wave.counts[s][bins + 2];
  }
  solution.failures.insert(solution.failures.end(), wave.failures.begin(), wave.failures.end());
  solution.stats.drift_evaluations += wave.drift_evaluations;
  solution.stats.diffusion_evaluations += wave.diffusion_evaluations;
  solution.stats.steps = std::max(solution.stats.steps, wave.steps);
  solution.stats.evaluations_per_path = std::max(solution.stats.evaluations_per_path, wave.evaluations_per_path);
}

void set_failure_status(EnsembleSolution& solution, const std::string& what_failed) {
  if (solution.failures.empty()) return;
  const PathFailure& first = solution.failures.front();
  const auto outside = static_cast<std::size_t>(
      std::count_if(solution.failures.begin(), solution.failures.end(),
                    [](const PathFailure& f) { return f.kind == PathFailureKind::left_state_space; }));
  const std::string what = outside == 0 ? what_failed
                           : outside == solution.failures.size()
                               ? std::string("left the SDE's state space")
                               : what_failed + " (" + std::to_string(outside) + " of them by leaving the SDE's state space)";
  solution.status = Status::failure(
      first.kind == PathFailureKind::left_state_space ? StatusCode::left_state_space : StatusCode::non_finite,
      "path " + std::to_string(first.path) + " at t = " + describe_value(first.time) + " (component " +
          std::to_string(first.component) + " = " + describe_value(first.value) + ")",
      std::to_string(solution.failures.size()) + " of " + std::to_string(solution.stats.paths) + " paths " + what +
          " and were stopped; they are NaN in terminal values and snapshots and left out of moments and histograms "
          "(counted in their left_out)");
}

}  // namespace kolmo::ensemble
