#pragma once
// A probability law with the two faces a cross-check needs: exact samples addressed by
// (seed, path), which start particle ensembles, and its cell averages on a pde::Grid, which start
// the grid solvers — so "the same initial law" is written once (ensemble::InitialLaw::from(law) and
// law.on(grid)), not twice in two vocabularies.
//
//   face                 point      gaussian      mixture       grid(field)          custom
//   sample(seed, …)      x0         μ + C^½ z     GaussianMixture::sample            the sampler
//                                                               cell by inverse CDF,
//                                                               uniform inside it
//   density(x)           —          closed form   closed form   the cell's value      if given
//   cdf(x) (1-D)         —          closed form   closed form   piecewise linear      if given
//   on(grid)             its cell   3-point Gauss–Legendre per axis in every cell   exact overlap
//                        holds 1/|cell|  (error O(h⁶ ∂⁶p), exact for         remap (mass
//                                        polynomials of degree 5)            conserved)
//
// Draws use Purpose::initial_state at step 0: normals at components 0..d−1 (gaussian, mixture),
// the mixture's component uniform at component d, and for a grid law the cell's uniform at
// component 0 and the position's uniforms at 1..d. Every draw is a pure function of
// (seed, path), so path i gets the same start whatever the thread count or the range solved.
//
// on(grid) returns cell averages normalised to mass 1, with the mass the grid did not capture
// (domain truncation, quadrature) in DensityField::mass_before_normalisation(). Particles start a
// grid density only through a stated estimator (compare/histogram_density.hpp), never here.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "kolmo/distribution/gaussian_mixture.hpp"
#include "kolmo/pde/density_field.hpp"
#include "kolmo/pde/grid.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::distribution {

class Law {
 public:
  /// (seed, first_path, count) -> count × d draws; must be a pure function of its arguments.
  using Sampler = std::function<Eigen::ArrayXXd(std::uint64_t seed, std::uint64_t first_path, std::size_t count)>;
  /// points (n × d) -> density at each point (n).
  using Density = std::function<Eigen::ArrayXd(const process::StateView& points)>;
  /// 1-D: x (n) -> P(X ≤ x) at each entry.
  using Cdf = std::function<Eigen::ArrayXd(const Eigen::ArrayXd& x)>;

  /// The point mass at x0 (finite, at least one component). Has no density.
  static Law point(const Eigen::VectorXd& x0);
  /// N(mean, covariance), covariance symmetric positive semi-definite (a density only when
  /// definite). Throws kolmo::Error naming the parameter otherwise.
  static Law gaussian(const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance);
  /// A Gaussian mixture (distribution/gaussian_mixture.hpp).
  static Law mixture(GaussianMixture mixture);
  /// The piecewise-constant density of a grid field (negative round-off read as 0): exact draws,
  /// so a grid solution can start particles. Throws when no cell is positive.
  static Law grid(pde::DensityField field);
  /// Any law: a sampler, and optionally its density and (1-D) CDF.
  static Law custom(std::string name, std::size_t dimension, Sampler sampler, Density density = {}, Cdf cdf = {});

  [[nodiscard]] const std::string& name() const;
  [[nodiscard]] std::size_t dimension() const;
  [[nodiscard]] bool has_density() const;
  [[nodiscard]] bool has_cdf() const;

  /// Draws for paths [first_path, first_path + count): count × d (checked).
  [[nodiscard]] Eigen::ArrayXXd sample(std::uint64_t seed, std::uint64_t first_path, std::size_t count) const;
  /// The density at each row of points (n × d). Throws unless has_density().
  [[nodiscard]] Eigen::ArrayXd density(const process::StateView& points) const;
  /// 1-D: P(X ≤ x). Throws unless has_cdf().
  [[nodiscard]] Eigen::ArrayXd cdf(const Eigen::ArrayXd& x) const;
  /// The law's cell averages on `grid` (see the header comment), normalised, at `time`. The
  /// quadrature's O(h⁶) bound holds only where the grid resolves p (a few cells across its
  /// narrowest feature). Throws when the grid's dimension differs, a point law lies outside the
  /// grid, or the law has neither a density nor a point mass.
  [[nodiscard]] pde::DensityField on(const pde::Grid& grid, double time = 0.0) const;

  struct Impl;  // the face implementations of each kind (law.cpp)

 private:
  explicit Law(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace kolmo::distribution
