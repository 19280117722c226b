#include "kolmo/ensemble/initial_law.hpp"

#include <utility>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"

namespace kolmo::ensemble {

InitialLaw::InitialLaw(std::size_t dimension, std::size_t fixed_paths, Sampler sampler)
    : dimension_(dimension), fixed_paths_(fixed_paths), sampler_(std::move(sampler)) {}

InitialLaw InitialLaw::from(distribution::Law law) {
  const std::size_t dimension = law.dimension();
  return InitialLaw(dimension, 0,
                    [law = std::move(law)](std::uint64_t seed, std::uint64_t first, std::size_t count) -> Eigen::ArrayXXd {
                      return law.sample(seed, first, count);
                    });
}

InitialLaw InitialLaw::point(const Eigen::VectorXd& x0) { return from(distribution::Law::point(x0)); }

InitialLaw InitialLaw::points(Eigen::ArrayXXd states) {
  constexpr const char* where = "kolmo::ensemble::InitialLaw::points";
  require_at_least(where, "states.rows()", static_cast<std::uint64_t>(states.rows()), 1);
  require_at_least(where, "states.cols()", static_cast<std::uint64_t>(states.cols()), 1);
  require_all_finite(where, "states", states);
  const auto rows = static_cast<std::size_t>(states.rows());
  const auto cols = static_cast<std::size_t>(states.cols());
  return InitialLaw(cols, rows,
                    [states = std::move(states)](std::uint64_t, std::uint64_t first, std::size_t count)
                        -> Eigen::ArrayXXd {
                      return states.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count));
                    });
}

InitialLaw InitialLaw::gaussian(const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance) {
  return from(distribution::Law::gaussian(mean, covariance));
}

InitialLaw InitialLaw::custom(std::size_t dimension, Sampler sampler) {
  constexpr const char* where = "kolmo::ensemble::InitialLaw::custom";
  require_at_least(where, "dimension", dimension, 1);
  require(static_cast<bool>(sampler), where, "sampler", std::string_view("an empty function"), "a callable");
  return InitialLaw(dimension, 0, std::move(sampler));
}

Eigen::ArrayXXd InitialLaw::sample(std::uint64_t seed, std::uint64_t first_path, std::size_t count) const {
  constexpr const char* where = "kolmo::ensemble::InitialLaw::sample";
  if (fixed_paths_ > 0) {
    require(first_path + count <= fixed_paths_, where, "first_path + count", first_path + count,
            "at most the number of given points, " + describe_value(fixed_paths_));
  }
  Eigen::ArrayXXd states = sampler_(seed, first_path, count);
  require(states.rows() == static_cast<Eigen::Index>(count) && states.cols() == static_cast<Eigen::Index>(dimension_),
          where, "sampler result", describe_value(states.rows()) + "x" + describe_value(states.cols()),
          "an array of shape " + describe_value(count) + "x" + describe_value(dimension_));
  return states;
}

}  // namespace kolmo::ensemble
