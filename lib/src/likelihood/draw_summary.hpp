#pragma once
// Internal: what the Monte Carlo bounds (continuous_elbo.hpp, ddpm_bound.hpp) share — the checks
// of their points and prior, and the per-point summary of their draws. Each point p has M independent draws at rows p M .. p M + M − 1 of an array of
// estimates; a point with a non-finite draw fails (NaN, named in the status) and is left out of
// the mean over points — never a NaN in the mean.

#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/score/score_model.hpp"
#include "kolmo/stats/mean_estimate.hpp"

namespace kolmo::likelihood::detail {

/// Throws kolmo::Error from `where` unless there is at least one point, the points have the
/// score's dimension and are finite, and the prior has the score's dimension.
void check_points_and_prior(const char* where, const score::ScoreModel& score, const distribution::GaussianMixture& prior,
                            const Eigen::ArrayXXd& points);

struct DrawSummary {
  Status status;
  Eigen::ArrayXd mean;                     ///< per point (NaN where it failed)
  Eigen::ArrayXd standard_error;           ///< per point: sd over its draws / √M
  std::vector<std::size_t> failed_points;  ///< ascending
  stats::MeanEstimate over_points;         ///< of the finished points' means
};

/// `what` names the quantities whose non-finite value fails a point, for the status message.
DrawSummary summarise_draws(const Eigen::ArrayXd& estimates, Eigen::Index points, Eigen::Index draws,
                            const std::string& what);

/// The per-point mean of a part of the estimate (rows as above), NaN at the failed points.
Eigen::ArrayXd per_point_mean(const Eigen::ArrayXd& part, Eigen::Index draws, const std::vector<std::size_t>& failed_points);

}  // namespace kolmo::likelihood::detail
