#pragma once
// The flow-matching cases (cases/flow_matching_cases.cpp) with the piece a bug would live in taken
// as a parameter, for the mutation tests (verification/tests/mutation_test.cpp).

#include <Eigen/Core>
#include <cstdint>
#include <functional>

#include "kolmo/score/objective.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verification {

/// A CFM batch of data x1 (the library's is score::draw_loss_batch).
using FlowBatch = std::function<score::LossBatch(const score::ConditionalFlowMatching& cfm, const Eigen::ArrayXXd& x1,
                                                 std::uint64_t seed)>;
score::LossBatch library_flow_batch(const score::ConditionalFlowMatching& cfm, const Eigen::ArrayXXd& x1,
                                   std::uint64_t seed);

/// flow/fm-minus-cfm-constant with `batch` drawing the CFM batches.
verify::Outcome fm_minus_cfm_with(const verify::RunContext& context, const FlowBatch& batch);

/// flow/exact-field-carries-noise-to-data with the field built by `velocity` (the library's is
/// score::marginal_velocity).
using VelocityBuilder = std::function<score::ScoreModel(distribution::GaussianMixture data, score::ProbabilityPath path)>;
verify::Outcome exact_field_transport_with(const verify::RunContext& context, const VelocityBuilder& velocity);

/// flow/trained-velocity-approaches-marginal-field with `steps` training steps (the case's: 2000).
verify::Outcome trained_velocity_with(const verify::RunContext& context, std::size_t steps);

}  // namespace kolmo::verification
