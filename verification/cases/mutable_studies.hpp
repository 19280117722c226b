#pragma once
// The verification cases' computations with the piece a bug would live in taken as a parameter,
// so that verification/tests/mutation_test.cpp can inject a plausible bug — a wrong sign, a
// dropped term, a wrong coefficient, an off-by-one step — and see the case's rule turn to fail,
// while the registered case passes the library's own piece. (The SDE order cases have theirs in
// sde_studies.hpp, the Langevin cases in langevin_studies.hpp.)

#include <cstdint>
#include <functional>
#include <span>

#include "kolmo/ode/methods.hpp"
#include "kolmo/pde/theta_method.hpp"
#include "kolmo/process/cox_ingersoll_ross.hpp"
#include "kolmo/process/sde.hpp"
#include "kolmo/sampling/sde_dpm_solver.hpp"
#include "kolmo/sampling/uni_pc.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verification {

// random/normal-ks: the KS test of `normals` against N(0, 1) at the case's α.
verify::Outcome normal_ks_of(std::span<const double> normals, double alpha);

// ou/exact-transition-mean-*: one exact OU transition of the case's process over dt, from x to
// out, with the normals of (seed, step); the library's is OrnsteinUhlenbeck::sample_transitions.
using OuTransition = std::function<void(std::span<const double> x, double dt, std::uint64_t seed, std::uint64_t step,
                                        std::span<double> out, int threads)>;
verify::Outcome transition_mean_with(const verify::RunContext& context, double t, int steps,
                                     const OuTransition& transition);

// ode/rk4-order-4: the order of `method` (fixed steps) on the case's rotating linear flow,
// against `advertised`.
verify::Outcome explicit_order(const ode::Method& method_at_step_one_tenth, double advertised);

// pde/ou-time-order-*: the θ-method `scheme` against exp(T L) p0, against `advertised`.
verify::Outcome ou_time_order(pde::TimeScheme scheme, double advertised);

// pde/*-stationary-gibbs: the stationary density of the operator built from `sde` against the
// double well's Gibbs density; the state-dependent-noise SDE with the sign of its D' term given
// (+1 is the Itô drift that has that Gibbs law).
verify::Outcome stationary_gibbs_order(const process::Sde& sde);
process::Sde double_well_state_dependent_noise(double diffusion_gradient_sign = 1.0);
/// The constant-noise double well f = −s U', g = 1 (s = 1 has the Gibbs law e^{−2U}).
process::Sde double_well_constant_noise(double drift_scale = 1.0);

// diffusion/vp-constant-monte-carlo: an Euler–Maruyama ensemble of `sde` in 2-D against the exact
// moments of the EM chain of the constant-β VP schedule (whose SDE is vp_constant_sde).
verify::Outcome vp_ensemble_moments(const verify::RunContext& context, const process::Sde& sde);
process::Sde vp_constant_sde(std::size_t dimension);

// sampling/dpm-solver-*-order-*-in-nfe: DPM-Solver of `order` on the case's flow-map study.
verify::Outcome dpm_solver_nfe_order(std::uint64_t seed, int order, double advertised);
// sampling/dpm-solver++3s-order-3-in-nfe: the data-prediction singlestep solver of `order`.
verify::Outcome dpm_solver_plus_plus_nfe_order(std::uint64_t seed, int order, double advertised);
// sampling/parity-samplers-marginal with the SDE-DPM-Solver++(2M) given (the case's: 200 steps, η = 1).
verify::Outcome parity_sampler_marginals_with(const verify::RunContext& context, const sampling::SdeDpmSolverPlusPlus2M& sde);
// sampling/unipc-*-order-*-in-nfe: UniPC of `order` and `variant` on the same study.
verify::Outcome unipc_nfe_order(std::uint64_t seed, int order, sampling::UniPcVariant variant, double advertised);
// sampling/dpm-solver-fast-order-3-in-nfe: DPM-Solver-fast of order 3 at NFE = 3M + 2.
verify::Outcome dpm_solver_fast_nfe_order(std::uint64_t seed, double advertised);
// sampling/dpm-solver++3m-order-2-in-nfe: the data-prediction multistep solver of `order`.
verify::Outcome dpm_solver_multistep_nfe_order(std::uint64_t seed, int order, double advertised);
// sampling/edm-heun-order-2-in-nfe: EDM's Heun sampler against the denoised flow map.
verify::Outcome edm_heun_nfe_order(std::uint64_t seed, double advertised);

// pde/continuity-rotation with angular velocity `omega` (the case's is 2π: one revolution).
verify::Outcome rotation_with(double omega);

// sde/cir-transition-law-ks: the KS checks of the CIR samplers, with the exact sampler of the
// sub-Feller problem (two steps of 0.5 over [0, 1]) given; the case's is ExactCoxIngersollRoss.
using CirExactSampler = std::function<sde::EnsembleSolution(const sde::SdeProblem& problem, const process::CoxIngersollRoss& cir,
                                                            const sde::EnsembleOptions& options)>;
verify::Outcome cir_transition_law_with(const verify::RunContext& context, const CirExactSampler& exact_sampler);

}  // namespace kolmo::verification
