#include "kolmo/sde/euler_maruyama.hpp"

#include <span>

#include "batch_kernels.hpp"
#include "scheme_support.hpp"

namespace kolmo::sde {
namespace {

class EulerMaruyamaStepper final : public Stepper {
 public:
  using Stepper::Stepper;

  void step(double t, double h, Eigen::ArrayXXd& x, const StepNoise& noise) override {
    Eigen::ArrayXXd next;
    step_into(t, h, x, next, noise);
    x.swap(next);
  }

  void step_into(double t, double h, const Eigen::ArrayXXd& x, Eigen::ArrayXXd& next,
                 const StepNoise& noise) override {
    // Both terms are evaluated at the old state, then added in one pass. Scalar additive and
    // diagonal noise, the common cases, take the vectorised kernels; they compute x + (f h + g dW)
    // entry by entry exactly as the general expression does.
    const Eigen::ArrayXXd f = drift(t, x);
    next.resize(x.rows(), x.cols());
    const std::span<const double> dw = span_of(noise.increments);
    if (sde().noise() == process::NoiseKind::additive) {
      const Eigen::MatrixXd g = diffusion_matrix(t);
      if (g.size() == 1) return detail::euler_step(span_of(x), span_of(f), h, g(0, 0), dw, span_of(next));
      next = x + (f * h + times_increments({}, g, noise.increments));
      return;
    }
    const Eigen::ArrayXXd g = diffusion(t, x);
    if (sde().noise() == process::NoiseKind::diagonal) {
      return detail::euler_step(span_of(x), span_of(f), h, span_of(g), dw, span_of(next));
    }
    next = x + (f * h + times_increments(g, {}, noise.increments));
  }

 private:
  static std::span<double> span_of(Eigen::ArrayXXd& a) { return {a.data(), static_cast<std::size_t>(a.size())}; }
  static std::span<const double> span_of(const Eigen::ArrayXXd& a) {
    return {a.data(), static_cast<std::size_t>(a.size())};
  }
};

}  // namespace

std::unique_ptr<Stepper> EulerMaruyama::make_stepper(const process::Sde& sde) const {
  detail::require_calculus(sde, "EulerMaruyama", process::Calculus::ito);
  return std::make_unique<EulerMaruyamaStepper>(sde);
}

}  // namespace kolmo::sde
