#include "batch_integrate.hpp"

#include <algorithm>
#include <boost/numeric/odeint/stepper/euler.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <utility>

#include "heun_stepper.hpp"
#include "step_control.hpp"
#include "kolmo/core/all_finite.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/ode/probe.hpp"
#include "kolmo/ensemble/time_grid.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"

namespace kolmo::ode::detail {
namespace {

namespace odeint = boost::numeric::odeint;
using State = std::vector<double>;
using Rows = std::vector<Eigen::Index>;
using Matrix = Eigen::Map<Eigen::ArrayXXd>;
using ConstMatrix = Eigen::Map<const Eigen::ArrayXXd>;
constexpr const char* where = "kolmo::ode::solve";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Odeint steppers on a batch whose row count changes as paths leave it or split off: their
// scratch states follow the state's size (always_resizer) instead of keeping the first one.
using EulerStepper = odeint::euler<State, double, State, double, odeint::range_algebra, odeint::default_operations,
                                   odeint::always_resizer>;
using Rk4Stepper = odeint::runge_kutta4<State, double, State, double, odeint::range_algebra, odeint::default_operations,
                                        odeint::always_resizer>;
using DopriStepper = odeint::runge_kutta_dopri5<State, double, State, double, odeint::range_algebra,
                                                odeint::default_operations, odeint::always_resizer>;

/// The scratch of one Dormand–Prince (sub-)batch: Odeint's stepper (its stage arrays) and the
/// proposed state, derivative and error estimate. One set per thread and nesting depth (a batch's
/// hard paths go on as a sub-batch one level down while the batch is mid-step), kept across
/// batches: fresh ones per batch came from memory glibc had returned to the system, and faulting
/// them back in was a seventh of a Hutchinson (K = 10) log-likelihood solve.
struct StepScratch {
  DopriStepper stepper;
  State y_new, dydt_new, err;
};

StepScratch& step_scratch(std::size_t depth) {
  thread_local std::deque<StepScratch> scratch;  // a deque: references stay valid as it grows
  while (scratch.size() <= depth) scratch.emplace_back();
  return scratch[depth];
}

/// The rows `rows` of a column-major matrix of `width` columns stored in `y`.
State gather(const State& y, Eigen::Index width, const Rows& rows) {
  const Eigen::Index n = static_cast<Eigen::Index>(y.size()) / width;
  const ConstMatrix from(y.data(), n, width);
  State out(rows.size() * static_cast<std::size_t>(width));
  Matrix(out.data(), static_cast<Eigen::Index>(rows.size()), width) = from(rows, Eigen::all);
  return out;
}

/// Keeps the rows `positions` (ascending) of the column-major n × `width` matrix in y, in place:
/// each entry moves to an index no larger than its own, never over one still to be read. A batch
/// that loses paths thus keeps its buffers (fresh ones per split cost page faults; see below).
void keep_rows(State& y, Eigen::Index width, const Rows& positions) {
  const auto n = y.size() / static_cast<std::size_t>(width), m = positions.size();
  for (std::size_t c = 0; c < static_cast<std::size_t>(width); ++c) {
    for (std::size_t i = 0; i < m; ++i) y[c * m + i] = y[c * n + static_cast<std::size_t>(positions[i])];
  }
  y.resize(m * static_cast<std::size_t>(width));
}

/// The batch system: y = [x (n × d) | ℓ (n × K)] column-major, dx/dt = v(t, x), dℓ_k/dt = −div_k
/// (the instantaneous change of variables, Chen et al. 2018, Thm. 1), for the paths `rows` of
/// the batch; K divergence estimates per path as ode/log_density.hpp defines them.
class BatchSystem {
 public:
  BatchSystem(const Flow& flow, const std::optional<DivergenceMethod>& method, std::vector<Eigen::ArrayXXd> probes,
              std::uint64_t& evaluations)
      : flow_(&flow), method_(&method), probes_(std::move(probes)), evaluations_(&evaluations),
        d_(static_cast<Eigen::Index>(flow.dimension())) {}

  /// The system of a subset of this one's paths (their probes).
  [[nodiscard]] BatchSystem restricted_to(const Rows& rows) const {
    std::vector<Eigen::ArrayXXd> probes;
    for (const Eigen::ArrayXXd& z : probes_) probes.emplace_back(z(rows, Eigen::all));
    return {*flow_, *method_, std::move(probes), *evaluations_};
  }

  /// Keeps the probes of the paths `positions` (ascending) in the first rows, in place.
  void keep(const Rows& positions) {
    for (Eigen::ArrayXXd& z : probes_) {
      for (Eigen::Index j = 0; j < z.cols(); ++j) {
        for (std::size_t i = 0; i < positions.size(); ++i) z(static_cast<Eigen::Index>(i), j) = z(positions[i], j);
      }
    }
  }

  [[nodiscard]] Eigen::Index width() const { return d_ + log_components(); }
  /// Velocity evaluations per row and stage: 1, plus the shifted states of the finite-difference
  /// (2d) or Hutchinson (2K, without a Jacobian) divergence.
  [[nodiscard]] Eigen::Index velocity_calls_per_row() const {
    if (!*method_) return 1;
    if (std::holds_alternative<FiniteDifference>(**method_)) return 1 + 2 * d_;
    if (std::holds_alternative<Hutchinson>(**method_)) {
      if (flow_->has_jacobian_quadratic_forms()) return 1 + log_components();  // a product row per probe, at most
      if (!flow_->has_jacobian()) return 1 + 2 * log_components();
    }
    return 1;
  }
  [[nodiscard]] Eigen::Index log_components() const {
    if (!*method_) return 0;
    return probes_.empty() ? 1 : static_cast<Eigen::Index>(probes_.size());
  }

  /// dy/dt, the flow evaluated in chunks of about 4096 doubles of states (32 KiB). Large enough
  /// that a velocity call's fixed costs (forming p_t, its allocations) are paid once per stage of
  /// a whole batch (ensemble::batch_size), small enough that its temporaries stay far below glibc's
  /// 128 KiB trim threshold, so malloc recycles them instead of returning the memory to the
  /// system after each call and faulting it back in (measured: with whole 2048-row batches a third
  /// of a probability-flow solve went to the kernel's page faults; with 512-row chunks a quarter
  /// to the per-call costs; docs/measurements.md).
  void operator()(const State& y, State& dydt, double t) const {
    const Eigen::Index n = static_cast<Eigen::Index>(y.size()) / width();
    const ConstMatrix x(y.data(), n, d_);
    Matrix out(dydt.data(), n, width());
    const Eigen::Index chunk = std::max<Eigen::Index>(16, 4096 / (d_ * velocity_calls_per_row()));
    for (Eigen::Index first = 0; first < n; first += chunk) {
      const Eigen::Index rows = std::min(chunk, n - first);
      const auto x_chunk = x.middleRows(first, rows);
      if (all_finite_columns(x_chunk)) {
        out.block(first, 0, rows, d_) = velocity(t, x_chunk);
        if (*method_) out.block(first, d_, rows, log_components()) = -divergences(t, x_chunk, first);
      } else {
        finite_rows_only(t, x_chunk, first, out.middleRows(first, rows));
      }
    }
  }

 private:
  Eigen::ArrayXXd velocity(double t, const process::StateView& x) const {
    *evaluations_ += static_cast<std::uint64_t>(x.rows());
    return flow_->velocity(t, x);
  }

  /// A chunk with non-finite rows (a path that failed within this step's stages): the flow sees
  /// only the finite rows, the others get NaN derivatives, which fail their path at the step's end.
  template <class Out>
  void finite_rows_only(double t, const process::StateView& x, Eigen::Index first, Out out) const {
    std::vector<Eigen::Index> finite;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      if (x.row(r).isFinite().all()) finite.push_back(r);
    }
    out.setConstant(nan);
    if (finite.empty()) return;
    const Eigen::ArrayXXd x_finite = x(finite, Eigen::all);
    out(finite, Eigen::seqN(0, d_)) = velocity(t, x_finite);
    if (!*method_) return;
    // The probes of the finite rows: a system restricted to them (rows relative to `first`).
    Rows batch_rows;
    for (Eigen::Index r : finite) batch_rows.push_back(first + r);
    out(finite, Eigen::seqN(d_, log_components())) = -restricted_to(batch_rows).divergences(t, x_finite, 0);
  }

  /// n × K divergence estimates of the rows first… of the batch.
  Eigen::ArrayXXd divergences(double t, const process::StateView& x, Eigen::Index first) const {
    if (std::holds_alternative<ExactDivergence>(**method_)) {
      if (flow_->has_divergence()) return flow_->divergence(t, x);
      Eigen::ArrayXXd trace(x.rows(), 1);
      for (Eigen::Index r = 0; r < x.rows(); ++r) trace(r, 0) = flow_->jacobian(t, x.row(r).transpose().matrix()).trace();
      return trace;
    }
    if (const auto* fd = std::get_if<FiniteDifference>(&**method_)) return finite_difference(t, x, fd->epsilon);
    return hutchinson(t, x, first, std::get<Hutchinson>(**method_).epsilon);
  }

  // Σ_i [v_i(x + s_i e_i) − v_i(x − s_i e_i)] / 2s_i, s_i = ε (1 + |x_i|) per path: the 2d shifted
  // copies of the batch in one velocity call.
  Eigen::ArrayXXd finite_difference(double t, const process::StateView& x, double epsilon) const {
    const Eigen::Index n = x.rows();
    const Eigen::ArrayXXd steps = epsilon * (1.0 + x.abs());
    Eigen::ArrayXXd shifted = process::repeated_rows(x, 2 * d_);
    for (Eigen::Index i = 0; i < d_; ++i) {
      shifted.block(2 * i * n, i, n, 1) += steps.col(i);
      shifted.block((2 * i + 1) * n, i, n, 1) -= steps.col(i);
    }
    const Eigen::ArrayXXd v = velocity(t, shifted);
    Eigen::ArrayXXd sum = Eigen::ArrayXXd::Zero(n, 1);
    for (Eigen::Index i = 0; i < d_; ++i) {
      sum.col(0) += (v.block(2 * i * n, i, n, 1) - v.block((2 * i + 1) * n, i, n, 1)) / (2.0 * steps.col(i));
    }
    return sum;
  }

  // z_kᵀ J z_k per probe: with the flow's quadratic forms (fused, or its Jacobian–vector product
  // dotted with z; all K probes in one call, stacked direction-major) if it has them, else with
  // its Jacobian, else z_kᵀ [v(x + δ z_k) − v(x − δ z_k)] / 2δ with δ = ε (1 + max_i |x_i|) per path.
  Eigen::ArrayXXd hutchinson(double t, const process::StateView& x, Eigen::Index first, double epsilon) const {
    const Eigen::Index n = x.rows(), k_count = static_cast<Eigen::Index>(probes_.size());
    const auto probe = [&](Eigen::Index k) { return probes_[static_cast<std::size_t>(k)].middleRows(first, n); };
    if (flow_->has_jacobian_quadratic_forms()) {
      Eigen::ArrayXXd z(k_count * n, d_);
      for (Eigen::Index k = 0; k < k_count; ++k) z.middleRows(k * n, n) = probe(k);
      return flow_->jacobian_quadratic_forms(t, x, z);
    }
    Eigen::ArrayXXd estimates(n, k_count);
    if (flow_->has_jacobian()) {
      for (Eigen::Index r = 0; r < n; ++r) {
        const Eigen::MatrixXd j = flow_->jacobian(t, x.row(r).transpose().matrix());
        for (Eigen::Index k = 0; k < k_count; ++k) {
          const Eigen::VectorXd z = probe(k).row(r).transpose().matrix();
          estimates(r, k) = z.dot(j * z);
        }
      }
      return estimates;
    }
    const Eigen::ArrayXd delta = epsilon * (1.0 + x.abs().rowwise().maxCoeff());
    Eigen::ArrayXXd shifted(2 * k_count * n, d_);
    for (Eigen::Index k = 0; k < k_count; ++k) {
      const Eigen::ArrayXXd step = probe(k).colwise() * delta;
      shifted.middleRows(2 * k * n, n) = x + step;
      shifted.middleRows((2 * k + 1) * n, n) = x - step;
    }
    const Eigen::ArrayXXd v = velocity(t, shifted);
    for (Eigen::Index k = 0; k < k_count; ++k) {
      estimates.col(k) = ((v.middleRows(2 * k * n, n) - v.middleRows((2 * k + 1) * n, n)) * probe(k)).rowwise().sum() /
                         (2.0 * delta);
    }
    return estimates;
  }

  const Flow* flow_;
  const std::optional<DivergenceMethod>* method_;
  std::vector<Eigen::ArrayXXd> probes_;  // K arrays n × d, fixed along each path
  std::uint64_t* evaluations_;
  Eigen::Index d_;
};

/// Hutchinson's probes of the batch: row i, probe k, component j at (seed, probe, first_path + i, k, j).
std::vector<Eigen::ArrayXXd> draw_probes(const std::optional<DivergenceMethod>& method, Eigen::Index n, Eigen::Index d,
                                         std::uint64_t seed, std::uint64_t first_path) {
  std::vector<Eigen::ArrayXXd> probes;
  const auto* hutchinson = method ? std::get_if<Hutchinson>(&*method) : nullptr;
  if (!hutchinson) return probes;
  require(hutchinson->probes >= 1, where, "Hutchinson.probes", hutchinson->probes, "at least 1");
  for (std::size_t k = 0; k < hutchinson->probes; ++k) {
    Eigen::ArrayXXd z(n, d);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < d; ++j) {
        const random::DrawAddress address{seed, random::Purpose::probe, first_path + static_cast<std::uint64_t>(i), k,
                                          static_cast<std::uint64_t>(j)};
        z(i, j) = probe_entry(hutchinson->kind, address);
      }
    }
    probes.push_back(std::move(z));
  }
  return probes;
}

/// The paths of the batch still being integrated (rows ascending) and their augmented states.
struct Active {
  Rows rows;
  State y;     // rows × width, column-major
  State dydt;  // rows × width at the same time (the adaptive methods' first-same-as-last stage)
};

/// Per-path error norms of a Dormand–Prince step (batch_integrate.hpp); +inf where the new state
/// or the error estimate is not finite. One pass, no temporaries: the step's arrays exceed
/// glibc's mmap threshold with Hutchinson's components, and fresh ones per step were a sixth of
/// a K = 10 log-likelihood solve in page faults. Branch-free per entry (a non-finite entry turns
/// its ratio into +inf, which the max keeps), so that the loop over a column vectorises.
Eigen::ArrayXd error_norms(const State& y, const State& dydt, const State& y_new, const State& err, double h,
                           Eigen::Index width, double absolute, double relative) {
  constexpr double infinity = std::numeric_limits<double>::infinity(), largest = std::numeric_limits<double>::max();
  const Eigen::Index n = static_cast<Eigen::Index>(y.size()) / width;
  Eigen::ArrayXd norms = Eigen::ArrayXd::Zero(n);
  double* norm = norms.data();
  for (Eigen::Index c = 0; c < width; ++c) {
    const std::size_t column = static_cast<std::size_t>(c * n);
    const double *yc = y.data() + column, *fc = dydt.data() + column, *new_c = y_new.data() + column,
                 *ec = err.data() + column;
    for (Eigen::Index r = 0; r < n; ++r) {
      const double scale = absolute + relative * (std::abs(yc[r]) + std::abs(h) * std::abs(fc[r]));
      const double error = std::abs(ec[r]);
      const double ratio = error == 0.0 ? 0.0 : error / scale;
      // ±inf and NaN (which compares false) fail the tests.
      const bool finite = ratio <= largest && std::abs(new_c[r]) <= largest;
      const double value = finite ? ratio : infinity;
      norm[r] = norm[r] < value ? value : norm[r];
    }
  }
  return norms;
}

/// How much larger than the typical (lower median) error a path's error may be before the path is
/// an outlier that leaves its batch when it fails a step: 32, i.e. steps 32^{1/5} = 2 times shorter.
constexpr double outlier_ratio = 32.0;

class BatchIntegrator {
 public:
  BatchIntegrator(const Flow& flow, const Eigen::ArrayXXd& x0, const Method& method,
                  const std::optional<DivergenceMethod>& log_density, std::uint64_t seed, std::uint64_t first_path)
      : method_(method),
        system_(flow, log_density, draw_probes(log_density, x0.rows(), x0.cols(), seed, first_path), result_.evaluations),
        n_(x0.rows()), d_(x0.cols()), width_(system_.width()), steps_(Eigen::Array<std::uint64_t, Eigen::Dynamic, 1>::Zero(n_)) {
    hutchinson_ = log_density && std::holds_alternative<Hutchinson>(*log_density);
    if (log_density && std::holds_alternative<ExactDivergence>(*log_density)) {
      require(flow.has_divergence() || flow.has_jacobian(), where, "options.log_density", std::string_view("ExactDivergence"),
              "a flow with a divergence or a Jacobian");
    }
    active_.rows.resize(static_cast<std::size_t>(n_));
    for (Eigen::Index r = 0; r < n_; ++r) active_.rows[static_cast<std::size_t>(r)] = r;
    active_.y.assign(static_cast<std::size_t>(n_ * width_), 0.0);
    Matrix(active_.y.data(), n_, width_).leftCols(d_) = x0;
  }

  BatchTrajectories run(double t0, double t1, const std::vector<double>& observe_times) {
    result_.observed.assign(observe_times.size(), Eigen::ArrayXXd::Constant(n_, d_, nan));
    drop_non_finite(t0, "non-finite initial state");
    if (const auto* euler = std::get_if<Euler>(&method_)) {
      run_fixed(EulerStepper(), "Euler", euler->dt, t0, t1, observe_times);
    } else if (const auto* heun = std::get_if<Heun>(&method_)) {
      run_fixed(heun_stepper<odeint::always_resizer>(), "Heun", heun->dt, t0, t1, observe_times);
    } else if (const auto* rk4 = std::get_if<Rk4>(&method_)) {
      run_fixed(Rk4Stepper(), "Rk4", rk4->dt, t0, t1, observe_times);
    } else if (const auto* dopri = std::get_if<DormandPrince>(&method_)) {
      run_adaptive(dopri->absolute_tolerance, dopri->relative_tolerance, dopri->max_steps, t0, t1, observe_times);
    } else {
      const auto& dense = std::get<DenseDormandPrince>(method_);
      run_adaptive(dense.absolute_tolerance, dense.relative_tolerance, dense.max_steps, t0, t1, observe_times);
    }
    finish();
    return std::move(result_);
  }

 private:
  // --- fixed steps -------------------------------------------------------------------------------
  template <class Stepper>
  void run_fixed(Stepper stepper, const char* name, double dt, double t0, double t1, const std::vector<double>& times) {
    const std::uint64_t n = ensemble::step_count(t0, t1, dt);
    const double h = (t1 - t0) / static_cast<double>(n);
    std::vector<std::uint64_t> stop_steps;
    for (double time : times) {
      const double position = (time - t0) / h;
      require(std::abs(position - std::round(position)) <= 1e-9, where, "observation time", time,
              std::string("times on the ") + name + " grid t0 + k dt");
      stop_steps.push_back(static_cast<std::uint64_t>(std::llround(position)));
    }
    std::size_t next = 0;
    for (; next < stop_steps.size() && stop_steps[next] == 0; ++next) record(next);
    BatchSystem system = system_.restricted_to(active_.rows);
    for (std::uint64_t k = 0; k < n && !active_.rows.empty(); ++k) {
      const double t = t0 + h * static_cast<double>(k);
      stepper.do_step(std::cref(system), active_.y, t, h);
      for (Eigen::Index row : active_.rows) ++steps_(row);
      if (drop_non_finite(t, "the trajectory or its log-density became non-finite")) system = system_.restricted_to(active_.rows);
      for (; next < stop_steps.size() && stop_steps[next] == k + 1; ++next) record(next);
    }
  }

  /// Removes the paths whose state is not finite (failed after the step from t); true if any.
  bool drop_non_finite(double t, const std::string& message) {
    const ConstMatrix y(active_.y.data(), static_cast<Eigen::Index>(active_.rows.size()), width_);
    if (all_finite(active_.y)) return false;
    Rows keep;
    std::vector<Eigen::Index> kept_positions;
    for (std::size_t i = 0; i < active_.rows.size(); ++i) {
      if (y.row(static_cast<Eigen::Index>(i)).isFinite().all()) {
        keep.push_back(active_.rows[i]);
        kept_positions.push_back(static_cast<Eigen::Index>(i));
      } else {
        fail(active_.rows[i], t, StatusCode::non_finite, message, y.row(static_cast<Eigen::Index>(i)).head(d_));
      }
    }
    if (keep.size() == active_.rows.size()) return false;
    active_.y = gather(active_.y, width_, kept_positions);
    if (!active_.dydt.empty()) active_.dydt = gather(active_.dydt, width_, kept_positions);
    active_.rows = std::move(keep);
    return true;
  }

  // --- Dormand–Prince with per-path control -------------------------------------------------------
  struct Tolerances {
    double absolute, relative;
    std::uint64_t max_steps;
  };

  void run_adaptive(double absolute, double relative, std::uint64_t max_steps, double t0, double t1,
                    const std::vector<double>& times) {
    require(std::isfinite(absolute) && absolute >= 0, where, "absolute_tolerance", absolute, "a finite value >= 0");
    require(std::isfinite(relative) && relative >= 0 && absolute + relative > 0, where, "relative_tolerance", relative,
            "a finite value >= 0, with absolute + relative > 0");
    const Tolerances tolerances{absolute, relative, max_steps};
    active_.dydt.assign(active_.y.size(), 0.0);
    if (active_.rows.empty()) return;
    const BatchSystem system = system_.restricted_to(active_.rows);
    system(active_.y, active_.dydt, t0);
    double h = starting_step(system, active_, t0, t1, tolerances);
    double t = t0;
    for (std::size_t k = 0; k < times.size(); ++k) {
      if (times[k] != t) advance(active_, t, times[k], h, tolerances);
      t = times[k];
      record(k);
    }
    if (t != t1) advance(active_, t, t1, h, tolerances);
  }

  /// The first step of `part`, whose system is `system`, from t0 (step_control.hpp): one more
  /// velocity call, at the Euler probe.
  double starting_step(const BatchSystem& system, const Active& part, double t0, double t1,
                       const Tolerances& tolerances) const {
    const auto n = static_cast<Eigen::Index>(part.rows.size());
    const auto velocity = [&](double t, const Eigen::ArrayXXd& y) {
      const State from(y.data(), y.data() + y.size());
      State to(from.size());
      system(from, to, t);
      return Eigen::ArrayXXd(ConstMatrix(to.data(), n, width_));
    };
    return detail::starting_step(ConstMatrix(part.y.data(), n, width_), ConstMatrix(part.dydt.data(), n, width_), t0, t1,
                                 tolerances.absolute, tolerances.relative, velocity);
  }

  /// Integrates `part` from `from` to `to` (see batch_integrate.hpp), proposing steps from h and
  /// leaving in h the proposal for what follows; failed paths leave `part`.
  void advance(Active& part, double from, double to, double& h, const Tolerances& tolerances, std::size_t depth = 0) {
    BatchSystem system = system_.restricted_to(part.rows);
    StepScratch& scratch = step_scratch(depth);
    State &y_new = scratch.y_new, &dydt_new = scratch.dydt_new, &err = scratch.err;
    std::vector<Active> split_off;  // paths that needed smaller steps, already integrated to `to`
    double t = from;
    std::uint64_t taken = 0;
    while (t != to && !part.rows.empty()) {
      if (taken >= tolerances.max_steps) {
        fail_all(part, t, StatusCode::not_converged,
                 "more than max_steps = " + describe_value(tolerances.max_steps) + " steps between observation times");
        break;
      }
      // The last step of the interval lands on `to` exactly (stretched by up to 1e-8 of h rather
      // than leaving a remnant too short to take).
      const bool last = std::abs(h) * (1.0 + 1e-8) >= std::abs(to - t);
      const double step = last ? to - t : h;
      if (std::abs(step) <= 1e-14 * std::max(1.0, std::abs(t))) {
        fail_all(part, t, StatusCode::not_converged, "the step size underflowed (the error test cannot be met)");
        break;
      }
      y_new.resize(part.y.size());
      dydt_new.resize(part.y.size());
      err.resize(part.y.size());
      scratch.stepper.do_step(std::cref(system), part.y, part.dydt, t, y_new, dydt_new, step, err);
      const Eigen::ArrayXd e = error_norms(part.y, part.dydt, y_new, err, step, width_, tolerances.absolute, tolerances.relative);
      const auto n = static_cast<Eigen::Index>(part.rows.size());
      // Outliers: paths whose error is more than outlier_ratio times the typical (lower median)
      // one; they would need steps more than outlier_ratio^{1/5} = 2 times shorter.
      const double outlier_bound = outlier_ratio * lower_median(e);
      Rows typical, hard_failed;
      double typical_error = 0.0;
      bool typical_failed = false;
      for (Eigen::Index i = 0; i < n; ++i) {
        if (n > 1 && e(i) > outlier_bound) {
          if (e(i) > 1.0) {
            hard_failed.push_back(i);
            continue;
          }
        } else {
          typical_error = e(i) > typical_error ? e(i) : typical_error;
          typical_failed = typical_failed || e(i) > 1.0;
        }
        typical.push_back(i);
      }
      if (typical_failed || typical.empty()) {  // the step is too long for the batch: retry all
        h = step * step_factor(typical.empty() ? e.maxCoeff() : typical_error);
        continue;
      }
      if (!hard_failed.empty()) {
        // Only outliers failed: they leave the batch and go on alone, from t to `to`, with
        // steps of their own; the others take the step.
        Active hard{rows_of(part.rows, hard_failed), gather(part.y, width_, hard_failed),
                    gather(part.dydt, width_, hard_failed)};
        double hard_h = step * step_factor(e(hard_failed).maxCoeff());
        advance(hard, t, to, hard_h, tolerances, depth + 1);
        split_off.push_back(std::move(hard));
        part.rows = rows_of(part.rows, typical);
        keep_rows(y_new, width_, typical);
        keep_rows(dydt_new, width_, typical);
        part.y.swap(y_new);
        part.dydt.swap(dydt_new);
        system.keep(typical);
      } else {
        part.y.swap(y_new);
        part.dydt.swap(dydt_new);
      }
      for (Eigen::Index row : part.rows) ++steps_(row);
      t = last ? to : t + step;
      // The next step suits every typical path (their largest error); an outlier that passed may
      // fail it and leave, instead of holding the batch to its pace.
      if (!last) h = step * step_factor(typical_error);
      ++taken;
    }
    for (const Active& hard : split_off) merge_into(part, hard);
  }

  static Rows rows_of(const Rows& rows, const Rows& positions) {
    Rows out;
    for (Eigen::Index i : positions) out.push_back(rows[static_cast<std::size_t>(i)]);
    return out;
  }

  /// Adds the paths of `b` to those of `a` (both at one time, rows ascending in each), keeping the
  /// rows ascending, in a's buffers: they still have the capacity of the batch `b` split from.
  /// Filled from the last column and row backwards, each entry of a moves to an index no smaller
  /// than its own, past every entry still to be read.
  void merge_into(Active& a, const Active& b) const {
    const std::size_t na = a.rows.size(), nb = b.rows.size(), n = na + nb, width = static_cast<std::size_t>(width_);
    std::vector<std::ptrdiff_t> source(n);  // row i of the union: row source[i] of a if ≥ 0, else row −1 − source[i] of b
    Rows rows(n);
    for (std::size_t i = 0, ia = 0, ib = 0; i < n; ++i) {
      const bool from_a = ib == nb || (ia < na && a.rows[ia] < b.rows[ib]);
      rows[i] = from_a ? a.rows[ia] : b.rows[ib];
      source[i] = from_a ? static_cast<std::ptrdiff_t>(ia++) : -1 - static_cast<std::ptrdiff_t>(ib++);
    }
    const auto fill = [&](State& into, const State& from_b) {
      into.resize(n * width);
      for (std::size_t c = width; c-- > 0;) {
        for (std::size_t i = n; i-- > 0;) {
          into[c * n + i] = source[i] >= 0 ? into[c * na + static_cast<std::size_t>(source[i])]
                                           : from_b[c * nb + static_cast<std::size_t>(-1 - source[i])];
        }
      }
    };
    fill(a.y, b.y);
    fill(a.dydt, b.dydt);
    a.rows = std::move(rows);
  }

  // --- bookkeeping ------------------------------------------------------------------------------------
  void record(std::size_t stop) {
    const ConstMatrix y(active_.y.data(), static_cast<Eigen::Index>(active_.rows.size()), width_);
    result_.observed[stop](active_.rows, Eigen::all) = y.leftCols(d_);
  }

  void fail(Eigen::Index row, double time, StatusCode code, std::string message, const Eigen::ArrayXd& state) {
    result_.failures.push_back({row, time, code, std::move(message), state.matrix()});
  }

  void fail_all(Active& part, double time, StatusCode code, const std::string& message) {
    const ConstMatrix y(part.y.data(), static_cast<Eigen::Index>(part.rows.size()), width_);
    for (std::size_t i = 0; i < part.rows.size(); ++i) {
      fail(part.rows[i], time, code, message, y.row(static_cast<Eigen::Index>(i)).head(d_).transpose());
    }
    part = Active{};
  }

  void finish() {
    const auto n = static_cast<Eigen::Index>(active_.rows.size());
    const ConstMatrix y(active_.y.data(), n, width_);
    result_.terminal = Eigen::ArrayXXd::Constant(n_, d_, nan);
    result_.terminal(active_.rows, Eigen::all) = y.leftCols(d_);
    const Eigen::Index k = system_.log_components();
    if (k > 0) {
      result_.log_density_change = Eigen::ArrayXd::Constant(n_, nan);
      result_.log_density_standard_error = Eigen::ArrayXd::Constant(n_, nan);
      const Eigen::ArrayXXd changes = y.rightCols(k);
      const Eigen::ArrayXd mean = changes.rowwise().mean();
      result_.log_density_change(active_.rows) = mean;
      if (k >= 2) {
        const Eigen::ArrayXd variance = (changes.colwise() - mean).square().rowwise().sum() / static_cast<double>(k - 1);
        result_.log_density_standard_error(active_.rows) = (variance / static_cast<double>(k)).sqrt();
      } else {
        result_.log_density_standard_error(active_.rows) = Eigen::ArrayXd::Constant(n, hutchinson_ ? nan : 0.0);
      }
    }
    std::sort(result_.failures.begin(), result_.failures.end(),
              [](const BatchFailure& a, const BatchFailure& b) { return a.row < b.row; });
    result_.steps = n_ > 0 ? steps_.maxCoeff() : 0;
  }

  const Method& method_;
  BatchTrajectories result_;
  BatchSystem system_;
  Eigen::Index n_, d_, width_;
  Eigen::Array<std::uint64_t, Eigen::Dynamic, 1> steps_;  // accepted steps per path
  Active active_;
  bool hutchinson_ = false;
};

}  // namespace

BatchTrajectories integrate_batch(const Flow& flow, const Eigen::ArrayXXd& x0, double t0, double t1, const Method& method,
                                  const std::optional<DivergenceMethod>& log_density, const std::vector<double>& observe_times,
                                  std::uint64_t seed, std::uint64_t first_path) {
  return BatchIntegrator(flow, x0, method, log_density, seed, first_path).run(t0, t1, observe_times);
}

}  // namespace kolmo::ode::detail
