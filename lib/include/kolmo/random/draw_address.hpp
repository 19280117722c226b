#pragma once
// Where a random draw lives. Kolmo never keeps generator state: every random number is a pure
// function of its address (seed, purpose, path, step, component) through the Philox4x32-10
// counter-based generator (random/philox.hpp). Hence results are bit-identical for any thread
// count, any chunking of paths and, later, any split over MPI ranks; and two computations that
// must see the same noise (a strong-convergence study at dt and dt/2) simply use one address.

#include <cstddef>
#include <cstdint>

namespace kolmo::random {

/// Why a number is drawn. Distinct purposes give independent streams for the same
/// (seed, path, step): the Brownian increments of a path never share numbers with, say,
/// the draw of its initial state or a Hutchinson probe.
enum class Purpose : std::uint16_t {
  brownian = 1,       ///< Wiener increments of an SDE path
  initial_state = 2,  ///< draws of X_0 from the initial law
  probe = 3,          ///< trace-estimator probes (Hutchinson)
  accept_reject = 4,  ///< Metropolis acceptance uniforms (MALA)
  resampling = 5,     ///< permutations and bootstraps inside statistical tests
  verification = 6,   ///< draws made directly by verification cases
  langevin = 7,       ///< Langevin corrector / MCMC proposal noise of the samplers
  minibatch = 8,      ///< which rows of a data matrix a training minibatch takes
  training_noise = 9,  ///< the noise ε of denoising score matching and flow matching
  training_time = 10,  ///< the times t of continuous-time objectives
  initialisation = 11,  ///< a network's initial weights
  dequantisation = 12,  ///< the uniform noise that dequantises lattice data (likelihood/ode_log_likelihood.hpp)
  bound_estimate = 13,  ///< the times, forward draws and probes of the variational bounds (likelihood/continuous_elbo.hpp)
  user = 1024,        ///< first value free for user code: Purpose{user_value}, up to max_purpose
};

/// Largest purpose value an address can hold: the counter's purpose field is 16 bits and the
/// top five mark the extra words of a normal draw (random/philox.hpp, normal_extra_block).
inline constexpr std::uint16_t max_purpose = 2047;

/// Largest path index an address can hold (paths are grouped in pairs into 48 counter bits).
inline constexpr std::uint64_t max_path = (std::uint64_t{1} << 49) - 1;
/// Largest step and component index an address can hold (32 counter bits each).
inline constexpr std::uint64_t max_step = 0xFFFF'FFFFu;
inline constexpr std::uint64_t max_component = 0xFFFF'FFFFu;

/// One draw: the `component`-th number of `path` at `step` for `purpose`.
struct DrawAddress {
  std::uint64_t seed = 0;
  Purpose purpose = Purpose::brownian;
  std::uint64_t path = 0;
  std::uint64_t step = 0;
  std::uint64_t component = 0;
};

/// A block of draws at one step: paths [first_path, first_path + paths) times components
/// [first_component, first_component + components). Batch fills write it component-major with
/// paths contiguous:
///   out[c * paths + i] = draw at {seed, purpose, first_path + i, step, first_component + c}.
struct BatchAddress {
  std::uint64_t seed = 0;
  Purpose purpose = Purpose::brownian;
  std::uint64_t step = 0;
  std::uint64_t first_path = 0;
  std::size_t paths = 0;
  std::size_t components = 1;
  std::uint64_t first_component = 0;

  [[nodiscard]] std::size_t size() const { return paths * components; }
};

}  // namespace kolmo::random
