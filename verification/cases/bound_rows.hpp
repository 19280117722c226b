#pragma once
// verify::BoundComparison from the per-point arrays the likelihood module returns.

#include <Eigen/Core>
#include <string>
#include <utility>
#include <vector>

#include "kolmo/verify/bound_comparison.hpp"

namespace kolmo::verification {

inline std::vector<double> to_vector(const Eigen::ArrayXd& a) { return {a.data(), a.data() + a.size()}; }

/// `label` claims bound ≤ reference (below) or = (tight) at each point; `reference_se` empty for an exact reference.
inline verify::BoundComparison compare_bound(std::string label, verify::BoundRelation relation, const Eigen::ArrayXd& bound,
                                             const Eigen::ArrayXd& standard_error, const Eigen::ArrayXd& reference,
                                             const Eigen::ArrayXd& reference_se = {}) {
  return {std::move(label), relation, to_vector(bound), to_vector(standard_error), to_vector(reference), to_vector(reference_se), {}};
}

}  // namespace kolmo::verification
