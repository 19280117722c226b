#include "kolmo/pde/spectral.hpp"

#include <Eigen/Eigenvalues>
#include <atomic>
#include <climits>
#include <cmath>
#include <mutex>
#include <numbers>
#include <string>
#include <vector>

#include "fftw_plan.hpp"
#include "kolmo/core/validate.hpp"

namespace kolmo::pde {
namespace {

constexpr const char* class_name = "kolmo::pde::SpectralFokkerPlanck";
constexpr double constancy_tolerance = 1e-12;  // relative: a few hundred ulps, far below any modelled variation

Grid checked_grid(Grid grid) {
  require(grid.dimension() <= 2, class_name, "grid.dimension()", grid.dimension(),
          "1 or 2 axes (the spectral solver has no 3-D transforms; use pde::FokkerPlanck with Douglas ADI)");
  for (std::size_t k = 0; k < grid.dimension(); ++k) {
    require(grid.axis(k).boundary == Boundary::periodic, class_name, "grid.axis(" + std::to_string(k) + ").boundary",
            to_string(grid.axis(k).boundary),
            "periodic (a Fourier basis is periodic; pde::FokkerPlanck solves zero_flux and absorbing axes)");
    require(grid.axis(k).cells <= static_cast<std::size_t>(INT_MAX), class_name,
            "grid.axis(" + std::to_string(k) + ").cells", grid.axis(k).cells, "at most INT_MAX (FFTW's sizes are int)");
  }
  return grid;
}

/// Throws unless every column of the batch `g` (one row per node) is the same at every node.
void require_state_independent(const Eigen::ArrayXXd& g, const Eigen::ArrayXXd& nodes, double t) {
  for (Eigen::Index c = 0; c < g.cols(); ++c) {
    Eigen::Index worst = 0;
    const double spread = (g.col(c) - g(0, c)).abs().maxCoeff(&worst);
    if (!(spread <= constancy_tolerance * std::abs(g(0, c)))) {
      std::string at = "(";
      for (Eigen::Index k = 0; k < nodes.cols(); ++k) at += (k > 0 ? ", " : "") + describe_value(nodes(worst, k));
      throw_bad_argument(class_name, "sde diffusion",
                         "g entry " + std::to_string(c) + " = " + describe_value(g(0, c)) + " at the first node but " +
                             describe_value(g(worst, c)) + " at x = " + at + ") at t = " + describe_value(t),
                         "a diffusion that does not depend on the state (the spectral solver needs a constant D)");
    }
  }
}

/// D = ½ g gᵀ at time t, from the noise at the nodes; throws where it depends on the state.
Eigen::MatrixXd diffusion_at(const process::Sde& sde, const Eigen::ArrayXXd& nodes, double t) {
  const auto d = static_cast<Eigen::Index>(sde.dimension());
  Eigen::MatrixXd g;
  switch (sde.noise()) {
    case process::NoiseKind::additive:
      g = sde.diffusion_matrix(t);
      break;
    case process::NoiseKind::diagonal: {
      const Eigen::ArrayXXd batch = sde.diffusion(t, nodes);
      require_state_independent(batch, nodes, t);
      g = batch.row(0).matrix().asDiagonal();
      break;
    }
    case process::NoiseKind::general: {
      const Eigen::ArrayXXd batch = sde.diffusion(t, nodes);
      require_state_independent(batch, nodes, t);
      g.resize(d, batch.cols() / d);  // entry (p, i + d j) of the batch is g_ij at node p
      for (Eigen::Index j = 0; j < g.cols(); ++j) {
        for (Eigen::Index i = 0; i < d; ++i) g(i, j) = batch(0, i + d * j);
      }
      break;
    }
  }
  return 0.5 * g * g.transpose();
}

void require_positive_definite(const Eigen::MatrixXd& diffusion) {
  const bool finite = diffusion.allFinite();
  const double smallest = finite ? Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(diffusion).eigenvalues().minCoeff() : NAN;
  require(finite && smallest > 0.0, class_name, "sde diffusion",
          "D = g gᵀ/2 with smallest eigenvalue " + describe_value(smallest),
          "a finite, positive definite D (pure transport is the continuity equation's)");
}

/// Signed mode number of index i of a full axis of n points: 0 … ⌊n/2⌋, then −⌈n/2⌉ + 1 … −1.
double signed_mode(std::size_t i, std::size_t n) {
  return 2 * i <= n ? static_cast<double>(i) : static_cast<double>(i) - static_cast<double>(n);
}

}  // namespace

struct SpectralFokkerPlanck::Impl {
  Impl(process::Sde sde_in, Grid grid_in)
      : sde(std::move(sde_in)),
        grid(checked_grid(std::move(grid_in))),
        nodes(grid.centers()),
        half_extent(grid.axis(0).cells / 2 + 1),
        modes(half_extent * (grid.cells() / grid.axis(0).cells)),
        real(grid.cells()),
        product(grid.cells()),
        spectrum(modes),
        plans(fftw_extents(), real.data(), spectrum.data()) {
    require(sde.dimension() == grid.dimension(), class_name, "sde.dimension()", sde.dimension(),
            "the grid's dimension " + describe_value(grid.dimension()));
    diffusion = diffusion_at(sde, nodes, 0.0);
    require_positive_definite(diffusion);
    set_wavenumbers();
  }

  /// FFTW's row-major extents: the last one varies fastest, and axis 0 is our fastest.
  [[nodiscard]] std::vector<int> fftw_extents() const {
    std::vector<int> extents;
    for (std::size_t k = grid.dimension(); k-- > 0;) extents.push_back(static_cast<int>(grid.axis(k).cells));
    return extents;
  }

  /// κ_k of every stored mode, the symbol −κᵀ D κ, and κ_k P (the 2/3 rule: keep 3|m_k| < n_k
  /// on every axis; the kept band excludes an even-n Nyquist mode, whose derivative is 0).
  void set_wavenumbers() {
    const std::size_t d = grid.dimension();
    std::vector<Eigen::ArrayXd> kappa(d, Eigen::ArrayXd(static_cast<Eigen::Index>(modes)));
    Eigen::ArrayXd kept = Eigen::ArrayXd::Ones(static_cast<Eigen::Index>(modes));
    for (std::size_t q = 0; q < modes; ++q) {
      const auto row = static_cast<Eigen::Index>(q);
      for (std::size_t k = 0; k < d; ++k) {
        const std::size_t n = grid.axis(k).cells;
        const double m = k == 0 ? static_cast<double>(q % half_extent) : signed_mode(q / half_extent, n);
        kappa[k](row) = 2 * std::numbers::pi * m / (grid.axis(k).upper - grid.axis(k).lower);
        if (3 * std::abs(m) >= static_cast<double>(n)) kept(row) = 0.0;
      }
    }
    symbol = Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(modes));
    for (std::size_t k = 0; k < d; ++k) {
      for (std::size_t l = 0; l < d; ++l) {
        symbol -= diffusion(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(l)) * kappa[k] * kappa[l];
      }
      filtered_kappa.push_back(kappa[k] * kept);
    }
  }

  [[nodiscard]] Eigen::Map<Eigen::ArrayXd> real_view() const {
    return {real.data(), static_cast<Eigen::Index>(real.size())};
  }
  [[nodiscard]] Eigen::Map<Eigen::ArrayXcd> spectrum_view() const {
    return {spectrum.data(), static_cast<Eigen::Index>(spectrum.size())};
  }

  process::Sde sde;
  Grid grid;
  Eigen::ArrayXXd nodes;
  std::size_t half_extent;  // ⌊n_0/2⌋ + 1: stored modes along axis 0
  std::size_t modes;
  Eigen::MatrixXd diffusion;
  Eigen::ArrayXd symbol;
  std::vector<Eigen::ArrayXd> filtered_kappa;
  // Work arrays of the plans; every use holds `mutex`, so one object may serve several threads.
  detail::FftwBuffer<double> real, product;
  detail::FftwBuffer<std::complex<double>> spectrum;
  detail::RealTransformPlans plans;
  std::mutex mutex;
  std::atomic<std::uint64_t> transforms{0};
};

SpectralFokkerPlanck::SpectralFokkerPlanck(process::Sde sde, Grid grid)
    : impl_(std::make_unique<Impl>(std::move(sde), std::move(grid))) {}
SpectralFokkerPlanck::~SpectralFokkerPlanck() = default;
SpectralFokkerPlanck::SpectralFokkerPlanck(SpectralFokkerPlanck&&) noexcept = default;
SpectralFokkerPlanck& SpectralFokkerPlanck::operator=(SpectralFokkerPlanck&&) noexcept = default;

const Grid& SpectralFokkerPlanck::grid() const { return impl_->grid; }
const process::Sde& SpectralFokkerPlanck::sde() const { return impl_->sde; }
const Eigen::MatrixXd& SpectralFokkerPlanck::diffusion() const { return impl_->diffusion; }
std::size_t SpectralFokkerPlanck::modes() const { return impl_->modes; }
const Eigen::ArrayXd& SpectralFokkerPlanck::linear_symbol() const { return impl_->symbol; }
std::uint64_t SpectralFokkerPlanck::transforms() const { return impl_->transforms.load(); }

Spectrum SpectralFokkerPlanck::transform(const Eigen::VectorXd& values) const {
  require(static_cast<std::size_t>(values.size()) == impl_->grid.cells(), class_name, "values.size()", values.size(),
          "the grid's " + describe_value(impl_->grid.cells()) + " cells");
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->real_view() = values.array();
  fftw_execute(impl_->plans.forward.get());
  ++impl_->transforms;
  return impl_->spectrum_view();
}

Eigen::VectorXd SpectralFokkerPlanck::inverse_transform(const Spectrum& spectrum) const {
  require(static_cast<std::size_t>(spectrum.size()) == impl_->modes, class_name, "spectrum.size()", spectrum.size(),
          "the " + describe_value(impl_->modes) + " modes of the half spectrum");
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->spectrum_view() = spectrum;
  fftw_execute(impl_->plans.inverse.get());  // destroys the copy in `spectrum`, not the argument
  ++impl_->transforms;
  return (impl_->real_view() / static_cast<double>(impl_->grid.cells())).matrix();
}

Eigen::ArrayXXd SpectralFokkerPlanck::drift_at_nodes(double t) const { return impl_->sde.drift(t, impl_->nodes); }

void SpectralFokkerPlanck::transport(const Eigen::ArrayXXd& drift, const Spectrum& p_hat, Spectrum& n_hat) const {
  Impl& m = *impl_;
  const std::lock_guard<std::mutex> lock(m.mutex);
  m.spectrum_view() = p_hat;
  fftw_execute(m.plans.inverse.get());  // real = N p at the nodes (FFTW's unnormalised inverse)
  const double normalisation = 1.0 / static_cast<double>(m.grid.cells());
  n_hat.setZero(static_cast<Eigen::Index>(m.modes));
  Eigen::Map<Eigen::ArrayXd> product(m.product.data(), static_cast<Eigen::Index>(m.product.size()));
  for (std::size_t k = 0; k < m.grid.dimension(); ++k) {
    product = drift.col(static_cast<Eigen::Index>(k)) * m.real_view() * normalisation;  // f_k p
    // New-array execution: `product` is fftw_malloc'd like the planned buffer (FFTW manual §4.6).
    fftw_execute_dft_r2c(m.plans.forward.get(), m.product.data(), reinterpret_cast<fftw_complex*>(m.spectrum.data()));
    n_hat -= std::complex<double>(0.0, 1.0) * (m.spectrum_view() * m.filtered_kappa[k]);  // −i κ_k P F[f_k p]
  }
  m.transforms += 1 + m.grid.dimension();
}

Eigen::VectorXd SpectralFokkerPlanck::time_derivative(double t, const Eigen::VectorXd& values) const {
  const Spectrum p_hat = transform(values);
  const Eigen::ArrayXXd drift = drift_at_nodes(t);
  require(drift.rows() == static_cast<Eigen::Index>(impl_->grid.cells()), class_name, "drift rows", drift.rows(),
          "one per node");
  Spectrum n_hat;
  transport(drift, p_hat, n_hat);
  return inverse_transform(impl_->symbol * p_hat + n_hat);
}

void SpectralFokkerPlanck::check_diffusion_at(double t) const {
  const Eigen::MatrixXd now = diffusion_at(impl_->sde, impl_->nodes, t);
  const double change = (now - impl_->diffusion).cwiseAbs().maxCoeff();
  require(change <= constancy_tolerance * impl_->diffusion.cwiseAbs().maxCoeff(), class_name,
          "sde diffusion at t = " + describe_value(t), "D differing from its t = 0 value by " + describe_value(change),
          "a diffusion that does not depend on time (the spectral solver needs a constant D)");
}

}  // namespace kolmo::pde
