#pragma once
// The samplers' work–precision table (issue #22): for each sampler, its error at a list of NFE on
// exact targets — a 1-D bimodal mixture, a 2-D anisotropic Gaussian and a 2-D three-component
// mixture — under the VP-linear(0.1, 20), VE-geometric(0.01, 50) and EDM(80) schedules, from
// exact draws of p_T (p at t_max) to t_min:
//
//   map error   deterministic samplers: the RMS over `map_paths` start points of |x̂ − x|, x the
//               probability-flow ODE's end point by Dormand–Prince at tolerance 1e-10 (1e-12
//               absolute) from the same start point — the sampler's own discretisation error;
//   W2          1-D: the Wasserstein-2 distance between the `paths` samples' empirical law and the
//               exact target, √((1/n) Σ_i (x_(i) − F⁻¹((i − ½)/n))²) with F the exact CDF — exact
//               up to the empirical law's own sampling floor, which the "exact draws" row shows;
//               ± its bootstrap standard error (200 resamples of the samples): the extreme order
//               statistics dominate a 1-D W2, and the SE says how far a cell moves with them;
//   energy      2-D: the energy distance 2E|X − Y| − E|X − X'| − E|Y − Y'| to exact draws, by its
//               unbiased U-statistic on 10 blocks of paths/10 samples and as many exact draws,
//               mean ± its standard error over the blocks (zero in expectation for a sampler
//               without error: the "exact draws" row shows it).
//
// The target is p_{t_min} for every sampler but EDM's, whose last step goes to σ = 0 and whose
// target is therefore the data law p_0. NFE per sampler: the largest the sampler reaches at or
// below the requested one (EDM's 2N − 1, UniPC's at least its order); the table states the NFE
// each entry spent. Every draw is a function of the seed; the table is bit-identical for any
// thread count.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kolmo/core/status.hpp"

namespace kolmo::verification {

struct WorkPrecisionOptions {
  std::vector<std::size_t> nfe{5, 10, 20, 50, 100};
  std::vector<std::string> schedules{"vp", "ve", "edm"};
  std::uint64_t paths = 4000;     ///< samples per entry (W2 and energy), a multiple of 10
  std::uint64_t map_paths = 256;  ///< start points of the map error: the first map_paths of the paths
  std::uint64_t seed = 1;
  int threads = 1;
};

struct WorkPrecisionEntry {
  std::string schedule, target, sampler;
  std::size_t nfe_requested = 0;
  std::uint64_t nfe = 0;
  double map_error = std::numeric_limits<double>::quiet_NaN();  ///< NaN for stochastic samplers
  double w2 = std::numeric_limits<double>::quiet_NaN();         ///< 1-D targets
  double w2_standard_error = std::numeric_limits<double>::quiet_NaN();  ///< bootstrap, 200 resamples
  double energy = std::numeric_limits<double>::quiet_NaN();     ///< 2-D targets
  double energy_standard_error = std::numeric_limits<double>::quiet_NaN();
  Status status;
};

/// Runs the study. Throws kolmo::Error on an unknown schedule, no NFE, paths not a positive
/// multiple of 10 or map_paths = 0 (naming them).
[[nodiscard]] std::vector<WorkPrecisionEntry> work_precision(const WorkPrecisionOptions& options);

[[nodiscard]] nlohmann::json to_json(const std::vector<WorkPrecisionEntry>& entries, const WorkPrecisionOptions& options);

/// One Markdown table per schedule and target: a row per sampler, a column per NFE; each cell
/// "map error · W2 ± SE" (1-D) or "map error · energy ± SE" (2-D), "—" where a metric does not apply.
[[nodiscard]] std::string to_markdown(const std::vector<WorkPrecisionEntry>& entries, const WorkPrecisionOptions& options);

}  // namespace kolmo::verification
