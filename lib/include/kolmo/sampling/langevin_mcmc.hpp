#pragma once
// Langevin Markov chains for a fixed target π (not a diffusion in time): the unadjusted Langevin
// algorithm and its Metropolis-adjusted version (Roberts & Tweedie 1996, "Exponential convergence
// of Langevin distributions and their discrete approximations", §1.3 and §1.4):
//
//   proposal   y = x + h ∇log π(x) + √(2h) z,   z ~ N(0, I),
//   ULA        x' = y                             — biased: its stationary law is not π;
//   MALA       x' = y with probability min(1, π(y) q(x | y) / (π(x) q(y | x))), else x' = x,
//              log q(y | x) = −|y − x − h ∇log π(x)|² / (4h) + const   — π is invariant.
//
// On a Gaussian target N(0, s² I) ULA is the AR(1) recursion x' = (1 − h/s²) x + √(2h) z, whose
// stationary variance is s² / (1 − h/(2 s²)) (ula_gaussian_stationary_variance): the known
// O(h) bias the verification suite holds it to, while MALA's is s² exactly.
//
// Many chains run side by side, one per path. Randomness: chain p's initial state is the
// InitialLaw draw at (seed, p); its proposal noise at iteration k the normals at
// (seed, Purpose::langevin, p, k, component), its acceptance uniform (seed,
// Purpose::accept_reject, p, k, 0). Chains are advanced in the SDE engine's thread-independent
// batches (bit-identical for any thread count); a non-finite state stops that chain, which is
// reported like an SDE path with the iteration as its time.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kolmo/core/status.hpp"
#include "kolmo/process/sde.hpp"
#include "kolmo/ensemble/solution.hpp"
#include "kolmo/ensemble/distributed.hpp"
#include "kolmo/ensemble/initial_law.hpp"

namespace kolmo::sampling {

/// The target π: its score (n × d) and, for MALA, log π up to an additive constant (n values).
struct LangevinTarget {
  std::string name;
  std::size_t dimension = 0;
  std::function<Eigen::ArrayXXd(const process::StateView& x)> score;
  std::function<Eigen::ArrayXd(const process::StateView& x)> log_density;  ///< optional for ULA
};

/// Unadjusted Langevin algorithm with step h for `iterations` iterations.
struct Ula {
  double step = 0.0;
  std::uint64_t iterations = 0;
};

/// Metropolis-adjusted Langevin algorithm with step h for `iterations` iterations.
struct Mala {
  double step = 0.0;
  std::uint64_t iterations = 0;
};

struct ChainOptions {
  std::uint64_t paths = 0;  ///< number of chains, at least 1
  int threads = 1;          ///< never changes a result
  std::uint64_t first_path = 0;
  /// Split the chains over MPI ranks (ensemble/distributed.hpp): final states, failures and the
  /// acceptance rate bit-identical to the run in one process; the states gathered to rank 0 or kept.
  ensemble::Distributed distributed{};
};

struct ChainStats {
  std::uint64_t iterations = 0;              ///< per chain
  std::uint64_t score_evaluations = 0;       ///< per chain
  std::uint64_t log_density_evaluations = 0; ///< per chain (MALA: two per iteration)
  std::uint64_t paths = 0;
  double wall_seconds = 0.0;
};

struct ChainSolution {
  Status status;                           ///< ok, or non_finite with the first failure
  std::string method;                      ///< "ula" or "mala"
  Eigen::ArrayXXd samples;                 ///< paths × d: each chain's final state
  double acceptance_rate = 1.0;            ///< accepted / proposed over live chains (1 for ULA)
  std::vector<ensemble::PathFailure> failures;  ///< sorted by path; failed rows are NaN; time = the iteration
  ChainStats stats;
  /// The chain of samples' row 0: nonzero only on a rank that keeps its own rows
  /// (ensemble::TerminalStates::distributed).
  std::uint64_t first_row = 0;
};

/// Runs ULA chains from `initial`. Throws kolmo::Error on a non-positive or non-finite step,
/// zero iterations or paths, a target without score, or dimensions that differ.
[[nodiscard]] ChainSolution run_chains(const LangevinTarget& target, const ensemble::InitialLaw& initial,
                                     std::uint64_t seed, const Ula& method, const ChainOptions& options);
/// Runs MALA chains from `initial`; also needs target.log_density.
[[nodiscard]] ChainSolution run_chains(const LangevinTarget& target, const ensemble::InitialLaw& initial,
                                     std::uint64_t seed, const Mala& method, const ChainOptions& options);

/// ULA's exact stationary variance on N(0, s²) with step h < 2 s²: s² / (1 − h / (2 s²)).
[[nodiscard]] double ula_gaussian_stationary_variance(double target_variance, double step);

}  // namespace kolmo::sampling
