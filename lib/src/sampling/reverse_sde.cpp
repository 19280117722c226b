#include "kolmo/sampling/reverse_sde.hpp"

#include <cmath>
#include <optional>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo::sampling {
namespace {

void require_matching_score(const ForwardProcess& forward, const score::ScoreModel& score, const char* where) {
  require(score.dimension() == forward.dimension(), where, "score.dimension()", score.dimension(),
          "the forward process's dimension " + describe_value(forward.dimension()));
  // Anderson's reverse drift is the Itô one; a Stratonovich forward SDE has another reversal.
  require(forward.sde().calculus() == process::Calculus::ito, where, "forward.sde().calculus()",
          std::string_view("stratonovich"), "an Itô SDE");
}

/// c when g(t) g(t)ᵀ = c I (to 1e-12 relative), the isotropic noise of every noise schedule.
std::optional<double> isotropic_noise(const process::Sde& sde, double t) {
  const Eigen::MatrixXd g = sde.diffusion_matrix(t);
  const Eigen::MatrixXd ggt = g * g.transpose();
  const double c = ggt.diagonal().mean();
  const double off_isotropy = (ggt - c * Eigen::MatrixXd::Identity(ggt.rows(), ggt.cols())).cwiseAbs().maxCoeff();
  if (off_isotropy <= 1e-12 * std::abs(c)) return c;
  return std::nullopt;
}

/// f − c (∇·(g gᵀ) + g gᵀ s): the drift of the k-family with c = (1 + k²)/2 (c = ½ for the
/// probability-flow ODE, 1 for Anderson's reverse SDE).
process::BatchCoefficient reverse_drift(const ForwardProcess& forward, const score::ScoreModel& score, double c) {
  return [forward, score, c](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    const Eigen::ArrayXXd s = score.score(t, x);
    Eigen::ArrayXXd drift = forward.sde().drift(t, x);
    // Additive noise: g gᵀ does not depend on x, so ∇·(g gᵀ) = 0 and is not formed; when it is
    // c' I (every noise schedule) the drift is updated in place, without a product array: this
    // is the velocity of every probability-flow solve.
    if (forward.sde().noise() == process::NoiseKind::additive) {
      if (const std::optional<double> noise = isotropic_noise(forward.sde(), t)) {
        drift -= (c * *noise) * s;
      } else {
        drift -= c * forward.diffusion_times_transpose_times(t, x, s);
      }
      return drift;
    }
    drift -= c * (forward.diffusion_divergence(t, x) + forward.diffusion_times_transpose_times(t, x, s));
    return drift;
  };
}

/// ∇·v = ∇·f − ½ ∇·(g gᵀ s) for additive noise, where ∇·∇·(g gᵀ) = 0. With g gᵀ = c(t) I this
/// is ∇·f − ½ c ∇·s; for an anisotropic g gᵀ it would need the whole Jacobian of s, which the
/// score interface does not give, so that case is refused (naming the time).
process::BatchCoefficient flow_divergence(const process::Sde& sde, const score::ScoreModel& score) {
  return [sde, score](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    const std::optional<double> c = isotropic_noise(sde, t);
    require(c.has_value(), "kolmo::sampling::probability_flow", "g(t) g(t)ᵀ at t", t,
            "a multiple of the identity for the exact divergence (use FiniteDifference or Hutchinson otherwise)");
    return sde.drift_divergence(t, x) - 0.5 * *c * score.divergence(t, x);
  };
}

/// ∇f z for K directions per path (stacked direction-major): the drift's product takes one
/// direction per row, so it sees x repeated.
Eigen::ArrayXXd drift_products(const process::Sde& sde, double t, const process::StateView& x,
                               const process::StateView& z) {
  const Eigen::Index k_count = process::stacked_directions(x.rows(), z.rows());
  if (k_count <= 1) return sde.drift_jacobian_product(t, x, z);
  return sde.drift_jacobian_product(t, process::repeated_rows(x, k_count), z);
}

/// ∂v/∂x z = ∇f z − ½ g gᵀ ∇s z for additive noise (g gᵀ does not depend on x; anisotropic allowed),
/// for K directions per path (stacked direction-major): the score takes all K in one call.
process::DirectionalCoefficient flow_jacobian_product(const ForwardProcess& forward, const score::ScoreModel& score) {
  return [forward, score](double t, const process::StateView& x, const process::StateView& z) -> Eigen::ArrayXXd {
    const Eigen::ArrayXXd score_product = score.jacobian_vector_product(t, x, z);
    Eigen::ArrayXXd value = drift_products(forward.sde(), t, x, z);
    // g gᵀ is the same for every row (additive noise): any rows serve as its x.
    value -= 0.5 * forward.diffusion_times_transpose_times(t, z, score_product);
    return value;
  };
}

/// Hutchinson's forms zᵀ (∂v/∂x) z = zᵀ ∇f z − ½ zᵀ g gᵀ ∇s z (additive noise). With g gᵀ = c I
/// the score's part is c zᵀ ∇s z, the score's own quadratic forms (fused for a mixture: no
/// K paths × d product is formed); with an anisotropic g gᵀ it is (g gᵀ z) · ∇s z from the
/// score's products.
process::DirectionalCoefficient flow_quadratic_forms(const ForwardProcess& forward, const score::ScoreModel& score) {
  return [forward, score](double t, const process::StateView& x, const process::StateView& z) -> Eigen::ArrayXXd {
    Eigen::ArrayXXd forms = process::stacked_dot_products(drift_products(forward.sde(), t, x, z), z, x.rows());
    if (const std::optional<double> c = isotropic_noise(forward.sde(), t)) {
      forms -= 0.5 * *c * score.jacobian_quadratic_forms(t, x, z);
    } else {
      const Eigen::ArrayXXd noise_z = forward.diffusion_times_transpose_times(t, z, z);
      forms -= 0.5 * process::stacked_dot_products(score.jacobian_vector_product(t, x, z), noise_z, x.rows());
    }
    return forms;
  };
}

}  // namespace

process::Sde reverse_sde(const ForwardProcess& forward, const score::ScoreModel& score, double k) {
  constexpr const char* where = "kolmo::sampling::reverse_sde";
  require_matching_score(forward, score, where);
  require(std::isfinite(k) && k >= 0.0, where, "k", k, "a finite k >= 0");
  const process::Sde& sde = forward.sde();
  const std::string name = "reverse-sde(k=" + describe_value(k) + ")[" + sde.name() + ", " + score.name() + "]";
  const process::BatchCoefficient drift = reverse_drift(forward, score, 0.5 * (1.0 + k * k));
  const std::size_t d = sde.dimension();
  if (sde.noise() == process::NoiseKind::additive) {
    return process::Sde::additive(name, d, sde.noise_dimension(), drift,
                                  [sde, k](double t) -> Eigen::MatrixXd { return k * sde.diffusion_matrix(t); });
  }
  const process::BatchCoefficient diffusion = [sde, k](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    return k * sde.diffusion(t, x);
  };
  if (sde.noise() == process::NoiseKind::general) {
    return process::Sde::general(name, d, sde.noise_dimension(), drift, diffusion);
  }
  process::Sde reverse = process::Sde::diagonal(name, d, drift, diffusion);
  if (sde.has_diffusion_derivative()) {  // ∂(k g_i)/∂x_i, for Milstein on the reverse SDE
    reverse.with_diffusion_derivative([sde, k](double t, const process::StateView& x) -> Eigen::ArrayXXd {
      return k * sde.diffusion_derivative(t, x);
    });
  }
  if (sde.has_diffusion_derivative_product()) {  // (k g_i) ∂(k g_i)/∂x_i = k² g_i ∂g_i/∂x_i
    reverse.with_diffusion_derivative_product([sde, k](double t, const process::StateView& x) -> Eigen::ArrayXXd {
      return k * k * sde.diffusion_derivative_product(t, x);
    });
  }
  if (sde.has_state_space()) reverse.with_state_space(sde.state_lower(), sde.state_upper());
  return reverse;
}

ode::Flow probability_flow(const ForwardProcess& forward, const score::ScoreModel& score) {
  constexpr const char* where = "kolmo::sampling::probability_flow";
  require_matching_score(forward, score, where);
  const process::Sde& sde = forward.sde();
  ode::Flow flow("probability-flow[" + sde.name() + ", " + score.name() + "]", sde.dimension(),
                 reverse_drift(forward, score, 0.5));
  if (sde.noise() == process::NoiseKind::additive && sde.has_drift_divergence() && score.has_divergence()) {
    flow.with_divergence(flow_divergence(sde, score));
  }
  if (sde.noise() == process::NoiseKind::additive && sde.has_drift_jacobian_product() &&
      score.has_jacobian_vector_product()) {
    flow.with_stacked_jacobian_vector_product(flow_jacobian_product(forward, score));
    flow.with_jacobian_quadratic_forms(flow_quadratic_forms(forward, score));
  }
  return flow;
}

}  // namespace kolmo::sampling
