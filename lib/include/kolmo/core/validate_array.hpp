#pragma once
// The argument check for arrays of states and parameters (core/validate.hpp's checks are for
// scalars): every entry finite, or kolmo::Error naming the first offending entry.

#include <Eigen/Core>
#include <string_view>

namespace kolmo {

/// Throws, from `where`, naming "parameter(i, j)" and its value at the first non-finite entry
/// (column by column).
void require_all_finite(std::string_view where, std::string_view parameter, const Eigen::Ref<const Eigen::ArrayXXd>& values);

}  // namespace kolmo
