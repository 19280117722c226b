#pragma once
// The convergence studies behind the `sde/*-order-*` verification cases, shared with the
// mutation tests (verification/tests/sde_cases_test.cpp) that run the same studies with a
// deliberately wrong coefficient and check that the case's rule rejects them.
//
// Choices, all fixed before looking at results:
//   * GBM with Higham's (2001) parameters λ = 2, μ = 1, X0 = 1, T = 1, exact solution on the path;
//     step sizes 2^-4 .. 2^-8 and 160 000 paths: the local-order rule (last local order ± its
//     drift bound ± jackknife margins at the case's α) needs that many for an interval narrower
//     than ±0.25 (the margins fall as 1/√paths; a straight-line fit needed 8× fewer, but its
//     interval ignored the curvature of the error).
//   * SRA1 needs a nonlinear drift for its order-1.5 error term (g² f'' I_(1,1,0)) to exist: for a
//     linear drift the strong error is O(h²). dX = sin(X) dt + 2/√(1+t) dW, X0 = 0.5, T = 1; the
//     noise of size ~2 makes that term dominate the O(h²) deterministic error over h = 2^-2 .. 2^-6,
//     and its time dependence exercises the scheme's c1/β coefficients (g at t_n and t_n + h).
//     80 000 paths. Reference: SRA1 at h = 2^-10, whose own error (16^-1.5 ≈ 1.6% of the smallest error
//     studied) shifts every error by the same relative amount at most.
//   * Platen's weak order 2 on GBM λ = 1, μ = 0.5 with φ(x) = x² (E X² depends on the scheme's
//     diffusion terms, E X only on its drift trapezoid), h = 2^-3 .. 2^-6, 8·10^5 paths.
//   * Stochastic Heun on GBM read as a Stratonovich SDE, X = X0 exp(λt + μW), Higham's
//     parameters and steps.
//   * The drift-implicit square-root scheme on CIR κ = 2, θ = 1, σ = 0.5 from X0 = 1 over [0, 1]:
//     well inside the Feller regime (2κθ/σ² = 16), where its strong order is 1 (Neuenkirch &
//     Szpruch 2014); h = 2^-3 .. 2^-7, 80 000 paths, reference the same scheme at h = 2^-11
//     (no pathwise exact solution exists), whose error is 1/16 of the smallest one studied.
//     Below the Feller condition the measured order drops (≈ 0.7 at 2κθ/σ² = 0.6), as the
//     accessible-boundary literature predicts; the case does not claim that regime.

#include <cstdint>

#include "kolmo/sde/convergence.hpp"
#include "kolmo/verify/study_report.hpp"
#include "kolmo/verify/tolerance.hpp"

namespace kolmo::verification {

struct StudySetup {
  sde::SdeProblem problem;
  sde::ConvergenceOptions options;
};

/// GBM λ = 2, μ = 1, X0 = 1, T = 1 (Itô), exact reference, weak functional φ(x) = x.
StudySetup higham_gbm_study(std::uint64_t seed, int threads);
/// The same GBM read as a Stratonovich SDE, with its Stratonovich exact solution.
StudySetup stratonovich_gbm_study(std::uint64_t seed, int threads);
/// dX = sin X dt + 2/√(1+t) dW from 0.5 over [0, 1], reference SRA1 at h = 2^-10.
StudySetup sine_drift_additive_study(std::uint64_t seed, int threads);
/// GBM λ = 1, μ = 0.5, weak functional φ(x) = x², exact reference.
StudySetup weak_gbm_study(std::uint64_t seed, int threads);
/// CIR κ = 2, θ = 1, σ = 0.5 from 1 over [0, 1], reference the drift-implicit scheme at h = 2^-11.
StudySetup cir_feller_study(std::uint64_t seed, int threads);

enum class OrderKind { strong, weak };

/// Runs `scheme` on `setup` and applies the Monte Carlo order rule at false-failure rate `alpha`
/// (verify::order_in_local_interval: the last local order ± its drift bound ± jackknife margins)
/// to the strong order or to the first weak functional's order, against the order the scheme
/// advertises. The study's JSON is attached.
template <sde::Scheme S>
verify::Outcome order_case(const StudySetup& setup, const S& scheme, OrderKind kind, double alpha) {
  const sde::ConvergenceStudy study = sde::study_convergence(setup.problem, scheme, setup.options);
  const bool strong = kind == OrderKind::strong;
  if (!study.status.ok() || !study.strong_local || (!strong && study.weak_local.empty())) {
    verify::Outcome failed = verify::at_least(0.0, 1.0, "the study finished with at least 3 step sizes");
    failed.note = study.status.ok() ? "no local orders (fewer than 3 step sizes, or no weak functional)"
                                    : "study failed: " + study.status.where;
    return failed;
  }
  const stats::LocalOrderInterval& local = strong ? *study.strong_local : study.weak_local.front();
  verify::Outcome outcome =
      verify::order_in_local_interval(local, strong ? S::traits.strong_order : S::traits.weak_order, alpha);
  outcome.details["study"] = verify::to_json(study);
  return outcome;
}

}  // namespace kolmo::verification
