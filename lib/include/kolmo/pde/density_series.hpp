#pragma once
// A time series of grid densities p(t_j) on one grid — a Fokker–Planck solution's snapshots —
// with interpolation in t: the "grid oracle" that gives reverse-time samplers p_t and ∇log p_t
// for processes with no closed-form marginal (nonlinear drift, state-dependent diffusion).
//
// In time the cell values are interpolated between the stored t_j:
//   linear   from the two bracketing snapshots: second order in the spacing, and never
//            negative when the snapshots are not;
//   cubic    Lagrange through the four nearest snapshots (two on each side where they exist,
//            shifted inward at the ends): fourth order for smooth p, non-uniform spacing
//            allowed; it can undershoot zero where p is tiny and changes fast, which the score's
//            guard (pde/grid_score.hpp) then treats as unresolved.
// The score at time t is the grid score of the interpolated field, not an interpolation of
// scores: ∇log of a mixture of densities is not the mixture of their scores.

#include <Eigen/Core>
#include <vector>

#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/grid_score.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde {

enum class TimeInterpolation { linear, cubic };

[[nodiscard]] constexpr const char* to_string(TimeInterpolation kind) {
  return kind == TimeInterpolation::linear ? "linear" : "cubic";
}

class DensitySeries {
 public:
  /// Throws kolmo::Error on fewer than 2 fields, fields on different grids, or times that do
  /// not strictly increase — naming the first offending field.
  explicit DensitySeries(std::vector<DensityField> fields);

  [[nodiscard]] const std::vector<DensityField>& fields() const { return fields_; }
  [[nodiscard]] const Grid& grid() const { return fields_.front().grid(); }
  [[nodiscard]] double first_time() const { return fields_.front().time(); }
  [[nodiscard]] double last_time() const { return fields_.back().time(); }

  /// The field at time t in [first_time(), last_time()] (exactly a stored field at a stored
  /// time). Throws kolmo::Error for t outside that range, and for cubic with fewer than 4 fields.
  [[nodiscard]] DensityField at(double t, TimeInterpolation kind = TimeInterpolation::linear) const;
  /// ∇log p_t at each point (points × d): GridScore of at(t, kind).
  [[nodiscard]] Eigen::ArrayXXd score(const process::StateView& points, double t,
                                      TimeInterpolation kind = TimeInterpolation::linear,
                                      const ScoreOptions& options = {}) const;

 private:
  std::vector<DensityField> fields_;
};

}  // namespace kolmo::pde
