// kolmo.verify: the verification suite from Python. run() executes the selected cases exactly as
// `kolmo verify` does (the same registry, error budget, seeds and rules) and returns the report
// document of `kolmo verify --json` as Python data (verify/report.hpp lists its fields).

#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "cases/cases.hpp"
#include "studies/work_precision.hpp"
#include "kolmo/core/error.hpp"
#include "kolmo/verify/provenance.hpp"
#include "kolmo/verify/report.hpp"
#include "kolmo/verify/runner.hpp"
#include "module.hpp"

namespace py = pybind11;

namespace kolmo::python {
namespace {

verify::TierSelection tiers_of(const std::string& name) {
  if (name == "fast") return verify::TierSelection::fast;
  if (name == "full") return verify::TierSelection::full;
  if (name == "all") return verify::TierSelection::all;
  throw kolmo::Error("kolmo.verify: parameter 'tier' = '" + name + "'; expected fast, full or all");
}

const verify::Registry& registry() {
  static const verify::Registry cases = [] {
    verify::Registry r;
    verification::register_all_cases(r);
    return r;
  }();
  return cases;
}

/// A JSON document as Python dicts, lists and numbers (null for the non-finite numbers JSON lacks).
py::object to_python(const nlohmann::json& document) {
  return py::module_::import("json").attr("loads")(document.dump());
}

}  // namespace

void bind_verify(py::module_& m) {
  m.def(
      "cases",
      [](const std::string& tier, const std::string& filter) {
        py::list cases;
        for (const auto* c : registry().select(tiers_of(tier), filter)) {
          py::dict info;
          info["name"] = c->info.name;
          info["claim"] = c->info.claim;
          info["source"] = c->info.source;
          info["tier"] = std::string(verify::to_string(c->info.tier));
          info["kind"] = std::string(verify::to_string(c->info.kind));
          info["seed"] = c->info.seed;
          cases.append(info);
        }
        return cases;
      },
      py::arg("tier") = "all", py::arg("filter") = "", "The registered cases (name, claim, source, tier, kind, seed)");
  m.def(
      "run",
      [](const std::string& filter, const std::string& tier, int threads, std::optional<std::uint64_t> seed, int seeds,
         std::optional<std::string> baselines) {
        verify::RunOptions options;
        options.tiers = tiers_of(tier);
        options.filter = filter;
        options.threads = threads;
        options.seed = seed;
        options.seeds = seeds;
        if (baselines) options.baselines = *baselines;
        verify::validate(options);
        if (registry().select(options.tiers, filter).empty()) {
          throw kolmo::Error("kolmo.verify.run: parameter 'filter' = '" + filter + "'; no verification case of tier '" + tier +
                             "' matches it (kolmo.verify.cases() lists them)");
        }
        nlohmann::json document;
        {
          py::gil_scoped_release release;
          const auto summary = verify::run_cases(registry(), options);
          const verify::ReportContext context{options, verify::collect_provenance("kolmo.verify.run (Python)"),
                                              verify::error_budgets(registry(), options.tiers)};
          document = verify::to_json(summary, context);
        }
        return to_python(document);
      },
      py::arg("filter") = "", py::kw_only(), py::arg("tier") = "fast", py::arg("threads") = 1, py::arg("seed") = py::none(),
      py::arg("seeds") = 1, py::arg("baselines") = py::none(),
      "Runs the verification cases whose names match `filter` (a regex) in `tier` and returns the report of\n"
      "`kolmo verify --json` as a dict: provenance, options, error budget, one entry per case (measured value,\n"
      "uncertainty, rule, p-value, verdict, ...) and the summary. `baselines`: the directory of recorded values\n"
      "of deterministic cases (verification/baselines); without it their drift is not checked.");
  m.def(
      "work_precision",
      [](std::vector<std::size_t> nfe, std::vector<std::string> schedules, std::uint64_t paths, std::uint64_t map_paths,
         std::uint64_t seed, int threads) {
        verification::WorkPrecisionOptions options;
        options.nfe = std::move(nfe);
        options.schedules = std::move(schedules);
        options.paths = paths;
        options.map_paths = map_paths;
        options.seed = seed;
        options.threads = threads;
        nlohmann::json document;
        {
          py::gil_scoped_release release;
          document = verification::to_json(verification::work_precision(options), options);
        }
        return to_python(document);
      },
      py::kw_only(), py::arg("nfe") = std::vector<std::size_t>{5, 10, 20, 50, 100},
      py::arg("schedules") = std::vector<std::string>{"vp", "ve", "edm"}, py::arg("paths") = 4000, py::arg("map_paths") = 256,
      py::arg("seed") = 1, py::arg("threads") = 1,
      "The samplers' work-precision table of `kolmo samplers` as a dict: per schedule, target, sampler and NFE the\n"
      "deterministic map error, W2 (1-D) and the unbiased energy distance with its SE (2-D); see\n"
      "verification/studies/work_precision.hpp for the method.");
}

}  // namespace kolmo::python
