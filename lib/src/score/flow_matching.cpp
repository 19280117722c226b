#include "kolmo/score/flow_matching.hpp"

#include <Eigen/Cholesky>
#include <memory>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {

ScoreModel marginal_velocity(distribution::GaussianMixture data, ProbabilityPath path) {
  auto law = std::make_shared<const distribution::GaussianMixture>(std::move(data));
  auto shared_path = std::make_shared<const ProbabilityPath>(std::move(path));
  const std::string name = "marginal-velocity(" + std::to_string(law->components()) + " components, " +
                           std::to_string(law->dimension()) + "-D, " + shared_path->name() + ")";
  return ScoreModel(name, law->dimension(), [law, shared_path](double t, const process::StateView& x) -> Eigen::ArrayXXd {
    require_closed_interval("kolmo::score::marginal_velocity", "t", t, 0.0, 1.0);
    const double a = shared_path->a(t), b = shared_path->b(t);
    const double da = shared_path->a_derivative(t), db = shared_path->b_derivative(t);
    if (b == 0.0) return da * x;
    const auto d = static_cast<Eigen::Index>(law->dimension());
    // r_k under p_t = Σ w_k N(a m_k, a² S_k + b² I).
    const Eigen::ArrayXXd r = law->noised(a, b).responsibilities(x);
    Eigen::ArrayXXd velocity = Eigen::ArrayXXd::Zero(x.rows(), d);
    for (std::size_t k = 0; k < law->components(); ++k) {
      const Eigen::MatrixXd& s = law->covariances()[k];
      const Eigen::VectorXd& m = law->means()[k];
      const Eigen::MatrixXd c = a * a * s + b * b * Eigen::MatrixXd::Identity(d, d);
      const Eigen::MatrixXd gain = a * s * c.llt().solve(Eigen::MatrixXd::Identity(d, d));  // a S C⁻¹
      // E_k per row: m + gain (x − a m), written (x − a m) gainᵀ for the row layout.
      Eigen::MatrixXd centred = x.matrix();
      centred.rowwise() -= (a * m).transpose();
      Eigen::ArrayXXd expected = (centred * gain.transpose()).array();
      expected.rowwise() += m.transpose().array();
      const Eigen::ArrayXXd u = da * expected + db * (x - a * expected) / b;
      velocity += u.colwise() * r.col(static_cast<Eigen::Index>(k));
    }
    return velocity;
  });
}

}  // namespace kolmo::score
