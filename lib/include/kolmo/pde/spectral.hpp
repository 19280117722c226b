#pragma once
// The Fokker–Planck operator of an SDE with constant diffusion on a periodic grid, by Fourier
// pseudo-spectral collocation (Boyd 2001, "Chebyshev and Fourier Spectral Methods", ch. 4 and 11):
//
//   ∂p/∂t = L p + N(p, t),   L p = Σ_kl D_kl ∂_k ∂_l p,   N(p, t) = −∇·(f(x, t) p),   D = ½ g gᵀ.
//
// Every axis must be periodic, in 1 or 2 dimensions. The nodes are the grid's cell centres
// x_j = lower + (j + ½) h (the same equispaced points as any other origin: the Fourier
// derivative does not depend on it), so input and output are DensityFields on the same Grid as
// the finite-volume solver's. The values are treated as POINT values p(x_j): a finite-volume cell
// average differs from the point value by h² p''/24 + O(h⁴), which is below the finite-volume
// error but far above the spectral one — compare the two corners at O(h²), not to round-off.
//
// With p̂ the discrete Fourier transform (FFTW's r2c half spectrum, unnormalised) and κ the
// wave vector of a mode, κ_k = 2π m_k / (upper_k − lower_k), m_k the signed mode number:
//   L is diagonal in Fourier space: L̂(κ) = −κᵀ D κ = −Σ_k D_kk κ_k² − 2 D_01 κ_0 κ_1 (the mixed
//     term in 2-D: a non-diagonal constant D is supported, it stays diagonal in Fourier space);
//   N̂ = −Σ_k i κ_k P F[f_k · F⁻¹ p̂], evaluated pseudo-spectrally — to the nodes, multiply by f
//     there, back — with P the 2/3-rule truncation (Orszag 1971, J. Atmos. Sci. 28:1074): the
//     modes with |m_k| ≥ n_k/3 on any axis of the product f_k p are zeroed before it is
//     differentiated. For a quadratic product of two band-limited fields that removes aliasing
//     exactly; here f is an arbitrary smooth function, not band-limited, so P is a spectral
//     filter on the transport term (it keeps the aliasing error of resolved modes at the level
//     of f p's spectrum beyond n/3, which is round-off for the smooth problems this solver is
//     for), not exact de-aliasing. The upper third of p itself evolves under L only.
//     The first derivative of an even-n Nyquist mode is zero (it is removed by P anyway).
// The k = 0 mode of N is exactly 0 (κ = 0), so the mass Σ p_j |cell| is conserved up to the
// round-off of the transforms.
//
// The diffusion must not depend on the state: additive noise, or diagonal or general noise whose
// value is the same at every node (checked on the grid, to 1e-12 relative). It must not depend on
// time either: D is taken at t = 0 and pde::solve (pde/etdrk4.hpp) checks it again at the run's
// first and last times. D must be symmetric positive definite. For a constant g the Itô and
// Stratonovich drifts coincide, so the SDE's calculus does not matter.

#include <Eigen/Core>
#include <complex>
#include <cstdint>
#include <memory>

#include "kolmo/pde/grid.hpp"
#include "kolmo/process/sde.hpp"

namespace kolmo::pde {

/// A half spectrum in FFTW's r2c layout: for axis extents (n_0, n_1) the modes
/// (m_0, m_1), m_0 = 0 … ⌊n_0/2⌋ fastest, then m_1 = 0 … n_1 − 1 (signed m_1 − n_1 above n_1/2).
using Spectrum = Eigen::ArrayXcd;

class SpectralFokkerPlanck {
 public:
  /// Throws kolmo::Error when an axis is not periodic (naming the axis and its boundary), the
  /// grid has 3 axes, the SDE's dimension differs from the grid's, or D = ½ g gᵀ is not constant
  /// over the nodes, not finite or not positive definite at t = 0.
  SpectralFokkerPlanck(process::Sde sde, Grid grid);
  ~SpectralFokkerPlanck();
  SpectralFokkerPlanck(SpectralFokkerPlanck&&) noexcept;
  SpectralFokkerPlanck& operator=(SpectralFokkerPlanck&&) noexcept;
  SpectralFokkerPlanck(const SpectralFokkerPlanck&) = delete;
  SpectralFokkerPlanck& operator=(const SpectralFokkerPlanck&) = delete;

  [[nodiscard]] const Grid& grid() const;
  [[nodiscard]] const process::Sde& sde() const;
  /// The constant D = ½ g gᵀ (d × d).
  [[nodiscard]] const Eigen::MatrixXd& diffusion() const;
  /// Number of stored modes of a half spectrum.
  [[nodiscard]] std::size_t modes() const;
  /// L̂ = −κᵀ D κ per stored mode.
  [[nodiscard]] const Eigen::ArrayXd& linear_symbol() const;

  /// p̂ = F[p] (unnormalised, FFTW's sign convention e^{−2πi j m / n}).
  [[nodiscard]] Spectrum transform(const Eigen::VectorXd& values) const;
  /// p = F⁻¹[p̂], normalised (inverse_transform(transform(p)) = p up to round-off).
  [[nodiscard]] Eigen::VectorXd inverse_transform(const Spectrum& spectrum) const;

  /// f(x_j, t) at the nodes (cells × d).
  [[nodiscard]] Eigen::ArrayXXd drift_at_nodes(double t) const;
  /// N̂ = −Σ_k i κ_k P F[f_k p] with p = F⁻¹ p̂ and `drift` = drift_at_nodes(t). 1 + d transforms.
  void transport(const Eigen::ArrayXXd& drift, const Spectrum& p_hat, Spectrum& n_hat) const;
  /// dp/dt = L p + N(p, t) at the nodes (for residuals; the stepper works in Fourier space).
  [[nodiscard]] Eigen::VectorXd time_derivative(double t, const Eigen::VectorXd& values) const;

  /// Throws kolmo::Error naming the time when D at time t differs from diffusion().
  void check_diffusion_at(double t) const;
  /// Number of FFTs executed so far by this object.
  [[nodiscard]] std::uint64_t transforms() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kolmo::pde
