#pragma once
// The likelihood cases (cases/likelihood_cases.cpp) with the piece a bug would live in taken as a
// parameter, for the mutation tests (verification/tests/mutation_test.cpp).

#include <Eigen/Core>
#include <cstddef>
#include <functional>

#include "kolmo/likelihood/model_density.hpp"
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

/// The per-point Hutchinson standard error as the study reads it from the library's (identity), for K probes.
using ReportedSe = std::function<Eigen::ArrayXd(const Eigen::ArrayXd& se, std::size_t probes)>;
/// likelihood/hutchinson-unbiased-se-falls-as-inverse-sqrt-k.
verify::Outcome hutchinson_with(const verify::RunContext& context, const ReportedSe& reported_se);

/// The SDE model's grid density (the library's is likelihood::sde_model_density).
using SdeDensity = std::function<likelihood::ModelDensity(const sampling::ForwardProcess&, const score::ScoreModel&,
                                                          const distribution::GaussianMixture&, const pde::Grid&,
                                                          const likelihood::GridModelOptions&)>;
/// likelihood/sde-and-ode-models-part-with-the-score-error.
verify::Outcome models_part_with(const verify::RunContext& context, const SdeDensity& sde_density);

/// likelihood/ct-elbo-exact-score-is-tight with the score's divergence scaled by `divergence_scale`
/// (the case's: 1; the mutation test's ½, the probability-flow ODE's weight in the SDE bound).
verify::Outcome elbo_tight_with(const verify::RunContext& context, double divergence_scale);

/// likelihood/ct-elbo-below-sde-likelihood-by-the-path-kl, with the model density the bound is
/// compared with (the case's: likelihood::sde_model_density; the mutation test's: the ODE model's).
verify::Outcome elbo_gap_with(const verify::RunContext& context, const SdeDensity& model_density);

/// likelihood/ct-elbo-variational-drift-gap-is-the-control-kl with the control KL's factor (the case's: ½).
verify::Outcome elbo_variational_drift_with(const verify::RunContext& context, double kl_factor);

}  // namespace kolmo::verification
