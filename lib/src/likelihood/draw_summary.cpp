#include "draw_summary.hpp"

#include <limits>
#include <span>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"

namespace kolmo::likelihood::detail {
namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

void check_points_and_prior(const char* where, const score::ScoreModel& score, const distribution::GaussianMixture& prior,
                            const Eigen::ArrayXXd& points) {
  const auto d = static_cast<Eigen::Index>(score.dimension());
  require(points.rows() >= 1, where, "points", std::string_view("no rows"), "at least one point");
  require(points.cols() == d, where, "points", describe_value(points.rows()) + "x" + describe_value(points.cols()),
          "d = " + describe_value(d) + " columns (the score's dimension)");
  require_all_finite(where, "points", points);
  require(static_cast<Eigen::Index>(prior.dimension()) == d, where, "prior.dimension()", prior.dimension(),
          "the score's dimension " + describe_value(d));
}

DrawSummary summarise_draws(const Eigen::ArrayXd& estimates, Eigen::Index points, Eigen::Index draws,
                            const std::string& what) {
  DrawSummary out{Status::success(), Eigen::ArrayXd(points), Eigen::ArrayXd(points), {}, {}};
  std::vector<double> finished;
  for (Eigen::Index p = 0; p < points; ++p) {
    const Eigen::ArrayXd e = estimates.segment(p * draws, draws);
    if (!e.isFinite().all()) {
      out.failed_points.push_back(static_cast<std::size_t>(p));
      out.mean(p) = out.standard_error(p) = nan;
      continue;
    }
    const stats::MeanEstimate point = stats::estimate_mean(std::span<const double>(e.data(), static_cast<std::size_t>(e.size())));
    out.mean(p) = point.mean;
    out.standard_error(p) = point.standard_error;
    finished.push_back(point.mean);
  }
  if (!out.failed_points.empty()) {
    out.status = Status::failure(StatusCode::non_finite, "point " + describe_value(out.failed_points.front()),
                                 describe_value(out.failed_points.size()) + " of " + describe_value(points) +
                                     " points have a non-finite draw (" + what + ") and no bound (left out of the mean)");
  }
  if (finished.size() >= 2) {
    out.over_points = stats::estimate_mean(std::span<const double>(finished.data(), finished.size()));
  } else if (finished.size() == 1) {
    out.over_points = {finished.front(), nan, 1};
  }
  return out;
}

Eigen::ArrayXd per_point_mean(const Eigen::ArrayXd& part, Eigen::Index draws, const std::vector<std::size_t>& failed_points) {
  const Eigen::Index points = part.size() / draws;
  Eigen::ArrayXd out(points);
  for (Eigen::Index p = 0; p < points; ++p) out(p) = part.segment(p * draws, draws).mean();
  for (std::size_t p : failed_points) out(static_cast<Eigen::Index>(p)) = nan;
  return out;
}

}  // namespace kolmo::likelihood::detail
