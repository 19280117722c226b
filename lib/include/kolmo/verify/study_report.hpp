#pragma once
// Reports of a convergence study (sde/convergence.hpp) for people and programs: JSON with every
// resolution, fit and setting; CSV rows per step size; a table followed by the fitted orders and
// local-order intervals. Writing reports is the verification layer's business, not the solver's.

#include <nlohmann/json.hpp>
#include <ostream>

#include "kolmo/sde/convergence.hpp"

namespace kolmo::verify {

/// The study as JSON: every resolution, every fit (with its status), the settings.
[[nodiscard]] nlohmann::json to_json(const sde::ConvergenceStudy& study);
/// One CSV row per step size: dt, steps, strong error and se, RMS and se, each weak error and
/// se, wall seconds, drift evaluations.
void write_csv(const sde::ConvergenceStudy& study, std::ostream& out);
/// A human-readable table of the resolutions followed by the fitted orders with their CIs.
void write_table(const sde::ConvergenceStudy& study, std::ostream& out);

}  // namespace kolmo::verify
