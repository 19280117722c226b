#include "kolmo/score/mixture_score.hpp"

#include <memory>
#include <string>
#include <utility>

namespace kolmo::score {

ScoreModel mixture_score(distribution::DiffusedMixture diffused) {
  // One copy shared by the score and its divergence (and by every copy of the model).
  auto law = std::make_shared<const distribution::DiffusedMixture>(std::move(diffused));
  const std::string name = "mixture-score(" + std::to_string(law->data().components()) + " components, " +
                           std::to_string(law->dimension()) + "-D, " + law->schedule().name() + ")";
  return ScoreModel(name, law->dimension(),
                    [law](double t, const process::StateView& x) -> Eigen::ArrayXXd { return law->score(t, x); })
      .with_divergence(
          [law](double t, const process::StateView& x) -> Eigen::ArrayXXd { return law->score_divergence(t, x); })
      .with_stacked_jacobian_vector_product(
          [law](double t, const process::StateView& x, const process::StateView& v) -> Eigen::ArrayXXd {
            return law->score_jacobian_product(t, x, v);
          })
      .with_jacobian_quadratic_forms(
          [law](double t, const process::StateView& x, const process::StateView& z) -> Eigen::ArrayXXd {
            return law->score_jacobian_quadratic_forms(t, x, z);
          });
}

}  // namespace kolmo::score
