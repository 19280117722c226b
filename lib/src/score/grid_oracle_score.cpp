#include "kolmo/score/grid_oracle_score.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {
namespace {

constexpr const char* where = "kolmo::score::grid_oracle_score";

/// The grid scores of the most recently asked times, most recent first.
class GridScoreCache {
 public:
  GridScoreCache(pde::DensitySeries series, GridOracleOptions options)
      : series_(std::move(series)), options_(options) {}

  /// The grid score at t: from the cache, or built (under the lock, so that concurrent callers
  /// at one new t build it once) from the series interpolated at t.
  std::shared_ptr<const pde::GridScore> at(double t) {
    require_closed_interval(where, "t", t, series_.first_time(), series_.last_time());
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto cached = std::find_if(recent_.begin(), recent_.end(), [t](const Entry& entry) { return entry.first == t; });
    if (cached != recent_.end()) {
      Entry entry = *cached;
      recent_.erase(cached);
      recent_.push_front(entry);
      return entry.second;
    }
    auto built = std::make_shared<const pde::GridScore>(series_.at(t, options_.time_interpolation), options_.score);
    recent_.emplace_front(t, built);
    if (recent_.size() > options_.cached_times) recent_.pop_back();
    return built;
  }

 private:
  using Entry = std::pair<double, std::shared_ptr<const pde::GridScore>>;

  const pde::DensitySeries series_;
  const GridOracleOptions options_;
  std::mutex mutex_;
  std::deque<Entry> recent_;
};

}  // namespace

ScoreModel grid_oracle_score(pde::DensitySeries series, GridOracleOptions options) {
  require_at_least(where, "options.cached_times", options.cached_times, 1);
  if (options.time_interpolation == pde::TimeInterpolation::cubic) {
    require_at_least(where, "series.fields().size()", series.fields().size(), 4);
  }
  const std::size_t dimension = series.grid().dimension();
  const std::string name = "grid-oracle(" + std::to_string(dimension) + "-D, " + std::to_string(series.fields().size()) +
                           " fields, " + pde::to_string(options.time_interpolation) + " in t)";
  auto cache = std::make_shared<GridScoreCache>(std::move(series), options);
  return ScoreModel(name, dimension, [cache](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    return cache->at(t)->at(x);
  });
}

}  // namespace kolmo::score
