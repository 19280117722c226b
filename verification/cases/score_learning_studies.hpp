#pragma once
// The score-learning cases (cases/score_learning_cases.cpp) with the piece a bug would live in
// taken as a parameter, for the mutation tests (verification/tests/mutation_test.cpp).

#include <Eigen/Core>
#include <cstdint>
#include <functional>

#include "kolmo/sampling/forward_process.hpp"
#include "kolmo/score/objective.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verification {

/// The row losses of `objective` for `model` on `points` with `seed`; the library's is
/// score::evaluate(...).row_losses.
using ObjectiveRows = std::function<Eigen::ArrayXd(const score::Objective& objective, const score::ScoreModel& model,
                                                   const Eigen::ArrayXXd& points, std::uint64_t seed)>;
Eigen::ArrayXd library_rows(const score::Objective& objective, const score::ScoreModel& model,
                            const Eigen::ArrayXXd& points, std::uint64_t seed);

/// score/esm-minus-ism-constant with `ism_rows` computing the implicit objective's rows.
verify::Outcome esm_minus_ism_with(const verify::RunContext& context, const ObjectiveRows& ism_rows);
/// score/trace-estimators-unbiased with `estimator_rows` computing the Hutchinson and sliced rows.
verify::Outcome trace_estimators_unbiased_with(const verify::RunContext& context, const ObjectiveRows& estimator_rows);

/// A DSM batch of data x0 (the library's is score::draw_loss_batch).
using DenoisingBatch = std::function<score::LossBatch(const score::DenoisingScoreMatching& dsm, const Eigen::ArrayXXd& x0,
                                                      std::uint64_t seed)>;
/// score/esm-minus-dsm-constant and score/dsm-tweedie-linear-gaussian with `batch` drawing DSM batches.
verify::Outcome esm_minus_dsm_with(const verify::RunContext& context, const DenoisingBatch& batch);
verify::Outcome tweedie_linear_with(const verify::RunContext& context, const DenoisingBatch& batch);

/// score/learned-ism-nonlinear-sde with `steps` training steps (the case's: 3000).
verify::Outcome nonlinear_learned_with(const verify::RunContext& context, std::size_t steps);

/// score/learned-girsanov-bound-nonlinear-sde with the generative drift −f + (g²)' + w g² s_θ
/// (w = 1 is the reverse process; the mutation test passes w = ½).
verify::Outcome nonlinear_girsanov_with(const verify::RunContext& context, double score_weight);

}  // namespace kolmo::verification

namespace kolmo::verification {

/// score/learned-girsanov-bound-1d with the generative SDE's drift −f + w g² s_θ (w = 1 is
/// Anderson's reverse SDE; the mutation tests pass w = ½, the probability-flow weight).
verify::Outcome girsanov_bound_with(const verify::RunContext& context, double score_weight);

/// score/learned-girsanov-bound-2d with the generative drift −f x + w g² s_θ (the mutation test: w = ½)
/// on grids of `coarse_cells`² and twice that per axis (the case's: 160).
verify::Outcome girsanov_bound_2d_with(const verify::RunContext& context, double score_weight, std::size_t coarse_cells);

/// score/learned-reverse-sde-matches-fokker-planck with the reverse SDE built by `reverse` (the
/// library's is sampling::reverse_sde(forward, score)).
using ReverseSdeBuilder = std::function<process::Sde(const sampling::ForwardProcess& forward, const score::ScoreModel& score)>;
verify::Outcome learned_reverse_sde_with(const verify::RunContext& context, const ReverseSdeBuilder& reverse);

/// score/learned-mlp-2d-weighted-esm with `steps` training steps (the case's: 3000).
verify::Outcome learned_2d_with(const verify::RunContext& context, std::size_t steps);

/// score/kernel-esm-decreases-with-data fitting at most `max_rows` of the points it is given (the case's: all).
verify::Outcome kernel_consistency_with(const verify::RunContext& context, std::size_t max_rows);

/// score/empirical-score-memorises with the model's data scaled by `data_scale` (the case's is 1).
verify::Outcome memorisation_with(const verify::RunContext& context, double data_scale);

/// score/learned-ism-nonlinear-sde with `steps` training steps (the case's: 3000).
verify::Outcome nonlinear_learned_with(const verify::RunContext& context, std::size_t steps);

/// score/learned-girsanov-bound-nonlinear-sde with the generative drift −f + (g²)' + w g² s_θ
/// (w = 1 is the reverse process; the mutation test passes w = ½).
verify::Outcome nonlinear_girsanov_with(const verify::RunContext& context, double score_weight);

}  // namespace kolmo::verification
