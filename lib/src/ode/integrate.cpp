#include "kolmo/ode/integrate.hpp"
#include "kolmo/ode/probe.hpp"

#include <algorithm>
#include <boost/numeric/odeint/integrate/integrate_times.hpp>
#include <boost/numeric/odeint/integrate/max_step_checker.hpp>
#include <boost/numeric/odeint/stepper/euler.hpp>
#include <boost/numeric/odeint/stepper/generation.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "kolmo/core/error.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "kolmo/ensemble/time_grid.hpp"
#include "kolmo/core/rosenbrock.hpp"
#include "heun_stepper.hpp"

namespace kolmo::ode {
namespace {

namespace odeint = boost::numeric::odeint;
using State = std::vector<double>;
constexpr const char* where = "kolmo::ode::integrate";

/// The flow with its log-density components: y = (x, ℓ_1, ..., ℓ_K), dℓ_k/dt = −div_k.
class AugmentedFlow {
 public:
  AugmentedFlow(const Flow& flow, const std::optional<DivergenceMethod>& method, const IntegrateOptions& options)
      : flow_(flow), method_(method), d_(static_cast<Eigen::Index>(flow.dimension())) {
    if (!method_) return;
    if (std::holds_alternative<ExactDivergence>(*method_)) {
      require(flow.has_divergence() || flow.has_jacobian(), where, "options.log_density",
              std::string_view("ExactDivergence"), "a flow with a divergence or a Jacobian");
    }
    if (const auto* hutchinson = std::get_if<Hutchinson>(&*method_)) draw_probes(*hutchinson, options);
  }

  [[nodiscard]] std::size_t log_components() const {
    if (!method_) return 0;
    return probes_.rows() > 0 ? static_cast<std::size_t>(probes_.rows()) : 1;
  }
  [[nodiscard]] std::uint64_t evaluations() const { return evaluations_; }
  [[nodiscard]] double last_finite_time() const { return last_finite_time_; }

  void operator()(const State& y, State& dydt, double t) {
    const Eigen::Map<const Eigen::ArrayXXd> x(y.data(), 1, d_);
    if (!x.allFinite()) {  // let the stepper see NaN; the status is set from the final state
      std::fill(dydt.begin(), dydt.end(), std::numeric_limits<double>::quiet_NaN());
      return;
    }
    last_finite_time_ = t;
    const Eigen::ArrayXXd v = velocity(t, x);
    std::copy(v.data(), v.data() + d_, dydt.begin());
    if (!method_) return;
    const Eigen::ArrayXd divergences = divergence(t, x);
    for (Eigen::Index k = 0; k < divergences.size(); ++k) dydt[static_cast<std::size_t>(d_ + k)] = -divergences(k);
  }

  /// ∂v/∂x and ∂v/∂t for Rosenbrock (which runs without log-density components). Rosenbrock
  /// methods need the exact Jacobian for their order; ∂v/∂t is a central difference in t
  /// (step ∛u (1 + |t|), error O(step²)).
  void jacobian(const State& y, State& jacobian_row_major, State& dfdt, double t) {
    const Eigen::Map<const Eigen::VectorXd> x(y.data(), d_);
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(jacobian_row_major.data(), d_, d_) =
        flow_.jacobian(t, x);
    const double step = 6e-6 * (1.0 + std::abs(t));
    const Eigen::ArrayXXd row = x.transpose().array();
    const Eigen::ArrayXXd derivative = (velocity(t + step, row) - velocity(t - step, row)) / (2.0 * step);
    std::copy(derivative.data(), derivative.data() + d_, dfdt.begin());
  }

 private:
  Eigen::ArrayXXd velocity(double t, const process::StateView& x) {
    evaluations_ += static_cast<std::uint64_t>(x.rows());
    return flow_.velocity(t, x);
  }

  void draw_probes(const Hutchinson& method, const IntegrateOptions& options) {
    require(method.probes >= 1, where, "Hutchinson.probes", method.probes, "at least 1");
    probes_.resize(static_cast<Eigen::Index>(method.probes), d_);
    for (Eigen::Index k = 0; k < probes_.rows(); ++k) {
      for (Eigen::Index i = 0; i < d_; ++i) {
        const random::DrawAddress address{options.seed, random::Purpose::probe, options.path,
                                          static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(i)};
        probes_(k, i) = probe_entry(method.kind, address);
      }
    }
    epsilon_ = method.epsilon;
  }

  Eigen::ArrayXd divergence(double t, const process::StateView& x) {
    if (std::holds_alternative<ExactDivergence>(*method_)) {
      if (flow_.has_divergence()) return flow_.divergence(t, x).col(0);
      return Eigen::ArrayXd::Constant(1, flow_.jacobian(t, x.row(0).transpose().matrix()).trace());
    }
    if (const auto* fd = std::get_if<FiniteDifference>(&*method_)) return finite_difference(t, x, fd->epsilon);
    return hutchinson(t, x);
  }

  // Σ_i [v_i(x + ε_i e_i) − v_i(x − ε_i e_i)] / 2ε_i, all 2d shifted states in one batch.
  Eigen::ArrayXd finite_difference(double t, const process::StateView& x, double epsilon) {
    Eigen::ArrayXXd shifted = process::repeated_rows(x, 2 * d_);
    Eigen::ArrayXd steps(d_);
    for (Eigen::Index i = 0; i < d_; ++i) {
      steps(i) = epsilon * (1.0 + std::abs(x(0, i)));
      shifted(2 * i, i) += steps(i);
      shifted(2 * i + 1, i) -= steps(i);
    }
    const Eigen::ArrayXXd v = velocity(t, shifted);
    double sum = 0.0;
    for (Eigen::Index i = 0; i < d_; ++i) sum += (v(2 * i, i) - v(2 * i + 1, i)) / (2.0 * steps(i));
    return Eigen::ArrayXd::Constant(1, sum);
  }

  // z_kᵀ J z_k per probe: the flow's quadratic forms if it has them (fused, or its Jacobian–vector
  // product; the K probes are K directions of the one point), else with the Jacobian, else
  // z_kᵀ [v(x + δ z_k) − v(x − δ z_k)] / 2δ — the order the batched ensembles follow.
  Eigen::ArrayXd hutchinson(double t, const process::StateView& x) {
    const Eigen::Index probes = probes_.rows();
    if (flow_.has_jacobian_quadratic_forms()) return flow_.jacobian_quadratic_forms(t, x, probes_).row(0).transpose();
    if (flow_.has_jacobian()) {
      const Eigen::MatrixXd j = flow_.jacobian(t, x.row(0).transpose().matrix());
      return ((probes_.matrix() * j.transpose()).array() * probes_).rowwise().sum();
    }
    const double delta = epsilon_ * (1.0 + x.abs().maxCoeff());
    Eigen::ArrayXXd shifted(2 * probes, d_);
    for (Eigen::Index k = 0; k < probes; ++k) {
      shifted.row(2 * k) = x.row(0) + delta * probes_.row(k);
      shifted.row(2 * k + 1) = x.row(0) - delta * probes_.row(k);
    }
    const Eigen::ArrayXXd v = velocity(t, shifted);
    Eigen::ArrayXd estimates(probes);
    for (Eigen::Index k = 0; k < probes; ++k) {
      estimates(k) = ((v.row(2 * k) - v.row(2 * k + 1)) * probes_.row(k)).sum() / (2.0 * delta);
    }
    return estimates;
  }

  const Flow& flow_;
  const std::optional<DivergenceMethod>& method_;
  Eigen::Index d_;
  Eigen::ArrayXXd probes_;  // K × d, fixed for the whole trajectory
  double epsilon_ = 0.0;
  std::uint64_t evaluations_ = 0;
  double last_finite_time_ = std::numeric_limits<double>::quiet_NaN();
};

/// The times to stop at, in the integration direction: t0, the observation times, t1.
std::vector<double> stop_times(double t0, double t1, const std::vector<double>& observe) {
  std::vector<double> times = {t0};
  for (std::size_t k = 0; k < observe.size(); ++k) {
    const double lo = std::min(t0, t1), hi = std::max(t0, t1);
    require(std::isfinite(observe[k]) && observe[k] >= lo && observe[k] <= hi, where,
            "options.observe_times[" + std::to_string(k) + "]", observe[k],
            "a time in [" + describe_value(lo) + ", " + describe_value(hi) + "]");
    times.push_back(observe[k]);
  }
  times.push_back(t1);
  const bool forward = t1 > t0;
  std::stable_sort(times.begin() + 1, times.end() - 1, [forward](double a, double b) { return forward ? a < b : a > b; });
  return times;
}

/// Records the state (without log-density components) at every stop time but the first.
struct Recorder {
  std::vector<Eigen::VectorXd>* states;
  Eigen::Index d;
  mutable bool first = true;
  void operator()(const State& y, double) const {
    if (first) {
      first = false;
      return;
    }
    states->push_back(Eigen::Map<const Eigen::VectorXd>(y.data(), d));
  }
};

/// Fixed steps of `stepper` from t0 to t1 (dt dividing the interval), recording the state at
/// every stop time, which must lie on the grid t0 + k dt.
template <class Stepper>
std::uint64_t run_fixed_step(Stepper stepper, const char* method, AugmentedFlow& system, State& y, double t0,
                             double t1, double dt, const std::vector<double>& times,
                             std::vector<Eigen::VectorXd>& stops, Eigen::Index d) {
  const std::uint64_t n = ensemble::step_count(t0, t1, dt);
  const double h = (t1 - t0) / static_cast<double>(n);
  std::vector<std::uint64_t> stop_steps;
  for (std::size_t k = 1; k < times.size(); ++k) {
    const double position = (times[k] - t0) / h;
    require(std::abs(position - std::round(position)) <= 1e-9, where, "options.observe_times", times[k],
            std::string("times on the ") + method + " grid t0 + k dt");
    stop_steps.push_back(static_cast<std::uint64_t>(std::llround(position)));
  }
  std::size_t next = 0;
  while (next < stop_steps.size() && stop_steps[next] == 0) {  // observations at t0 itself
    stops.push_back(Eigen::Map<const Eigen::VectorXd>(y.data(), d));
    ++next;
  }
  for (std::uint64_t k = 0; k < n; ++k) {
    stepper.do_step(std::ref(system), y, t0 + h * static_cast<double>(k), h);
    while (next < stop_steps.size() && stop_steps[next] == k + 1) {
      stops.push_back(Eigen::Map<const Eigen::VectorXd>(y.data(), d));
      ++next;
    }
  }
  return n;
}

int step_limit(std::uint64_t max_steps) {
  return static_cast<int>(std::min<std::uint64_t>(max_steps, std::numeric_limits<int>::max()));
}

template <class Stepper>
std::uint64_t run_adaptive(Stepper stepper, AugmentedFlow& system, State& y, const std::vector<double>& times,
                           std::uint64_t max_steps, std::vector<Eigen::VectorXd>& stops, Eigen::Index d) {
  const double first_step = (times.back() - times.front()) * 1e-3;
  return odeint::integrate_times(stepper, std::ref(system), y, times.begin(), times.end(), first_step,
                                 Recorder{&stops, d}, odeint::max_step_checker(step_limit(max_steps)));
}

std::uint64_t run_rosenbrock(const Rosenbrock& method, AugmentedFlow& system, State& y,
                             const std::vector<double>& times, std::vector<Eigen::VectorXd>& stops, Eigen::Index d) {
  bool first = true;
  return kolmo::rosenbrock_integrate(
      [&system](const State& x, State& dxdt, double t) { system(x, dxdt, t); },
      [&system](const State& x, State& jacobian, State& dfdt, double t) { system.jacobian(x, jacobian, dfdt, t); }, y,
      times, method.absolute_tolerance, method.relative_tolerance, step_limit(method.max_steps),
      [&stops, &first, d](const State& x, double) {
        if (first) {
          first = false;
          return;
        }
        stops.push_back(Eigen::Map<const Eigen::VectorXd>(x.data(), d));
      });
}

void require_tolerances(double absolute, double relative) {
  require(std::isfinite(absolute) && absolute >= 0, where, "absolute_tolerance", absolute, "a finite value >= 0");
  require(std::isfinite(relative) && relative >= 0 && absolute + relative > 0, where, "relative_tolerance", relative,
          "a finite value >= 0, with absolute + relative > 0");
}

}  // namespace

TrajectorySolution integrate(const Flow& flow, const Eigen::VectorXd& x0, double t0, double t1, const Method& method,
                     const IntegrateOptions& options) {
  require(x0.size() == static_cast<Eigen::Index>(flow.dimension()), where, "x0.size()", x0.size(),
          "the flow's dimension " + describe_value(flow.dimension()));
  for (Eigen::Index i = 0; i < x0.size(); ++i) {
    require_finite(where, "x0[" + std::to_string(i) + "]", x0(i));
  }
  require_finite(where, "t0", t0);
  require_finite(where, "t1", t1);
  require(t1 != t0, where, "t1", t1, "t1 != t0 = " + describe_value(t0));
  if (std::holds_alternative<Rosenbrock>(method)) {
    require(flow.has_jacobian(), where, "method", std::string_view("Rosenbrock"), "a flow with a Jacobian");
    require(!options.log_density.has_value(), where, "options.log_density", std::string_view("set"),
            "no log-density with Rosenbrock (its Jacobian would omit the divergence's derivative)");
  }

  const Eigen::Index d = x0.size();
  AugmentedFlow system(flow, options.log_density, options);
  State y(static_cast<std::size_t>(d) + system.log_components(), 0.0);
  std::copy(x0.data(), x0.data() + d, y.begin());
  const std::vector<double> times = stop_times(t0, t1, options.observe_times);

  TrajectorySolution result;
  std::vector<Eigen::VectorXd> stops;
  try {
    if (const auto* euler = std::get_if<Euler>(&method)) {
      result.steps = run_fixed_step(odeint::euler<State>(), "Euler", system, y, t0, t1, euler->dt, times, stops, d);
    } else if (const auto* heun = std::get_if<Heun>(&method)) {
      result.steps = run_fixed_step(detail::heun_stepper(), "Heun", system, y, t0, t1, heun->dt, times, stops, d);
    } else if (const auto* rk4 = std::get_if<Rk4>(&method)) {
      result.steps = run_fixed_step(odeint::runge_kutta4<State>(), "Rk4", system, y, t0, t1, rk4->dt, times, stops, d);
    } else if (const auto* dopri = std::get_if<DormandPrince>(&method)) {
      require_tolerances(dopri->absolute_tolerance, dopri->relative_tolerance);
      result.steps = run_adaptive(odeint::make_controlled<odeint::runge_kutta_dopri5<State>>(
                                      dopri->absolute_tolerance, dopri->relative_tolerance),
                                  system, y, times, dopri->max_steps, stops, d);
    } else if (const auto* dense = std::get_if<DenseDormandPrince>(&method)) {
      require_tolerances(dense->absolute_tolerance, dense->relative_tolerance);
      result.steps = run_adaptive(odeint::make_dense_output<odeint::runge_kutta_dopri5<State>>(
                                      dense->absolute_tolerance, dense->relative_tolerance),
                                  system, y, times, dense->max_steps, stops, d);
    } else {
      const auto& rosenbrock = std::get<Rosenbrock>(method);
      require_tolerances(rosenbrock.absolute_tolerance, rosenbrock.relative_tolerance);
      result.steps = run_rosenbrock(rosenbrock, system, y, times, stops, d);
    }
  } catch (const Error&) {
    throw;  // misuse stays an exception
  } catch (const std::runtime_error& error) {  // Odeint's errors: step size underflow, too many steps
    result.status = Status::failure(StatusCode::not_converged, "t = " + describe_value(system.last_finite_time()),
                                    std::string("Odeint stopped: ") + error.what());
  }

  result.state = Eigen::Map<const Eigen::VectorXd>(y.data(), d);
  // Stops are the observation times, then t1; a failed run stops early and keeps what it reached.
  stops.resize(std::min(stops.size(), times.size() - 1));
  if (stops.size() == times.size() - 1) stops.pop_back();
  result.observed = std::move(stops);
  result.velocity_evaluations = system.evaluations();
  if (result.status.ok() && !std::all_of(y.begin(), y.end(), [](double v) { return std::isfinite(v); })) {
    result.status = Status::failure(StatusCode::non_finite, "after t = " + describe_value(system.last_finite_time()),
                                    "the trajectory or its log-density became non-finite");
  }

  if (!result.status.ok()) result.failure_time = system.last_finite_time();
  const std::size_t k = system.log_components();
  if (k > 0) {
    const Eigen::Map<const Eigen::ArrayXd> changes(y.data() + d, static_cast<Eigen::Index>(k));
    result.log_density_change = changes.mean();
    result.log_density_standard_error =
        k >= 2 ? std::sqrt((changes - changes.mean()).square().sum() / static_cast<double>(k - 1) / static_cast<double>(k))
               : (std::holds_alternative<Hutchinson>(*options.log_density) ? std::numeric_limits<double>::quiet_NaN() : 0.0);
  }
  return result;
}

}  // namespace kolmo::ode
