#pragma once
// Test helper: a Gaussian data law N(m, diag(s0²)) under a noise schedule, where everything a
// sampler needs is written out by hand (not taken from the library). Per component,
//
//   p_t = N(α_t m, std_t²),   std_t² = α_t² s0² + σ_t²,   score s = −(x − α_t m)/std_t²,
//
// and the exact score is linear, so the probability-flow ODE dx/dt = f x − ½ g² s maps
// x_s to x_t in closed form (each component's standardised value (x − α m)/std is constant
// along the flow):
//
//   x_t = (std_t/std_s) (x_s − α_s m) + α_t m.

#include <Eigen/Core>
#include <cmath>

#include "kolmo/process/noise_schedule.hpp"
#include "kolmo/score/score_model.hpp"
#include "kolmo/ensemble/initial_law.hpp"

namespace kolmo::test_support {

struct SingleGaussian {
  process::NoiseSchedule schedule;
  Eigen::RowVectorXd mean;
  Eigen::RowVectorXd sd;

  [[nodiscard]] Eigen::RowVectorXd std_at(double t) const {
    const double alpha = schedule.alpha(t), sigma = schedule.sigma(t);
    return ((alpha * sd.array()).square() + sigma * sigma).sqrt().matrix();
  }

  [[nodiscard]] score::ScoreModel score() const {
    const SingleGaussian law = *this;
    return score::ScoreModel("single-gaussian", static_cast<std::size_t>(mean.size()),
                             [law](double t, const process::StateView& x) -> Eigen::ArrayXXd {
                               const Eigen::RowVectorXd centre = law.schedule.alpha(t) * law.mean;
                               const Eigen::RowVectorXd variance = law.std_at(t).array().square().matrix();
                               return -((x.matrix().rowwise() - centre).array().rowwise() / variance.array());
                             })
        .with_divergence([law](double t, const process::StateView& x) -> Eigen::ArrayXXd {
          return Eigen::ArrayXXd::Constant(x.rows(), 1, -(1.0 / law.std_at(t).array().square()).sum());
        });
  }

  /// The probability-flow map x_s → x_t (rows).
  [[nodiscard]] Eigen::ArrayXXd flow_map(double s, double t, const Eigen::ArrayXXd& x_s) const {
    const Eigen::RowVectorXd ratio = (std_at(t).array() / std_at(s).array()).matrix();
    const Eigen::ArrayXXd standardised = x_s.matrix().rowwise() - schedule.alpha(s) * mean;
    return (standardised.rowwise() * ratio.array()).matrix().rowwise() + schedule.alpha(t) * mean;
  }

  /// p_t as an initial law.
  [[nodiscard]] ensemble::InitialLaw marginal(double t) const {
    const Eigen::VectorXd variance = std_at(t).array().square().matrix().transpose();
    return ensemble::InitialLaw::gaussian((schedule.alpha(t) * mean).transpose(), variance.asDiagonal().toDenseMatrix());
  }
};

}  // namespace kolmo::test_support
