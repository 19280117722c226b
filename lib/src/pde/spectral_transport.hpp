#pragma once
// Internal: the transport term of the spectral Fokker–Planck operator (pde/spectral.hpp),
//   N̂ = −Σ_k i κ_k P F[f_k p],   p = F⁻¹ p̂,
// evaluated in FFTW buffers owned here, so that a time stepper can read N̂ mode by mode in the
// same pass that forms its next stage (pde/etdrk4.cpp) instead of storing it.
//
// Layout. spectrum(0) holds the input p̂; evaluate() transforms it to the nodes (out-of-place
// c2r into real(), destroying it), forms the products f_k p there, and transforms each in place:
// spectrum(k) = F[f_k p] / n. The in-place r2c writes f_k p into the spectrum's own storage with
// FFTW's padding (each row of n_0 reals followed by 2 (⌊n_0/2⌋ + 1) − n_0 unused ones, FFTW 3.3
// manual §4.3.4). Both choices are about speed at FFTW_ESTIMATE (fftw_plan.hpp): for 2^16 nodes
// and for 512², the in-place r2c and the out-of-place c2r were the faster of either placement
// (by 15–20% for the 1-D r2c), and the products need no buffer of their own.
//
// The 2/3-rule filter P and the wave numbers are separable over the axes: a mode (m_0, m_1) is
// kept when both |m_0| and |m_1| are inside the band, and κ_0 depends only on the column of the
// half spectrum, κ_1 only on its row. So they are stored per column and per row, not per mode,
// and cost no memory traffic.

#include <Eigen/Core>
#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <vector>

#include "fftw_plan.hpp"
#include "kolmo/pde/grid.hpp"

namespace kolmo::pde::detail {

class SpectralTransport {
 public:
  using Complex = std::complex<double>;

  /// For a grid of 1 or 2 periodic axes (checked by the caller).
  explicit SpectralTransport(const Grid& grid)
      : dimension_(grid.dimension()),
        columns_(grid.axis(0).cells / 2 + 1),
        rows_(grid.cells() / grid.axis(0).cells),
        cells_(grid.cells()),
        spectra_(allocate(dimension_, columns_ * rows_)),
        real_(cells_),
        plans_(fftw_extents(grid), spectra_[0].data(), real_.data()),
        column_(grid.axis(0), columns_, false),
        row_(dimension_ > 1 ? AxisModes(grid.axis(1), rows_, true) : AxisModes()) {}

  [[nodiscard]] std::size_t modes() const { return columns_ * rows_; }
  /// Stored modes along axis 0 (⌊n_0/2⌋ + 1): mode index m = row · columns() + column.
  [[nodiscard]] std::size_t columns() const { return columns_; }
  [[nodiscard]] std::size_t rows() const { return rows_; }
  /// κ_k of column c (k = 0) or row r (k = 1) of the half spectrum, unfiltered.
  [[nodiscard]] double wave_number(std::size_t k, std::size_t index) const {
    return k == 0 ? column_.kappa[index] : row_.kappa[index];
  }

  /// spectrum(0) is the input p̂ of evaluate(); after it, spectrum(k) = F[f_k p] / n.
  [[nodiscard]] Complex* spectrum(std::size_t k) const { return spectra_[k].data(); }
  [[nodiscard]] Eigen::Map<Eigen::ArrayXcd> input() const { return {spectrum(0), static_cast<Eigen::Index>(modes())}; }
  /// The nodes' values left by inverse(): F⁻¹ of the input, unnormalised (n times p).
  [[nodiscard]] Eigen::Map<Eigen::ArrayXd> real() const { return {real_.data(), static_cast<Eigen::Index>(cells_)}; }

  /// input() ← F[values] (unnormalised).
  void forward(const Eigen::Ref<const Eigen::ArrayXd>& values) const {
    for (std::size_t r = 0; r < rows_; ++r) padded_row(0, r) = values.segment(row_start(r), row_length());
    fftw_execute(plans_.forward.get());
  }

  /// real() ← n F⁻¹ input(); destroys the input (FFTW's c2r).
  void inverse() const { fftw_execute(plans_.inverse.get()); }

  /// spectrum(k) ← F[f_k p] / n for every axis k, with p = F⁻¹ input() and f = `drift` at the
  /// nodes (cells × d). 1 + d transforms.
  void evaluate(const Eigen::ArrayXXd& drift) const {
    inverse();
    const double normalisation = 1.0 / static_cast<double>(cells_);
    for (std::size_t r = 0; r < rows_; ++r) {
      const auto p = real().segment(row_start(r), row_length());
      for (std::size_t k = 0; k < dimension_; ++k) {
        padded_row(k, r) = drift.col(static_cast<Eigen::Index>(k)).segment(row_start(r), row_length()) * p * normalisation;
      }
    }
    for (std::size_t k = 0; k < dimension_; ++k) {
      // New-array execution of the in-place plan on another fftw_malloc'd buffer (FFTW manual §4.6).
      auto* s = reinterpret_cast<fftw_complex*>(spectrum(k));
      fftw_execute_dft_r2c(plans_.forward.get(), reinterpret_cast<double*>(s), s);
    }
  }

  /// After evaluate(): calls use(m, N̂_m) for every mode m in storage order, with
  /// N̂_m = −i Σ_k κ_k(m) P(m) spectrum(k)[m]. `use` may overwrite input()[m] (the next
  /// evaluation's p̂), since mode m of the spectra is read before it is called.
  template <class Use>
  void for_each_mode(Use&& use) const {
    const Complex* s0 = spectrum(0);
    const Complex* s1 = dimension_ > 1 ? spectrum(1) : nullptr;
    for (std::size_t r = 0; r < rows_; ++r) {
      const double row_kept = dimension_ > 1 ? row_.kept[r] : 1.0, row_kappa = dimension_ > 1 ? row_.filtered[r] : 0.0;
      const std::size_t first = r * columns_;
      for (std::size_t c = 0; c < columns_; ++c) {
        const std::size_t m = first + c;
        Complex sum = row_kept * column_.filtered[c] * s0[m];
        if (s1 != nullptr) sum += row_kappa * column_.kept[c] * s1[m];
        use(m, Complex(sum.imag(), -sum.real()));  // −i · sum
      }
    }
  }

 private:
  /// κ and the 2/3-rule mask along one axis, for the stored modes of that axis.
  struct AxisModes {
    std::vector<double> kappa, kept, filtered;  // κ, P (1 or 0), κ P
    AxisModes() = default;
    AxisModes(const Axis& axis, std::size_t stored, bool signed_modes) : kappa(stored), kept(stored), filtered(stored) {
      const auto n = static_cast<double>(axis.cells);
      for (std::size_t i = 0; i < stored; ++i) {
        // Signed mode number: 0 … ⌊n/2⌋, then −⌈n/2⌉ + 1 … −1 (a full axis; axis 0 stores only ≥ 0).
        const double m = signed_modes && 2 * i > axis.cells ? static_cast<double>(i) - n : static_cast<double>(i);
        kappa[i] = 2 * std::numbers::pi * m / (axis.upper - axis.lower);
        kept[i] = 3 * std::abs(m) < n ? 1.0 : 0.0;  // keep 3|m| < n: excludes an even n's Nyquist mode
        filtered[i] = kappa[i] * kept[i];
      }
    }
  };

  /// One fftw_malloc'd half spectrum per axis.
  static std::vector<FftwBuffer<Complex>> allocate(std::size_t count, std::size_t modes) {
    std::vector<FftwBuffer<Complex>> spectra;
    for (std::size_t k = 0; k < count; ++k) spectra.emplace_back(modes);
    return spectra;
  }

  /// FFTW's row-major extents: the last one varies fastest, and axis 0 is our fastest.
  static std::vector<int> fftw_extents(const Grid& grid) {
    std::vector<int> extents;
    for (std::size_t k = grid.dimension(); k-- > 0;) extents.push_back(static_cast<int>(grid.axis(k).cells));
    return extents;
  }

  [[nodiscard]] Eigen::Index row_length() const { return static_cast<Eigen::Index>(cells_ / rows_); }
  [[nodiscard]] Eigen::Index row_start(std::size_t r) const { return static_cast<Eigen::Index>(r) * row_length(); }
  /// Row r of spectrum(k) as the padded real array of an in-place r2c (2 columns() doubles a row).
  [[nodiscard]] Eigen::Map<Eigen::ArrayXd> padded_row(std::size_t k, std::size_t r) const {
    return {reinterpret_cast<double*>(spectrum(k)) + 2 * columns_ * r, row_length()};
  }

  std::size_t dimension_, columns_, rows_, cells_;
  std::vector<FftwBuffer<Complex>> spectra_;
  FftwBuffer<double> real_;
  RealTransformPlans plans_;
  AxisModes column_, row_;
};

}  // namespace kolmo::pde::detail
