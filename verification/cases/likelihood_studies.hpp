#pragma once
// The likelihood cases (cases/likelihood_cases.cpp) with the piece a bug would live in taken as a
// parameter, for the mutation tests (verification/tests/mutation_test.cpp).

#include "kolmo/score/score_model.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verification {

/// The exact score plus ε sin(x) (componentwise), with its divergence: a model with no closed form.
score::ScoreModel perturbed_score(const score::ScoreModel& exact, double epsilon);

/// likelihood/ode-exact-score-is-exact-log-density with the score scaled by `score_scale` (the case's: 1).
verify::Outcome exact_likelihood_with(const verify::RunContext& context, double score_scale);

/// likelihood/ode-log-likelihood-matches-grid-density (horizon 1) and likelihood/prior-mismatch-accounted-for
/// (horizon 0.3); `sde_grid` compares with the SDE model's grid density instead (the mutation test).
verify::Outcome ode_vs_grid_with(const verify::RunContext& context, double horizon, bool sde_grid);

/// likelihood/average-nll-is-cross-entropy with the data drawn at `data_time` (the case's: t_min = 0.05).
verify::Outcome cross_entropy_with(const verify::RunContext& context, double data_time);

}  // namespace kolmo::verification
