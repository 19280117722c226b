#include "kolmo/pde/etdrk4.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <string>

#include "kolmo/core/vector_clones.hpp"
#include "kolmo/core/validate.hpp"
#include "spectral_transport.hpp"
#include "time_steps.hpp"

namespace kolmo::pde {
namespace {

using Complex = std::complex<double>;

/// The contour of Kassam & Trefethen (2005, §3): r_j = e^{iθ_j}, θ_j = π (j − ½)/M, j = 1 … M,
/// on the upper half of the unit circle, with e^{r_j} and e^{r_j/2}, so that for w = z + r_j
/// e^w = e^z e^{r_j} costs one real exponential per mode, not one complex one per point.
struct Contour {
  std::array<Complex, etdrk4_contour_points> r, exp_r, exp_half_r;
  Contour() {
    for (int j = 0; j < etdrk4_contour_points; ++j) {
      const double theta = std::numbers::pi * (j + 0.5) / etdrk4_contour_points;
      r[static_cast<std::size_t>(j)] = std::polar(1.0, theta);
      exp_r[static_cast<std::size_t>(j)] = std::exp(r[static_cast<std::size_t>(j)]);
      exp_half_r[static_cast<std::size_t>(j)] = std::exp(0.5 * r[static_cast<std::size_t>(j)]);
    }
  }
};

const Contour& contour() {
  static const Contour points;
  return points;
}

/// The coefficients of the header comment as contour means (no argument checks: z ≤ 0 finite).
Etdrk4Weights contour_weights(double z, double h) {
  const Contour& c = contour();
  const double exp_z = std::exp(z), exp_half_z = std::exp(0.5 * z);
  double q = 0.0, f1 = 0.0, f2 = 0.0, f3 = 0.0;
  for (std::size_t j = 0; j < c.r.size(); ++j) {
    const Complex w = z + c.r[j];
    const Complex e = exp_z * c.exp_r[j];
    // 1/w as w̄/|w|²: real divisions only (a complex one is a libgcc call that handles
    // infinities, ~10x slower, and |w| ≥ 2 sin(π/4M) keeps this one well conditioned).
    const Complex inverse = std::conj(w) / std::norm(w);
    const Complex inverse3 = inverse * inverse * inverse;
    q += ((exp_half_z * c.exp_half_r[j] - 1.0) * inverse).real();              // ½ φ₁(w/2)
    f1 += ((-4.0 - w + e * (4.0 - 3.0 * w + w * w)) * inverse3).real();       // φ₁ − 3φ₂ + 4φ₃
    f2 += ((2.0 + w + e * (w - 2.0)) * inverse3).real();                      // φ₂ − 2φ₃
    f3 += ((-4.0 - 3.0 * w - w * w + e * (4.0 - w)) * inverse3).real();       // −φ₂ + 4φ₃
  }
  const double mean = h / static_cast<double>(c.r.size());
  return {exp_z, exp_half_z, q * mean, f1 * mean, f2 * mean, f3 * mean};
}

/// The ETDRK4 coefficients of every mode, for the symbol L̂ and step h.
struct ModeWeights {
  Eigen::ArrayXd e, e_half, q, f1, f2, f3;
  ModeWeights(const Eigen::ArrayXd& symbol, double h)
      : e(symbol.size()), e_half(symbol.size()), q(symbol.size()), f1(symbol.size()), f2(symbol.size()), f3(symbol.size()) {
    for (Eigen::Index m = 0; m < symbol.size(); ++m) {
      const Etdrk4Weights w = contour_weights(h * symbol(m), h);
      e(m) = w.e;
      e_half(m) = w.e_half;
      q(m) = w.q;
      f1(m) = w.f1;
      f2(m) = w.f2;
      f3(m) = w.f3;
    }
  }
};

/// One ETDRK4 step after another (Cox & Matthews 2002, eqs. (26)–(29)), in Fourier space, on
/// buffers of its own (so concurrent runs on one equation do not wait on each other).
///
/// Each transport N(·) is used in the pass over the modes that produces it and is never stored:
/// that pass forms the next stage's input in the transport's own buffer, and the stages' sums
/// are accumulated as their terms become known —
///   v⁺ = e^z v + f₁ N(v) + 2 f₂ N(a) + 2 f₂ N(b) + f₃ N(c)   built up in `next_`,
///   c  = [e^{z/2} a − Q N(v)] + 2 Q N(b)                    the bracket kept in `c_part_` —
/// the same formulas summed in another order (round-off apart): four passes over the modes a
/// step, and two spectra of state (next_, c_part_) besides v. The passes are compiled per
/// instruction set (core/vector_clones.hpp; the file is built with -ffp-contract=off, so every
/// clone gives the same bits).
class Etdrk4Stepper {
 public:
  Etdrk4Stepper(const SpectralFokkerPlanck& equation, double h, bool time_dependent, Spectrum v)
      : equation_(equation),
        h_(h),
        time_dependent_(time_dependent),
        weights_(equation.linear_symbol(), h),
        transport_(equation.grid()),
        v_(std::move(v)),
        next_(v_.size()),
        c_part_(v_.size()) {
    transport_.input() = v_;
  }

  [[nodiscard]] std::size_t modes() const { return transport_.modes(); }
  /// The spectrum at the time of the last step that kept it finite.
  [[nodiscard]] const Spectrum& state() const { return v_; }

  /// v ← v(t + h) unless that is not finite (then v is kept, and false returned); `t_next` is
  /// t + h as the caller's time grid spells it. Expects transport_.input() = v, and leaves it so.
  KOLMO_VECTOR_CLONES bool step(double t, double t_next) {
    const ModeWeights& w = weights_;
    const double t_mid = t + 0.5 * h_;
    Complex* input = transport_.spectrum(0);
    transport(t);
    transport_.for_each_mode([&](std::size_t m, Complex n_v) {
      const Complex a = w.e_half[m] * v_[m] + w.q[m] * n_v;
      input[m] = a;
      c_part_[m] = w.e_half[m] * a - w.q[m] * n_v;
      next_[m] = w.e[m] * v_[m] + w.f1[m] * n_v;
    });
    transport(t_mid);
    transport_.for_each_mode([&](std::size_t m, Complex n_a) {
      input[m] = w.e_half[m] * v_[m] + w.q[m] * n_a;  // b
      next_[m] += 2.0 * w.f2[m] * n_a;
    });
    transport(t_mid);
    transport_.for_each_mode([&](std::size_t m, Complex n_b) {
      input[m] = c_part_[m] + 2.0 * w.q[m] * n_b;  // c
      next_[m] += 2.0 * w.f2[m] * n_b;
    });
    transport(t_next);
    transport_.for_each_mode([&](std::size_t m, Complex n_c) { input[m] = next_[m] += w.f3[m] * n_c; });
    const std::span<const double> parts(reinterpret_cast<const double*>(next_.data()), 2 * modes());
    if (!kolmo::all_finite(parts)) return false;
    v_.swap(next_);
    return true;
  }

  std::uint64_t transforms = 0;

 private:
  void transport(double t) {
    transport_.evaluate(drift(t));
    transforms += 1 + equation_.grid().dimension();
  }

  /// f at the nodes: once for a time-independent drift; else the last two times kept, which is
  /// what one step asks for (t + h/2 twice, and t + h is the next step's t).
  const Eigen::ArrayXXd& drift(double t) {
    for (const Slot& slot : slots_) {
      if (slot.valid && (slot.time == t || !time_dependent_)) return slot.drift;
    }
    Slot& slot = slots_[next_slot_];
    next_slot_ = 1 - next_slot_;
    slot = {true, t, equation_.drift_at_nodes(t)};
    require(slot.drift.rows() == static_cast<Eigen::Index>(equation_.grid().cells()) &&
                slot.drift.cols() == static_cast<Eigen::Index>(equation_.grid().dimension()),
            detail::solve_name, "drift rows", slot.drift.rows(), "one per node and a column per axis");
    return slot.drift;
  }

  struct Slot {
    bool valid = false;
    double time = 0.0;
    Eigen::ArrayXXd drift;
  };

  const SpectralFokkerPlanck& equation_;
  double h_;
  bool time_dependent_;
  ModeWeights weights_;
  detail::SpectralTransport transport_;
  std::array<Slot, 2> slots_;
  std::size_t next_slot_ = 0;
  Spectrum v_, next_, c_part_;
};

}  // namespace

Etdrk4Weights etdrk4_weights(double z, double h) {
  constexpr const char* where = "kolmo::pde::etdrk4_weights";
  require(std::isfinite(z) && z <= 0.0, where, "z", z, "finite and <= 0 (z = h L̂, L̂ = −κᵀ D κ)");
  require_positive(where, "h", h);
  return contour_weights(z, h);
}

SpectralSolution solve(const GridProblem<SpectralFokkerPlanck>& problem, const Etdrk4& method,
                       const GridOptions& options) {
  const auto& [equation, initial, t1] = problem;
  const std::vector<double>& snapshot_times = options.snapshot_times;
  const auto start = std::chrono::steady_clock::now();
  require(equation.grid() == initial.grid(), detail::solve_name, "initial.grid()", "a different grid",
          "the spectral operator's grid");
  const double t0 = initial.time();
  const std::uint64_t steps = detail::step_count(t0, t1, method.dt);
  const double h = (t1 - t0) / static_cast<double>(steps);
  const auto time_at = [&](std::uint64_t n) { return n >= steps ? t1 : t0 + static_cast<double>(n) * h; };
  const auto due = detail::snapshot_schedule(snapshot_times, t0, t1, h, steps);
  equation.check_diffusion_at(t0);
  equation.check_diffusion_at(t1);

  const Grid& grid = initial.grid();
  SpectralSolution solution{initial, std::vector<DensityField>(snapshot_times.size(), initial), {}, {}};
  std::uint64_t output_transforms = 1;  // the forward transform of the initial density
  const bool time_dependent =
      detail::time_dependent(equation.sde().time_dependence(), method.time_dependent, "the SDE '" + equation.sde().name() + "'");
  Etdrk4Stepper stepper(equation, h, time_dependent, equation.transform(initial.values()));
  const auto density_at = [&](std::uint64_t n) {
    ++output_transforms;
    return DensityField::computed(grid, equation.inverse_transform(stepper.state()), time_at(n));
  };
  for (std::size_t s : due[0]) solution.snapshots[s] = density_at(0);

  for (std::uint64_t n = 0; n < steps; ++n) {
    if (!stepper.step(time_at(n), time_at(n + 1))) {
      solution.status = Status::failure(StatusCode::non_finite, "t = " + describe_value(time_at(n + 1)),
                                        "the density became non-finite (the step from t = " +
                                            describe_value(time_at(n)) + " kept the last finite state)");
      break;
    }
    solution.stats.steps = n + 1;
    for (std::size_t s : due[n + 1]) solution.snapshots[s] = density_at(n + 1);
  }
  solution.density = density_at(solution.stats.steps);
  solution.stats.mass_change = std::abs(solution.density.values().sum() / initial.values().sum() - 1.0);
  solution.stats.transforms = output_transforms + stepper.transforms;
  solution.stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace kolmo::pde
