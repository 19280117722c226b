#include "kolmo/score/probability_path.hpp"

#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {

ProbabilityPath::ProbabilityPath(std::string name, TimeFunction a, TimeFunction b, TimeFunction a_derivative,
                                 TimeFunction b_derivative)
    : name_(std::move(name)),
      a_(std::move(a)),
      b_(std::move(b)),
      a_derivative_(std::move(a_derivative)),
      b_derivative_(std::move(b_derivative)) {}

ProbabilityPath ProbabilityPath::optimal_transport(double sigma_min) {
  require(sigma_min >= 0.0 && sigma_min < 1.0, "kolmo::score::ProbabilityPath::optimal_transport", "sigma_min", sigma_min,
          "in [0, 1)");
  const double shrink = 1.0 - sigma_min;
  return {"optimal-transport(sigma_min = " + describe_value(sigma_min) + ")", [](double t) { return t; },
          [shrink](double t) { return 1.0 - shrink * t; }, [](double) { return 1.0; }, [shrink](double) { return -shrink; }};
}

ProbabilityPath ProbabilityPath::linear_interpolant() {
  return {"linear-interpolant", [](double t) { return t; }, [](double t) { return 1.0 - t; }, [](double) { return 1.0; },
          [](double) { return -1.0; }};
}

ProbabilityPath ProbabilityPath::custom(std::string name, TimeFunction a, TimeFunction b, TimeFunction a_derivative,
                                        TimeFunction b_derivative) {
  constexpr const char* where = "kolmo::score::ProbabilityPath::custom";
  require(!name.empty(), where, "name", std::string_view("an empty string"), "a non-empty name");
  require(a && b && a_derivative && b_derivative, where, "a, b, a_derivative, b_derivative",
          std::string_view("an empty function"), "four callables");
  return {std::move(name), std::move(a), std::move(b), std::move(a_derivative), std::move(b_derivative)};
}

}  // namespace kolmo::score
