#include "kolmo/pde/etdrk4.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "kolmo/core/validate.hpp"
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

/// One ETDRK4 step after another (Cox & Matthews 2002, eqs. (26)–(29)), in Fourier space.
class Etdrk4Stepper {
 public:
  Etdrk4Stepper(const SpectralFokkerPlanck& equation, double h, bool time_dependent)
      : equation_(equation), h_(h), time_dependent_(time_dependent), weights_(equation.linear_symbol(), h) {}

  /// v ← v(t + h); `t_next` is t + h as the caller's time grid spells it.
  void step(double t, double t_next, Spectrum& v) {
    const ModeWeights& w = weights_;
    const double t_mid = t + 0.5 * h_;
    transport(t, v, nv_);
    a_ = w.e_half * v + w.q * nv_;
    transport(t_mid, a_, na_);
    b_ = w.e_half * v + w.q * na_;
    transport(t_mid, b_, nb_);
    c_ = w.e_half * a_ + w.q * (2.0 * nb_ - nv_);
    transport(t_next, c_, nc_);
    v = w.e * v + w.f1 * nv_ + 2.0 * w.f2 * (na_ + nb_) + w.f3 * nc_;
  }

  std::uint64_t transforms = 0;

 private:
  void transport(double t, const Spectrum& p_hat, Spectrum& n_hat) {
    equation_.transport(drift(t), p_hat, n_hat);
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
  std::array<Slot, 2> slots_;
  std::size_t next_slot_ = 0;
  Spectrum nv_, na_, nb_, nc_, a_, b_, c_;
};

}  // namespace

Etdrk4Weights etdrk4_weights(double z, double h) {
  constexpr const char* where = "kolmo::pde::etdrk4_weights";
  require(std::isfinite(z) && z <= 0.0, where, "z", z, "finite and <= 0 (z = h L̂, L̂ = −κᵀ D κ)");
  require_positive(where, "h", h);
  return contour_weights(z, h);
}

SpectralSolution solve(const SpectralFokkerPlanck& equation, const DensityField& initial, double t1,
                       const Etdrk4& method, const std::vector<double>& snapshot_times) {
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
  Spectrum v = equation.transform(initial.values());
  const auto density_at = [&](std::uint64_t n) {
    ++output_transforms;
    return DensityField::computed(grid, equation.inverse_transform(v), time_at(n));
  };
  for (std::size_t s : due[0]) solution.snapshots[s] = density_at(0);

  Etdrk4Stepper stepper(equation, h, method.time_dependent);
  Spectrum next;
  for (std::uint64_t n = 0; n < steps; ++n) {
    next = v;
    stepper.step(time_at(n), time_at(n + 1), next);
    if (!next.allFinite()) {
      solution.status = Status::failure(StatusCode::non_finite, "t = " + describe_value(time_at(n + 1)),
                                        "the density became non-finite (the step from t = " +
                                            describe_value(time_at(n)) + " kept the last finite state)");
      break;
    }
    v.swap(next);
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
