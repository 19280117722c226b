#include "kolmo/core/validate_array.hpp"

#include <cmath>
#include <string>

#include "kolmo/core/validate.hpp"

namespace kolmo {

void require_all_finite(std::string_view where, std::string_view parameter, const Eigen::Ref<const Eigen::ArrayXXd>& values) {
  if (values.allFinite()) return;
  for (Eigen::Index j = 0; j < values.cols(); ++j) {
    for (Eigen::Index i = 0; i < values.rows(); ++i) {
      require(std::isfinite(values(i, j)), where,
              std::string(parameter) + "(" + std::to_string(i) + ", " + std::to_string(j) + ")", values(i, j),
              "a finite number");
    }
  }
}

}  // namespace kolmo
