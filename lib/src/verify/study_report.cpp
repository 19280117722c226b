#include "kolmo/verify/study_report.hpp"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>

namespace kolmo::verify {

using sde::ConvergenceStudy;
using sde::Resolution;

namespace {

nlohmann::json fit_json(const stats::OrderFit& fit) {
  nlohmann::json j{{"status", to_string(fit.status.code)}};
  if (!fit.status.ok()) {
    j["where"] = fit.status.where;
    j["message"] = fit.status.message;
    return j;
  }
  j["order"] = fit.slope;
  j["standard_error"] = fit.slope_standard_error;
  j["ci"] = {fit.ci_lower, fit.ci_upper};
  j["level"] = fit.level;
  j["points"] = fit.points_used;
  j["jackknife_groups"] = fit.jackknife_groups;
  j["reduced_chi2"] = std::isfinite(fit.reduced_chi2) ? nlohmann::json(fit.reduced_chi2) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json local_json(const stats::LocalOrderInterval& interval, double level) {
  nlohmann::json j{{"status", to_string(interval.status.code)}, {"local_orders", interval.local.orders}};
  if (!interval.status.ok()) {
    j["where"] = interval.status.where;
    j["message"] = interval.status.message;
    return j;
  }
  const auto [lower, upper] = interval.interval(level);
  j["estimate"] = interval.local.estimate;
  j["drift_ends"] = {interval.lower_end, interval.upper_end};
  j["jackknife_standard_errors"] = {interval.lower_standard_error, interval.upper_standard_error};
  j["interval"] = {lower, upper};
  j["level"] = level;
  j["correction_order"] = interval.correction_order;
  j["ratio"] = interval.local.ratio;
  return j;
}

std::string format_local(const stats::LocalOrderInterval& interval, double level) {
  std::ostringstream text;
  if (!interval.status.ok()) {
    text << "refused (" << to_string(interval.status.code) << ": " << interval.status.where << ")";
    return text.str();
  }
  const auto [lower, upper] = interval.interval(level);
  text << std::fixed << std::setprecision(3) << interval.local.estimate << "  [" << lower << ", " << upper << "] ("
       << std::setprecision(0) << level * 100 << "%, drift bound q = " << std::setprecision(1)
       << interval.correction_order << ")";
  return text.str();
}

std::string format_fit(const stats::OrderFit& fit) {
  std::ostringstream text;
  if (!fit.status.ok()) {
    text << "refused (" << to_string(fit.status.code) << ": " << fit.status.where << ")";
    return text.str();
  }
  text << std::fixed << std::setprecision(3) << fit.slope << "  [" << fit.ci_lower << ", " << fit.ci_upper << "] ("
       << std::setprecision(0) << fit.level * 100 << "% CI)";
  return text.str();
}

}  // namespace

nlohmann::json to_json(const ConvergenceStudy& study) {
  nlohmann::json j{{"scheme", study.scheme},
                   {"problem", study.problem},
                   {"reference", study.reference},
                   {"paths", study.paths},
                   {"brownian_fine_steps", study.fine_steps},
                   {"theoretical_strong_order", study.traits.strong_order},
                   {"theoretical_weak_order", study.traits.weak_order},
                   {"status", to_string(study.status.code)}};
  if (!study.status.ok()) j["status_where"] = study.status.where;
  j["resolutions"] = nlohmann::json::array();
  for (const Resolution& r : study.resolutions) {
    nlohmann::json row{{"dt", r.dt},
                       {"steps", r.steps},
                       {"strong_error", r.strong.mean},
                       {"strong_error_se", r.strong.standard_error},
                       {"strong_rms", r.strong_rms},
                       {"strong_rms_se", r.strong_rms_standard_error},
                       {"wall_seconds", r.wall_seconds},
                       {"drift_evaluations", r.drift_evaluations}};
    for (std::size_t k = 0; k < r.weak.size(); ++k) {
      row["weak"][study.functional_names[k]] = {{"error", r.weak[k].mean}, {"se", r.weak[k].standard_error}};
    }
    j["resolutions"].push_back(row);
  }
  j["strong_order"] = fit_json(study.strong_order);
  if (study.strong_local) j["strong_local_order"] = local_json(*study.strong_local, study.level);
  for (std::size_t k = 0; k < study.weak_local.size(); ++k) {
    j["weak_local_orders"][study.functional_names[k]] = local_json(study.weak_local[k], study.level);
  }
  j["strong_rms_order"] = fit_json(study.strong_rms_order);
  for (std::size_t k = 0; k < study.weak_orders.size(); ++k) {
    j["weak_orders"][study.functional_names[k]] = fit_json(study.weak_orders[k]);
  }
  return j;
}

void write_csv(const ConvergenceStudy& study, std::ostream& out) {
  out << "dt,steps,strong_error,strong_error_se,strong_rms,strong_rms_se";
  for (const std::string& name : study.functional_names) out << ",weak_" << name << ",weak_" << name << "_se";
  out << ",wall_seconds,drift_evaluations\n";
  out << std::setprecision(17);
  for (const Resolution& r : study.resolutions) {
    out << r.dt << ',' << r.steps << ',' << r.strong.mean << ',' << r.strong.standard_error << ',' << r.strong_rms
        << ',' << r.strong_rms_standard_error;
    for (const stats::MeanEstimate& w : r.weak) out << ',' << w.mean << ',' << w.standard_error;
    out << ',' << r.wall_seconds << ',' << r.drift_evaluations << '\n';
  }
}

void write_table(const ConvergenceStudy& study, std::ostream& out) {
  out << study.scheme << " on " << study.problem << ": " << study.paths << " paths, reference " << study.reference
      << ", Brownian grid " << study.fine_steps << " steps\n";
  out << std::setw(12) << "dt" << std::setw(24) << "E|X-Xref| (se)";
  for (const std::string& name : study.functional_names) out << std::setw(26) << ("weak " + name + " (se)");
  out << std::setw(12) << "seconds" << std::setw(14) << "drift evals" << '\n';
  for (const Resolution& r : study.resolutions) {
    std::ostringstream strong;
    strong << std::scientific << std::setprecision(3) << r.strong.mean << " (" << std::setprecision(1)
           << r.strong.standard_error << ")";
    out << std::setw(12) << std::setprecision(5) << r.dt << std::setw(24) << strong.str();
    for (const stats::MeanEstimate& w : r.weak) {
      std::ostringstream weak;
      weak << std::scientific << std::setprecision(3) << w.mean << " (" << std::setprecision(1) << w.standard_error
           << ")";
      out << std::setw(26) << weak.str();
    }
    out << std::setw(12) << std::fixed << std::setprecision(3) << r.wall_seconds << std::setw(14)
        << r.drift_evaluations << '\n';
    out.unsetf(std::ios::floatfield);
  }
  out << "strong order (theory " << study.traits.strong_order << "): " << format_fit(study.strong_order) << '\n';
  out << "strong RMS order:          " << format_fit(study.strong_rms_order) << '\n';
  if (study.strong_local) out << "last local strong order:   " << format_local(*study.strong_local, study.level) << '\n';
  for (std::size_t k = 0; k < study.weak_local.size(); ++k) {
    out << "last local weak order " << study.functional_names[k] << ": " << format_local(study.weak_local[k], study.level)
        << '\n';
  }
  for (std::size_t k = 0; k < study.weak_orders.size(); ++k) {
    out << "weak order " << study.functional_names[k] << " (theory " << study.traits.weak_order
        << "): " << format_fit(study.weak_orders[k]) << '\n';
  }
  if (!study.status.ok()) out << "status: " << to_string(study.status.code) << " at " << study.status.where << '\n';
}

}  // namespace kolmo::verify
