#pragma once
// The Langevin cases that the mutation tests (verification/tests/mutation_test.cpp) run
// with a broken step, to show that each case's rule rejects it.

#include <cstddef>
#include <functional>

#include <Eigen/Core>

#include "kolmo/verify/case.hpp"

namespace kolmo::verification {

/// One corrector step x ← x + ε ŝ + √(2ε) z (the library's is sampling::langevin_correct).
using CorrectorStep = std::function<void(Eigen::ArrayXXd& x, const Eigen::ArrayXXd& score, const Eigen::ArrayXXd& noise,
                                         const Eigen::ArrayXd& step_sizes)>;

/// sampling/langevin-corrector-reaches-target with `correct` as the corrector step.
verify::Outcome corrector_reaches_target(const verify::RunContext& context, const CorrectorStep& correct);

/// sampling/annealed-langevin-reaches-target with `steps` Langevin steps at the single level.
verify::Outcome annealed_reaches_target(const verify::RunContext& context, std::size_t steps);

}  // namespace kolmo::verification
