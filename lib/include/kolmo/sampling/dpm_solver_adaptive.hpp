#pragma once
// Adaptive-step DPM-Solver-12 and DPM-Solver-23 (Lu et al. 2022a, §5 and Alg. 4; the official
// implementation's dpm_solver_adaptive): each attempted step s → t = t_λ(λ_s + h) takes a lower-
// and a higher-order singlestep update that share model values — DPM-Solver-1 and -2 (r1 = ½)
// for order 2, DPM-Solver-2 and -3 with r1 = ⅓, r2 = ⅔ for order 3 — and compares them:
//
//   δ = max(atol, rtol · max(|x_lower|, |x_prev|))                        (elementwise)
//   E = max over the paths of the batch of √(mean_c ((x_higher − x_lower)/δ)²)
//   accept when E ≤ 1 (x ← x_higher, x_prev ← x_lower, s ← t);
//   in any case h ← min(θ h E^{−1/order}, λ(t_min) − λ_s)
//
// from h = h_init, x_prev = the start, until |s − t_min| ≤ t_err. NFE = order per attempt,
// rejected ones included (SampleSolution::stats.model_evaluations counts them).
//
// Two properties are the reference's and kept for parity with it (tests/sampling/
// dpm_solver_reference_test.cpp): E is the worst path of the batch, so a path's steps depend on
// the other paths of its batch — the driver's fixed, thread-independent batches (sampler.hpp),
// so results stay bit-identical for any thread count; and the factor E^{−1/order} is rounded to
// single precision before it scales h (the reference's `.float()`).

#include <cstddef>
#include <cstdint>

#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/sampler.hpp"

namespace kolmo::sampling {

struct DpmSolverAdaptive {
  int order = 3;                      ///< 2 (DPM-Solver-12) or 3 (DPM-Solver-23)
  double absolute_tolerance = 0.0078;  ///< atol > 0 (the reference's default, 2/255)
  double relative_tolerance = 0.05;    ///< rtol >= 0
  double initial_step = 0.05;          ///< h_init > 0, in λ
  double safety = 0.9;                 ///< θ in (0, 1]
  double time_tolerance = 1e-5;        ///< t_err > 0
  Prediction prediction = Prediction::noise;
  /// Beyond this many attempted steps (or at a non-finite error) the batch's paths fail: NaN rows,
  /// reported in the status like any failed path.
  std::uint64_t max_attempts = 100000;
};

/// Samples at t_min. Throws kolmo::Error for an order other than 2 or 3 or a tolerance, step or
/// safety factor out of range (naming it).
[[nodiscard]] SampleSolution sample(const SamplingProblem& problem, const DpmSolverAdaptive& method,
                                    const SamplerOptions& options);

}  // namespace kolmo::sampling
