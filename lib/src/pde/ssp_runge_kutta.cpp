#include "kolmo/pde/ssp_runge_kutta.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "kolmo/core/validate.hpp"
#include "time_steps.hpp"

namespace kolmo::pde {
namespace {

using detail::solve_name;

/// A fixed dt may exceed the largest stable one by this relative amount: the slack that
/// dividing t1 − t0 into whole steps gives it (detail::step_count).
constexpr double dt_slack = detail::step_tolerance;

std::string limit_text(const Continuity& equation) {
  return "outflow Courant number max_c dt Σ_k (v_k⁺ + v_k⁻)/h_k <= " + describe_value(equation.courant_limit()) +
         " for the " + to_string(equation.limiter()) + " limiter";
}

/// One SSP-RK step at a time, on a copy of p so that a rejected step leaves p untouched; the
/// absorbed mass is carried as one more component of the state, combined with the same weights.
class SspStepper {
 public:
  SspStepper(const Continuity& equation, SspTableau tableau, bool time_dependent, ContinuityStats& stats)
      : equation_(equation), tableau_(std::move(tableau)), time_dependent_(time_dependent), stats_(stats) {}

  /// v at time t: evaluated afresh for a time-dependent field, else the one of the first call.
  const FaceVelocities& velocities(double t) {
    if (!cached_ || (time_dependent_ && cache_.time != t)) {
      cache_ = equation_.face_velocities(t);
      cache_courant_rate_ = cache_.non_finite.empty() ? equation_.courant_rate(cache_) : 0.0;
      cached_ = true;
    }
    return cache_;
  }
  /// Continuity::courant_rate of the velocities last returned.
  [[nodiscard]] double courant_rate() const { return cache_courant_rate_; }

  enum class Result { accepted, unstable, non_finite_velocity };
  struct Attempt {
    Result result = Result::accepted;
    double time = 0.0;       ///< of the offending stage
    double stable_dt = 0.0;  ///< the largest stable dt there (unstable)
    std::string where;       ///< the non-finite velocity
  };

  /// Advances (p, absorbed) from t by dt if every stage keeps the Courant limit.
  Attempt step(double t, double dt, Eigen::VectorXd& p, double& absorbed) {
    stage_ = p;
    double stage_absorbed = absorbed;
    for (std::size_t i = 0; i < tableau_.alpha.size(); ++i) {
      const double time = t + tableau_.time_shift[i] * dt;
      const FaceVelocities& v = i == 0 ? velocities(t) : velocities(time);
      if (!v.non_finite.empty()) return {Result::non_finite_velocity, time, 0.0, v.non_finite};
      const double courant = courant_rate() * dt;
      if (courant > equation_.courant_limit() * (1.0 + dt_slack)) {
        return {Result::unstable, time, equation_.courant_limit() / courant_rate(), {}};
      }
      stats_.largest_courant_number = std::max(stats_.largest_courant_number, courant);
      const double outflow = equation_.rate(v, stage_, rate_, scratch_);
      ++stats_.rate_evaluations;
      const double alpha = tableau_.alpha[i];
      stage_ = alpha * p + (1.0 - alpha) * (stage_ + dt * rate_);
      stage_absorbed = alpha * absorbed + (1.0 - alpha) * (stage_absorbed + dt * outflow);
    }
    p.swap(stage_);
    absorbed = stage_absorbed;
    stats_.steps += 1;
    stats_.smallest_dt = stats_.steps == 1 ? dt : std::min(stats_.smallest_dt, dt);
    stats_.largest_dt = std::max(stats_.largest_dt, dt);
    return {};
  }

 private:
  const Continuity& equation_;
  SspTableau tableau_;
  bool time_dependent_;
  ContinuityStats& stats_;
  FaceVelocities cache_;
  double cache_courant_rate_ = 0.0;
  bool cached_ = false;
  Eigen::VectorXd stage_, rate_;
  FluxScratch scratch_;
};

/// The failure status of an attempt that was not accepted.
Status failed(const SspStepper::Attempt& attempt, const Continuity& equation, double t, double dt) {
  const std::string where = "step from t = " + describe_value(t) + ", stage at t = " + describe_value(attempt.time);
  if (attempt.result == SspStepper::Result::non_finite_velocity) {
    return Status::failure(StatusCode::non_finite, where, "the velocity is not finite: " + attempt.where);
  }
  return Status::failure(StatusCode::diverged, where,
                         "dt = " + describe_value(dt) + " exceeds the largest stable dt " +
                             describe_value(attempt.stable_dt) + " there (" + limit_text(equation) +
                             "); use a smaller dt or method.adaptive");
}

class Run {
 public:
  Run(const Continuity& equation, const DensityField& initial, double t1, const SspRungeKutta& method,
      const std::vector<double>& snapshot_times)
      : equation_(equation),
        initial_(initial),
        t1_(t1),
        method_(method),
        snapshot_times_(snapshot_times),
        solution_{initial, std::vector<DensityField>(snapshot_times.size(), initial), 0.0, {}, {}},
        p_(initial.values()),
        stepper_(equation, ssp_tableau(method.order),
                 detail::time_dependent(equation.time_dependence(), method.time_dependent, "the continuity equation"),
                 solution_.stats) {}

  ContinuitySolution fixed() {
    solution_.stats.step_control = "fixed";
    const double t0 = initial_.time();
    require(std::isfinite(method_.dt) && method_.dt > 0.0, solve_name, "method.dt", method_.dt,
            "positive and finite (or method.adaptive)");
    const std::uint64_t steps = detail::step_count(t0, t1_, method_.dt);
    const double dt = (t1_ - t0) / static_cast<double>(steps);
    const auto time_at = [&](std::uint64_t n) { return n >= steps ? t1_ : t0 + static_cast<double>(n) * dt; };
    const auto due = detail::snapshot_schedule(snapshot_times_, t0, t1_, dt, steps);
    // Misuse is caught before the run: a dt the velocity at t0 already makes unstable.
    if (stepper_.velocities(t0).non_finite.empty()) {
      const double stable = equation_.courant_limit() / stepper_.courant_rate();
      require(dt <= stable * (1.0 + dt_slack), solve_name, "method.dt", dt,
              "at most the largest stable dt " + describe_value(stable) + " at t = " + describe_value(t0) + " (" +
                  limit_text(equation_) + "), or method.adaptive");
    }
    record(due[0], t0);
    for (std::uint64_t n = 0; n < steps && solution_.status.ok(); ++n) {
      const double t = time_at(n);
      if (advance(t, time_at(n + 1) - t)) record(due[n + 1], time_at(n + 1));
    }
    return finish(time_at(solution_.stats.steps));
  }

  ContinuitySolution adaptive() {
    solution_.stats.step_control = "adaptive";
    require(std::isfinite(method_.cfl) && method_.cfl > 0.0 && method_.cfl <= 1.0, solve_name, "method.cfl",
            method_.cfl, "in (0, 1]: the fraction of the largest stable dt");
    const double t0 = initial_.time();
    std::vector<double> stops{t1_};
    for (std::size_t s = 0; s < snapshot_times_.size(); ++s) {
      require(std::isfinite(snapshot_times_[s]) && snapshot_times_[s] >= t0 && snapshot_times_[s] <= t1_, solve_name,
              "snapshot_times[" + std::to_string(s) + "]", snapshot_times_[s],
              "a time in [" + describe_value(t0) + ", " + describe_value(t1_) + "]");
      if (snapshot_times_[s] > t0) stops.push_back(snapshot_times_[s]);
    }
    std::sort(stops.begin(), stops.end());
    stops.erase(std::unique(stops.begin(), stops.end()), stops.end());
    record_at(t0);
    double t = t0;
    for (double stop : stops) {
      while (t < stop && solution_.status.ok()) {
        const bool finite = stepper_.velocities(t).non_finite.empty();
        const double stable = finite ? equation_.courant_limit() / stepper_.courant_rate() : stop - t;
        double dt = std::min(method_.cfl * stable, stop - t);
        // A later stage may meet a faster velocity: retry with a step that is stable there.
        constexpr int retries = 30;
        for (int attempt = 0; attempt <= retries; ++attempt) {
          const bool lands = dt >= stop - t;
          if (!advance(t, dt, attempt < retries)) break;
          if (solution_.status.ok() && last_ == SspStepper::Result::accepted) {
            t = lands ? stop : t + dt;  // exactly on the snapshot time or t1
            break;
          }
          ++solution_.stats.rejected_steps;
          dt = method_.cfl * last_stable_dt_;
        }
      }
      if (solution_.status.ok()) record_at(stop);
    }
    return finish(t);
  }

 private:
  /// One step; false (with a failure status) when the run must stop. An unstable stage with
  /// `may_retry` returns true, leaves p untouched and sets last_ and last_stable_dt_.
  bool advance(double t, double dt, bool may_retry = false) {
    const SspStepper::Attempt attempt = stepper_.step(t, dt, p_, solution_.absorbed_mass);
    last_ = attempt.result;
    last_stable_dt_ = attempt.stable_dt;
    if (attempt.result == SspStepper::Result::unstable && may_retry) return true;
    if (attempt.result != SspStepper::Result::accepted) {
      solution_.status = failed(attempt, equation_, t, dt);
      return false;
    }
    if (!p_.allFinite()) {
      solution_.status = Status::failure(StatusCode::non_finite, "t = " + describe_value(t + dt),
                                         "the density became non-finite");
      return false;
    }
    return true;
  }

  void record(const std::vector<std::size_t>& due, double t) {
    for (std::size_t s : due) solution_.snapshots[s] = DensityField::computed(initial_.grid(), p_, t);
  }
  void record_at(double t) {
    for (std::size_t s = 0; s < snapshot_times_.size(); ++s) {
      if (snapshot_times_[s] == t) solution_.snapshots[s] = DensityField::computed(initial_.grid(), p_, t);
    }
  }

  ContinuitySolution finish(double t_end) {
    solution_.density = DensityField::computed(initial_.grid(), p_, solution_.stats.steps > 0 ? t_end : initial_.time());
    return std::move(solution_);
  }

  const Continuity& equation_;
  const DensityField& initial_;
  double t1_;
  const SspRungeKutta& method_;
  const std::vector<double>& snapshot_times_;
  ContinuitySolution solution_;
  Eigen::VectorXd p_;
  SspStepper stepper_;
  SspStepper::Result last_ = SspStepper::Result::accepted;
  double last_stable_dt_ = 0.0;
};

}  // namespace

SspTableau ssp_tableau(int order) {
  require(order == 2 || order == 3, solve_name, "method.order", order, "2 (SSPRK(2,2)) or 3 (SSPRK(3,3))");
  // Shu–Osher form, GST 2001 §3 (see the header).
  if (order == 2) return {{0.0, 1.0 / 2.0}, {0.0, 1.0}};
  return {{0.0, 3.0 / 4.0, 1.0 / 3.0}, {0.0, 1.0, 1.0 / 2.0}};
}

ContinuitySolution solve(const GridProblem<Continuity>& problem, const SspRungeKutta& method,
                         const GridOptions& options) {
  const auto& [equation, initial, t1] = problem;
  const std::vector<double>& snapshot_times = options.snapshot_times;
  const auto start = std::chrono::steady_clock::now();
  require(equation.grid() == initial.grid(), solve_name, "initial.grid()", "a different grid",
          "the equation's grid");
  require(std::isfinite(t1) && t1 > initial.time(), solve_name, "t1", t1,
          "finite and after the initial time " + describe_value(initial.time()));
  Run run(equation, initial, t1, method, snapshot_times);
  ContinuitySolution solution = method.adaptive ? run.adaptive() : run.fixed();
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace kolmo::pde
