#include "studies/work_precision.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <sstream>
#include <tuple>

#include "kolmo/core/validate.hpp"
#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/ode/ensemble.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/sampling/ddim.hpp"
#include "kolmo/sampling/ddpm.hpp"
#include "kolmo/sampling/dpm_solver.hpp"
#include "kolmo/sampling/dpm_solver_adaptive.hpp"
#include "kolmo/sampling/dpm_solver_ancestral.hpp"
#include "kolmo/sampling/dpm_solver_multistep.hpp"
#include "kolmo/sampling/edm.hpp"
#include "kolmo/sampling/forward_process.hpp"
#include "kolmo/sampling/reverse_sde.hpp"
#include "kolmo/sampling/sde_dpm_solver.hpp"
#include "kolmo/sampling/uni_pc.hpp"
#include "kolmo/score/mixture_score.hpp"

namespace kolmo::verification {
namespace {

constexpr const char* study_name = "kolmo::verification::work_precision";
constexpr std::size_t energy_blocks = 10;

using sampling::SampleSolution;
using sampling::SamplerOptions;
using sampling::SamplingProblem;
using sampling::StepSpacing;

struct Target {
  std::string name;
  distribution::GaussianMixture data;
};

std::vector<Target> targets() {
  return {{"1-D bimodal", distribution::GaussianMixture({0.4, 0.6}, {Eigen::VectorXd::Constant(1, -1.5), Eigen::VectorXd::Constant(1, 1.2)},
                                                        {Eigen::MatrixXd::Constant(1, 1, 0.09), Eigen::MatrixXd::Constant(1, 1, 0.16)})},
          {"2-D anisotropic", distribution::GaussianMixture::gaussian(Eigen::Vector2d(0.5, -1.0),
                                                                      Eigen::Vector2d(0.09, 2.25).asDiagonal().toDenseMatrix())},
          {"2-D multimodal",
           distribution::GaussianMixture({0.3, 0.3, 0.4}, {Eigen::Vector2d(-2.0, 0.0), Eigen::Vector2d(1.5, 1.5), Eigen::Vector2d(1.0, -1.5)},
                                         {Eigen::Matrix2d{{0.3, 0.2}, {0.2, 0.3}}, Eigen::Matrix2d{{0.1, 0.0}, {0.0, 0.4}},
                                          Eigen::Matrix2d{{0.2, -0.1}, {-0.1, 0.15}}})}};
}

struct Setting {
  process::NoiseSchedule schedule;
  double t_max, t_min;
};

Setting setting(const std::string& name) {
  if (name == "vp") return {process::NoiseSchedule::vp_linear(0.1, 20.0), 1.0, 1e-3};
  if (name == "ve") return {process::NoiseSchedule::ve_geometric(0.01, 50.0), 1.0, 1e-3};
  if (name == "edm") return {process::NoiseSchedule::edm(80.0), 80.0, 0.002};
  require(false, study_name, "schedules", name, "vp, ve or edm");
  return {process::NoiseSchedule::vp_linear(), 1.0, 1e-3};
}

/// A sampler at a requested NFE; empty when it cannot spend that few evaluations.
struct SamplerSpec {
  std::string name;
  bool deterministic;
  bool to_data;  ///< ends at σ = 0 (EDM): its target is p_0
  std::function<std::optional<SampleSolution>(const SamplingProblem&, std::size_t nfe, const SamplerOptions&)> run;
};

template <class Method>
std::optional<SampleSolution> run_with(const SamplingProblem& problem, const Method& method, const SamplerOptions& options) {
  return sampling::sample(problem, method, options);
}

/// DPM-Solver-23 at the tolerance scale whose NFE is the largest at or below `nfe`: both of the
/// reference's tolerances (atol 0.0078, rtol 0.05) times s, s bisected in log over [1e-9, 1e3]
/// (24 halvings of the exponent). NFE is an outcome of the tolerance, not an input, and it is not
/// monotone in s (rejections), so the bisection keeps the best run it saw. Empty when even the
/// loosest tolerance spends more than `nfe`.
std::optional<SampleSolution> adaptive_at_nfe(const SamplingProblem& problem, std::size_t nfe, const SamplerOptions& options) {
  const auto run = [&](double log_scale) {
    const double scale = std::pow(10.0, log_scale);
    return sampling::sample(problem, sampling::DpmSolverAdaptive{.order = 3, .absolute_tolerance = 0.0078 * scale,
                                                                 .relative_tolerance = 0.05 * scale},
                            options);
  };
  double tight = -9.0, loose = 3.0;
  std::optional<SampleSolution> best;
  const auto keep = [&](SampleSolution candidate) {
    if (candidate.stats.model_evaluations <= nfe &&
        (!best || candidate.stats.model_evaluations > best->stats.model_evaluations)) {
      best = std::move(candidate);
    }
  };
  keep(run(loose));
  if (!best) return std::nullopt;
  for (int halving = 0; halving < 24 && best->stats.model_evaluations < nfe; ++halving) {
    const double middle = 0.5 * (tight + loose);
    SampleSolution candidate = run(middle);
    (candidate.stats.model_evaluations > nfe ? tight : loose) = middle;
    keep(std::move(candidate));
  }
  return best;
}

std::vector<SamplerSpec> samplers() {
  using namespace sampling;
  const StepSpacing lambda = StepSpacing::uniform_lambda;
  return {
      {"DDIM", true, false, [=](const auto& p, std::size_t n, const auto& o) { return run_with(p, Ddim{.steps = n, .spacing = lambda}, o); }},
      {"DPM-Solver-fast(3)", true, false,
       [](const auto& p, std::size_t n, const auto& o) { return run_with(p, DpmSolverFast{.order = 3, .nfe = n}, o); }},
      {"DPM-Solver++(2M)", true, false,
       [](const auto& p, std::size_t n, const auto& o) { return run_with(p, DpmSolverMultistep{.order = 2, .steps = n}, o); }},
      {"DPM-Solver++(3M)", true, false,
       [](const auto& p, std::size_t n, const auto& o) { return run_with(p, DpmSolverMultistep{.order = 3, .steps = n}, o); }},
      {"UniPC-3 (bh1)", true, false,
       [](const auto& p, std::size_t n, const auto& o) { return run_with(p, UniPc{.order = 3, .steps = n}, o); }},
      {"UniPC-2 (bh2)", true, false,
       [](const auto& p, std::size_t n, const auto& o) {
         return run_with(p, UniPc{.order = 2, .steps = n, .variant = UniPcVariant::bh2}, o);
       }},
      {"DPM-Solver-23 (adaptive)", true, false, adaptive_at_nfe},
      {"EDM Heun", true, true,
       [](const auto& p, std::size_t n, const auto& o) -> std::optional<SampleSolution> {
         if (n < 3) return std::nullopt;
         return run_with(p, EdmHeun{.levels = (n + 1) / 2}, o);
       }},
      // DDIM with η = 1 is DDPM with the same draws (ddim.hpp) and k-diffusion's Euler-ancestral: one row.
      {"DDPM = Euler-ancestral", false, false,
       [=](const auto& p, std::size_t n, const auto& o) { return run_with(p, Ddpm{.steps = n, .spacing = lambda}, o); }},
      {"SDE-DPM-Solver++(2M)", false, false,
       [](const auto& p, std::size_t n, const auto& o) { return run_with(p, SdeDpmSolverPlusPlus2M{.steps = n}, o); }},
      {"DPM-Solver++(2S) ancestral", false, false,
       [](const auto& p, std::size_t n, const auto& o) -> std::optional<SampleSolution> {
         if (n < 2) return std::nullopt;
         return run_with(p, DpmSolverPlusPlus2SAncestral{.steps = n / 2}, o);
       }},
  };
}

/// F⁻¹ of a 1-D mixture at each u, by bisection on its CDF (60 halvings: to rounding).
Eigen::ArrayXd quantiles(const distribution::GaussianMixture& law, const Eigen::ArrayXd& u) {
  double lower = std::numeric_limits<double>::infinity(), upper = -lower;
  for (std::size_t k = 0; k < law.components(); ++k) {
    const double spread = 12.0 * std::sqrt(law.covariances()[k](0, 0));
    lower = std::min(lower, law.means()[k](0) - spread);
    upper = std::max(upper, law.means()[k](0) + spread);
  }
  Eigen::ArrayXd lo = Eigen::ArrayXd::Constant(u.size(), lower), hi = Eigen::ArrayXd::Constant(u.size(), upper);
  for (int i = 0; i < 60; ++i) {
    const Eigen::ArrayXd mid = 0.5 * (lo + hi);
    const Eigen::ArrayXd below = (law.cdf(mid) < u).cast<double>();
    lo = below * mid + (1.0 - below) * lo;
    hi = below * hi + (1.0 - below) * mid;
  }
  return 0.5 * (lo + hi);
}

/// W2 between the empirical law of the sorted sample and the target with quantiles q (of the
/// same size): √((1/n) Σ_i (x_(i) − q_i)²).
double wasserstein2_sorted(const Eigen::ArrayXd& sorted, const Eigen::ArrayXd& q) { return std::sqrt((sorted - q).square().mean()); }

/// W2 to the exact target and its bootstrap standard error: the n samples resampled with
/// replacement 200 times (indices at Purpose::resampling, path = resample, step = 0, component =
/// draw), W2 recomputed against the same quantiles. In 1-D the W2 of a sample is dominated by its
/// extreme order statistics, whose weight a single number hides; the SE shows how much of a
/// difference between two cells is that noise.
std::pair<double, double> wasserstein2(Eigen::ArrayXd x, const distribution::GaussianMixture& target, std::uint64_t seed) {
  constexpr std::uint64_t resamples = 200;
  const auto n = static_cast<std::uint64_t>(x.size());
  const Eigen::ArrayXd u = (Eigen::ArrayXd::LinSpaced(x.size(), 0.0, static_cast<double>(n) - 1.0) + 0.5) / static_cast<double>(n);
  const Eigen::ArrayXd q = quantiles(target, u);
  Eigen::ArrayXd resampled(x.size()), values(static_cast<Eigen::Index>(resamples));
  for (std::uint64_t b = 0; b < resamples; ++b) {
    for (std::uint64_t i = 0; i < n; ++i) {
      const random::DrawAddress address{.seed = seed, .purpose = random::Purpose::resampling, .path = b, .step = 0, .component = i};
      resampled[static_cast<Eigen::Index>(i)] = x[static_cast<Eigen::Index>(random::uniform_index(address, n))];
    }
    std::sort(resampled.begin(), resampled.end());
    values[static_cast<Eigen::Index>(b)] = wasserstein2_sorted(resampled, q);
  }
  std::sort(x.begin(), x.end());
  const double mean = values.mean();
  return {wasserstein2_sorted(x, q), std::sqrt((values - mean).square().sum() / static_cast<double>(resamples - 1))};
}

/// The unbiased (U-statistic) energy distance 2 E|X − Y| − E|X − X'| − E|Y − Y'| of two samples
/// (Székely & Rizzo 2013, sec. 2, without the diagonal terms): mean zero when the laws agree.
double unbiased_energy(const Eigen::ArrayXXd& x, const Eigen::ArrayXXd& y) {
  const auto mean_distance = [](const Eigen::ArrayXXd& a, const Eigen::ArrayXXd& b, bool same) {
    double sum = 0.0;
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      for (Eigen::Index j = same ? i + 1 : 0; j < b.rows(); ++j) sum += (a.row(i) - b.row(j)).matrix().norm();
    }
    const double pairs = same ? 0.5 * static_cast<double>(a.rows()) * static_cast<double>(a.rows() - 1)
                              : static_cast<double>(a.rows()) * static_cast<double>(b.rows());
    return sum / pairs;
  };
  return 2.0 * mean_distance(x, y, false) - mean_distance(x, x, true) - mean_distance(y, y, true);
}

/// Energy distance to exact draws on `energy_blocks` blocks: mean and its standard error.
std::pair<double, double> blocked_energy(const Eigen::ArrayXXd& x, const distribution::GaussianMixture& target, std::uint64_t seed) {
  const auto block = static_cast<Eigen::Index>(x.rows() / static_cast<Eigen::Index>(energy_blocks));
  Eigen::ArrayXd values(static_cast<Eigen::Index>(energy_blocks));
  for (std::size_t b = 0; b < energy_blocks; ++b) {
    const Eigen::ArrayXXd exact = target.sample(seed, b * static_cast<std::uint64_t>(block), static_cast<std::size_t>(block));
    values[static_cast<Eigen::Index>(b)] = unbiased_energy(x.middleRows(static_cast<Eigen::Index>(b) * block, block), exact);
  }
  const double mean = values.mean();
  const double variance = (values - mean).square().sum() / static_cast<double>(energy_blocks - 1);
  return {mean, std::sqrt(variance / static_cast<double>(energy_blocks))};
}

void measure_law(WorkPrecisionEntry& entry, const Eigen::ArrayXXd& samples, const distribution::GaussianMixture& target,
                 std::uint64_t seed) {
  if (samples.cols() == 1) {
    std::tie(entry.w2, entry.w2_standard_error) = wasserstein2(samples.col(0), target, seed);
  } else {
    std::tie(entry.energy, entry.energy_standard_error) = blocked_energy(samples, target, seed);
  }
}

void validate(const WorkPrecisionOptions& options) {
  require(!options.nfe.empty(), study_name, "nfe", std::string("(empty)"), "at least one NFE");
  for (std::size_t n : options.nfe) require_at_least(study_name, "nfe", n, 1);
  require(options.paths >= energy_blocks && options.paths % energy_blocks == 0, study_name, "paths", options.paths,
          "a positive multiple of 10 (the energy distance's blocks)");
  require(options.map_paths >= 1 && options.map_paths <= options.paths, study_name, "map_paths", options.map_paths,
          "between 1 and paths = " + std::to_string(options.paths));
  require(options.threads >= 1, study_name, "threads", options.threads, "at least 1");
  for (const std::string& name : options.schedules) (void)setting(name);
}

}  // namespace

std::vector<WorkPrecisionEntry> work_precision(const WorkPrecisionOptions& options) {
  validate(options);
  std::vector<WorkPrecisionEntry> entries;
  const SamplerOptions sample_options{.paths = options.paths, .threads = options.threads};
  for (const std::string& schedule_name : options.schedules) {
    const Setting s = setting(schedule_name);
    for (const Target& target : targets()) {
      const distribution::DiffusedMixture diffused(target.data, s.schedule);
      const score::ScoreModel model = score::mixture_score(diffused);
      const ensemble::InitialLaw prior = ensemble::InitialLaw::from(distribution::Law::mixture(diffused.marginal(s.t_max)));
      const SamplingProblem problem(model, s.schedule, prior, s.t_max, s.t_min, options.seed);
      const distribution::GaussianMixture p_tmin = diffused.marginal(s.t_min);
      // The reference map: the probability-flow ODE from the same start points (same seed and paths).
      const ode::FlowProblem flow{sampling::probability_flow(sampling::ForwardProcess::of(s.schedule, target.data.dimension()), model),
                                  prior, s.t_max, s.t_min, options.seed};
      const Eigen::ArrayXXd reference =
          ode::solve(flow, ode::DormandPrince{1e-12, 1e-10}, {.paths = options.map_paths, .threads = options.threads}).ensemble.terminal;
      WorkPrecisionEntry exact;
      exact.schedule = schedule_name;
      exact.target = target.name;
      exact.sampler = "exact draws";
      measure_law(exact, p_tmin.sample(options.seed + 1, 0, options.paths), p_tmin, options.seed + 2);
      entries.push_back(exact);
      for (const SamplerSpec& sampler : samplers()) {
        for (std::size_t nfe : options.nfe) {
          const std::optional<SampleSolution> run = sampler.run(problem, nfe, sample_options);
          if (!run) continue;
          WorkPrecisionEntry entry;
          entry.schedule = schedule_name;
          entry.target = target.name;
          entry.sampler = sampler.name;
          entry.nfe_requested = nfe;
          entry.nfe = run->stats.model_evaluations;
          entry.status = run->status;
          if (run->status.ok()) {
            measure_law(entry, run->samples, sampler.to_data ? target.data : p_tmin, options.seed + 2);
            if (sampler.deterministic && !sampler.to_data) {
              // Paths 0..map_paths − 1 start where the reference's do, and a deterministic sampler
              // maps each path on its own: the run's first rows are the map.
              const Eigen::ArrayXXd mapped = run->samples.topRows(static_cast<Eigen::Index>(options.map_paths));
              entry.map_error = std::sqrt((mapped - reference).square().rowwise().sum().mean());
            }
          }
          entries.push_back(entry);
        }
      }
    }
  }
  return entries;
}

nlohmann::json to_json(const std::vector<WorkPrecisionEntry>& entries, const WorkPrecisionOptions& options) {
  const auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json rows = nlohmann::json::array();
  for (const WorkPrecisionEntry& e : entries) {
    rows.push_back({{"schedule", e.schedule},
                    {"target", e.target},
                    {"sampler", e.sampler},
                    {"nfe_requested", e.nfe_requested},
                    {"nfe", e.nfe},
                    {"map_error", number(e.map_error)},
                    {"w2", number(e.w2)},
                    {"w2_standard_error", number(e.w2_standard_error)},
                    {"energy", number(e.energy)},
                    {"energy_standard_error", number(e.energy_standard_error)},
                    {"status", std::string(to_string(e.status.code))}});
  }
  return {{"study", "sampler work-precision"},
          {"options", {{"nfe", options.nfe}, {"schedules", options.schedules}, {"paths", options.paths},
                       {"map_paths", options.map_paths}, {"seed", options.seed}}},
          {"entries", rows}};
}

std::string to_markdown(const std::vector<WorkPrecisionEntry>& entries, const WorkPrecisionOptions& options) {
  const auto format = [](double v, const char* pattern) {
    char text[32];
    std::snprintf(text, sizeof text, pattern, v);
    return std::string(text);
  };
  std::ostringstream out;
  std::vector<std::pair<std::string, std::string>> tables;
  for (const WorkPrecisionEntry& e : entries) {
    if (std::find(tables.begin(), tables.end(), std::pair{e.schedule, e.target}) == tables.end()) tables.emplace_back(e.schedule, e.target);
  }
  for (const auto& [schedule, target] : tables) {
    const bool one_d = target.rfind("1-D", 0) == 0;
    out << "\n**" << schedule << ", " << target << "** — cells: map error · "
        << (one_d ? "W2 ± bootstrap SE" : "energy distance ± SE") << " (NFE spent where it differs)\n\n| sampler |";
    for (std::size_t n : options.nfe) out << " NFE " << n << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < options.nfe.size(); ++i) out << "---|";
    out << '\n';
    std::vector<std::string> names;
    for (const WorkPrecisionEntry& e : entries) {
      if (e.schedule == schedule && e.target == target && std::find(names.begin(), names.end(), e.sampler) == names.end()) {
        names.push_back(e.sampler);
      }
    }
    for (const std::string& name : names) {
      out << "| " << name << " |";
      for (std::size_t n : options.nfe) {
        const auto found = std::find_if(entries.begin(), entries.end(), [&](const WorkPrecisionEntry& e) {
          return e.schedule == schedule && e.target == target && e.sampler == name && (e.nfe_requested == n || e.nfe == 0);
        });
        if (found == entries.end()) {
          out << " — |";
          continue;
        }
        std::string cell = std::isfinite(found->map_error) ? format(found->map_error, "%.1e") : "—";
        cell += " · ";
        cell += one_d ? format(found->w2, "%.1e") + " ± " + format(found->w2_standard_error, "%.0e")
                      : format(found->energy, "%.1e") + " ± " + format(found->energy_standard_error, "%.0e");
        if (found->nfe != 0 && found->nfe != n) cell += " (" + std::to_string(found->nfe) + ")";
        if (!found->status.ok()) cell = std::string("failed: ") + to_string(found->status.code);
        out << ' ' << cell << " |";
      }
      out << '\n';
    }
  }
  return out.str();
}

}  // namespace kolmo::verification
