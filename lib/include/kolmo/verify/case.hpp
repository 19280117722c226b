#pragma once
// A verification case: one claim of the theory, checked by two independent computations that
// must agree within a derived tolerance. Cases are plain values (CaseInfo + a function); the
// registry (registry.hpp) collects them and the runner (runner.hpp) executes them.
//
//   registry.add({{"ou/stationary-ks", "The OU law reaches N(mu, sigma^2/(2 theta)) ...",
//                  "Gardiner 3.8.4", Tier::fast, CaseKind::statistical, 105},
//                 [](const RunContext& context) { return at_least(p_value, threshold, "..."); }});

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kolmo::verify {

/// fast: seconds, runs in CI on every change; full: minutes, run on demand.
enum class Tier { fast, full };

/// statistical: the verdict depends on the seed (Monte Carlo) and fails at a known small rate;
/// deterministic: the verdict is reproducible to rounding and its value is kept as a baseline.
enum class CaseKind { statistical, deterministic };

std::string_view to_string(Tier tier);
std::string_view to_string(CaseKind kind);

/// What a case declares about itself.
struct CaseInfo {
  std::string name;    ///< stable identifier "area/what", e.g. "ou/stationary-ks"
  std::string claim;   ///< the claim in one sentence
  std::string source;  ///< where the claim comes from: paper, book section or theorem
  Tier tier = Tier::fast;
  CaseKind kind = CaseKind::statistical;
  std::uint64_t seed = 0;  ///< default seed; every random draw of the case derives from it
  /// Drift allowed between a deterministic case's measured value and its recorded baseline,
  /// relative to the baseline: rounding-level changes pass, a changed algorithm does not.
  double baseline_relative_tolerance = 1e-8;
};

/// The part of a name before the first '/', which also names the baseline file.
std::string_view area_of(std::string_view case_name);

/// What the runner hands a case.
struct RunContext {
  std::uint64_t seed = 0;  ///< the seed to use (the declared one unless overridden)
  int threads = 1;         ///< OpenMP threads the case may use; results must not depend on it
};

/// The tolerance rule in words and its number, e.g. {"|measured - expected| <= 4 sigma", 3.1e-4}.
struct Tolerance {
  std::string rule;
  double bound = 0.0;
};

/// What a case returns. Build it with the rules in tolerance.hpp, which set `passed`
/// consistently (a NaN anywhere fails); add `details` for the report.
struct Outcome {
  double measured = 0.0;
  double uncertainty = 0.0;  ///< one standard error; NaN when not applicable (p-values, exact checks)
  double expected = 0.0;
  Tolerance tolerance;
  bool passed = false;
  std::string note;
  nlohmann::json details = nlohmann::json::object();
};

using CaseFunction = std::function<Outcome(const RunContext&)>;

struct Case {
  CaseInfo info;
  CaseFunction run;
};

}  // namespace kolmo::verify
