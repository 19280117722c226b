// The distributed end of an ensemble run (ensemble/distributed.hpp): which waves a rank runs, the
// wave records as bytes, their exchange and merge in wave order, and the gather of the rows.
#include "kolmo/ensemble/distributed.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <type_traits>

#include "kolmo/core/error.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/ensemble/batches.hpp"

namespace kolmo::ensemble {
namespace {

constexpr const char* where = "kolmo::ensemble (distributed run)";

/// Appends plain values to a byte buffer; Reader takes them back in the same order. Both ends run
/// the same build on one machine type, so the bytes are the values' own.
class Writer {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* bytes = reinterpret_cast<const std::byte*>(&value);
    buffer_.insert(buffer_.end(), bytes, bytes + sizeof(T));
  }
  void put_doubles(const double* values, std::size_t count) {
    put<std::uint64_t>(count);
    const auto* bytes = reinterpret_cast<const std::byte*>(values);
    buffer_.insert(buffer_.end(), bytes, bytes + count * sizeof(double));
  }
  void put_string(const std::string& text) {
    put<std::uint64_t>(text.size());
    const auto* bytes = reinterpret_cast<const std::byte*>(text.data());
    buffer_.insert(buffer_.end(), bytes, bytes + text.size());
  }
  [[nodiscard]] std::vector<std::byte>& bytes() { return buffer_; }

 private:
  std::vector<std::byte> buffer_;
};

class Reader {
 public:
  explicit Reader(const std::vector<std::byte>& bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    T value;
    take(&value, sizeof(T));
    return value;
  }
  void get_doubles(double* values, std::size_t expected) {
    const auto count = get<std::uint64_t>();
    if (count != expected) throw Error(std::string(where) + ": a wave record of another shape arrived (ranks disagree)");
    take(values, count * sizeof(double));
  }
  std::string get_string() {
    std::string text(get<std::uint64_t>(), '\0');
    take(text.data(), text.size());
    return text;
  }
  [[nodiscard]] bool done() const { return offset_ == bytes_.size(); }

 private:
  void take(void* out, std::size_t size) {
    if (offset_ + size > bytes_.size()) throw Error(std::string(where) + ": a truncated wave record arrived");
    std::memcpy(out, bytes_.data() + offset_, size);
    offset_ += size;
  }
  const std::vector<std::byte>& bytes_;
  std::size_t offset_ = 0;
};

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

void write(Writer& out, const BatchRecord& wave) {
  out.put<std::uint64_t>(wave.moments.size());
  for (std::size_t s = 0; s < wave.moments.size(); ++s) {
    const stats::RunningCovariance& m = wave.moments[s];
    const Eigen::VectorXd mean = m.count() > 0 ? m.mean() : Eigen::VectorXd::Zero(static_cast<Eigen::Index>(m.dimension()));
    out.put<std::uint64_t>(m.dimension());
    out.put<std::uint64_t>(m.count());
    out.put_doubles(mean.data(), static_cast<std::size_t>(mean.size()));
    out.put_doubles(m.co_moment().data(), static_cast<std::size_t>(m.co_moment().size()));
    out.put<std::uint64_t>(wave.moments_left_out[s]);
  }
  out.put<std::uint64_t>(wave.counts.size());
  for (const std::vector<std::uint64_t>& counts : wave.counts) {
    out.put<std::uint64_t>(counts.size());
    for (std::uint64_t c : counts) out.put(c);
  }
  out.put<std::uint64_t>(wave.failures.size());
  for (const PathFailure& f : wave.failures) {
    out.put(f.path);
    out.put(f.time);
    out.put<std::uint64_t>(f.component);
    out.put(f.value);
    out.put<std::uint64_t>(f.kind == PathFailureKind::left_state_space ? 1 : 0);
  }
  out.put(wave.drift_evaluations);
  out.put(wave.diffusion_evaluations);
  out.put(wave.steps);
  out.put(wave.evaluations_per_path);
  out.put<std::uint64_t>(wave.error ? 1 : 0);
  if (wave.error) out.put_string(message_of(wave.error));
}

/// A wave record back from bytes; `error` gets the message of a wave that threw.
BatchRecord read(Reader& in, std::string& error) {
  BatchRecord wave;
  const auto moments = in.get<std::uint64_t>();
  for (std::uint64_t s = 0; s < moments; ++s) {
    const auto d = static_cast<Eigen::Index>(in.get<std::uint64_t>());
    const auto count = in.get<std::uint64_t>();
    Eigen::VectorXd mean(d);
    Eigen::MatrixXd co_moment(d, d);
    in.get_doubles(mean.data(), static_cast<std::size_t>(d));
    in.get_doubles(co_moment.data(), static_cast<std::size_t>(d * d));
    wave.moments.push_back(stats::RunningCovariance::from_sums(count, mean, co_moment));
    wave.moments_left_out.push_back(in.get<std::uint64_t>());
  }
  wave.counts.resize(in.get<std::uint64_t>());
  for (std::vector<std::uint64_t>& counts : wave.counts) {
    counts.resize(in.get<std::uint64_t>());
    for (std::uint64_t& c : counts) c = in.get<std::uint64_t>();
  }
  wave.failures.resize(in.get<std::uint64_t>());
  for (PathFailure& f : wave.failures) {
    f.path = in.get<std::uint64_t>();
    f.time = in.get<double>();
    f.component = in.get<std::uint64_t>();
    f.value = in.get<double>();
    f.kind = in.get<std::uint64_t>() == 1 ? PathFailureKind::left_state_space : PathFailureKind::non_finite;
  }
  wave.drift_evaluations = in.get<std::uint64_t>();
  wave.diffusion_evaluations = in.get<std::uint64_t>();
  wave.steps = in.get<std::uint64_t>();
  wave.evaluations_per_path = in.get<std::uint64_t>();
  if (in.get<std::uint64_t>() == 1) error = in.get_string();
  return wave;
}

/// Every rank's rows of each array (its own memory, column-major: column after column), stacked
/// in rank order into a paths × d array on rank 0; the other ranks keep 0 rows. One gather per
/// array, straight from the array's memory.
void gather_rows(const std::vector<Eigen::ArrayXXd*>& arrays, std::uint64_t paths, const Communicator& communicator) {
  for (Eigen::ArrayXXd* array : arrays) {
    const Eigen::Index d = array->cols();
    const std::vector<std::vector<std::byte>> parts = communicator.gather(
        {reinterpret_cast<const std::byte*>(array->data()), static_cast<std::size_t>(array->size()) * sizeof(double)}, 0);
    if (communicator.rank() != 0) {
      array->resize(0, d);
      continue;
    }
    Eigen::ArrayXXd all(static_cast<Eigen::Index>(paths), d);
    Eigen::Index row = 0;
    for (const std::vector<std::byte>& part : parts) {
      const auto rows = static_cast<Eigen::Index>(part.size() / sizeof(double)) / std::max<Eigen::Index>(d, 1);
      all.middleRows(row, rows) = Eigen::Map<const Eigen::ArrayXXd>(reinterpret_cast<const double*>(part.data()), rows, d);
      row += rows;
    }
    if (row != all.rows()) throw Error(std::string(where) + ": the gathered rows do not add up to the paths");
    *array = std::move(all);
  }
}

}  // namespace

void agree(const Communicator* communicator, const std::string& error) {
  if (communicator == nullptr) {
    if (!error.empty()) throw Error(error);
    return;
  }
  const std::vector<std::vector<std::byte>> all =
      communicator->all_gather({reinterpret_cast<const std::byte*>(error.data()), error.size()});
  for (std::size_t r = 0; r < all.size(); ++r) {
    if (all[r].empty()) continue;
    throw Error("rank " + std::to_string(r) + " of " + std::to_string(all.size()) + " failed: " +
                std::string(reinterpret_cast<const char*>(all[r].data()), all[r].size()));
  }
}

WaveRange wave_range(std::size_t waves, int rank, int size) {
  require(size >= 1, "kolmo::ensemble::wave_range", "communicator size", size, "at least 1");
  require(rank >= 0 && rank < size, "kolmo::ensemble::wave_range", "rank", rank, "in [0, " + std::to_string(size) + ")");
  // ⌊W r / S⌋ without forming W r: (W div S) r + ⌊(W mod S) r / S⌋, every term below 2^62.
  const auto share = [&](int r) {
    const auto s = static_cast<std::size_t>(size), k = static_cast<std::size_t>(r);
    return waves / s * k + waves % s * k / s;
  };
  return {share(rank), share(rank + 1)};
}

LocalRows local_rows(std::uint64_t paths, std::size_t dimension, const Communicator& communicator) {
  const int size = communicator.size();
  require(size >= 1, where, "communicator.size()", size, "at least 1");
  require(paths >= static_cast<std::uint64_t>(size), where, "options.paths", paths,
          "at least one path per rank (" + std::to_string(size) + " ranks)");
  const std::uint64_t wave_paths = batches_per_wave * batch_size(dimension);
  const std::uint64_t batches = (paths + batch_size(dimension) - 1) / batch_size(dimension);
  const WaveRange mine = wave_range((batches + batches_per_wave - 1) / batches_per_wave, communicator.rank(), size);
  const std::uint64_t first = std::min(paths, mine.first * wave_paths), last = std::min(paths, mine.last * wave_paths);
  return {first, last - first};
}

void combine_ranks(std::vector<BatchRecord>& waves, EnsembleSolution& solution, const Distributed& distributed) {
  const Communicator& communicator = *distributed.communicator;
  Writer out;
  out.put<std::uint64_t>(waves.size());
  for (const BatchRecord& wave : waves) write(out, wave);
  waves.clear();
  const std::vector<std::vector<std::byte>> all = communicator.all_gather(out.bytes());
  std::string first_error;
  int failing_rank = -1;
  for (std::size_t r = 0; r < all.size(); ++r) {
    Reader in(all[r]);
    const auto count = in.get<std::uint64_t>();
    for (std::uint64_t w = 0; w < count; ++w) {
      std::string error;
      BatchRecord wave = read(in, error);
      if (!error.empty() && failing_rank < 0) {
        failing_rank = static_cast<int>(r);
        first_error = error;
      }
      if (failing_rank < 0) merge_wave(wave, solution);
    }
  }
  if (failing_rank >= 0) {
    throw Error("kolmo::ensemble: rank " + std::to_string(failing_rank) + " of " + std::to_string(communicator.size()) +
                " failed: " + first_error);
  }
  // One rank holds every row already.
  if (distributed.terminal != TerminalStates::gathered || communicator.size() == 1) return;
  std::vector<Eigen::ArrayXXd*> arrays;
  if (solution.terminal.cols() > 0) arrays.push_back(&solution.terminal);
  for (Snapshot& snapshot : solution.snapshots) arrays.push_back(&snapshot.states);
  if (!arrays.empty()) gather_rows(arrays, solution.stats.paths, communicator);
  solution.first_row = 0;
}

void gather_path_values(const std::vector<Eigen::ArrayXd*>& values, std::uint64_t paths, const Distributed& distributed) {
  const Communicator* communicator = distributed.communicator;
  if (communicator == nullptr || distributed.terminal != TerminalStates::gathered || communicator->size() == 1) return;
  for (Eigen::ArrayXd* column : values) {
    Eigen::ArrayXXd rows = *column;
    gather_rows({&rows}, paths, *communicator);
    *column = rows.col(0);
  }
}

}  // namespace kolmo::ensemble
