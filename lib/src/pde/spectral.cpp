#include "kolmo/pde/spectral.hpp"

#include <Eigen/Eigenvalues>
#include <array>
#include <atomic>
#include <climits>
#include <cmath>
#include <mutex>
#include <string>
#include <vector>

#include "spectral_transport.hpp"
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

}  // namespace

struct SpectralFokkerPlanck::Impl {
  Impl(process::Sde sde_in, Grid grid_in)
      : sde(std::move(sde_in)), grid(checked_grid(std::move(grid_in))), nodes(grid.centers()), workspace(grid) {
    require(sde.dimension() == grid.dimension(), class_name, "sde.dimension()", sde.dimension(),
            "the grid's dimension " + describe_value(grid.dimension()));
    diffusion = diffusion_at(sde, nodes, 0.0);
    require_positive_definite(diffusion);
    set_symbol();
  }

  /// L̂ = −κᵀ D κ of every stored mode (row r, column c: κ = (κ_0(c), κ_1(r))).
  void set_symbol() {
    const std::size_t d = grid.dimension();
    symbol.resize(static_cast<Eigen::Index>(workspace.modes()));
    for (std::size_t r = 0; r < workspace.rows(); ++r) {
      for (std::size_t c = 0; c < workspace.columns(); ++c) {
        const std::array<double, 2> kappa{workspace.wave_number(0, c), d > 1 ? workspace.wave_number(1, r) : 0.0};
        double value = 0.0;
        for (std::size_t k = 0; k < d; ++k) {
          for (std::size_t l = 0; l < d; ++l) {
            value -= diffusion(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(l)) * kappa[k] * kappa[l];
          }
        }
        symbol(static_cast<Eigen::Index>(r * workspace.columns() + c)) = value;
      }
    }
  }

  process::Sde sde;
  Grid grid;
  Eigen::ArrayXXd nodes;
  Eigen::MatrixXd diffusion;
  Eigen::ArrayXd symbol;
  // Plans and buffers; every use holds `mutex`, so one object may serve several threads.
  detail::SpectralTransport workspace;
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
std::size_t SpectralFokkerPlanck::modes() const { return impl_->workspace.modes(); }
const Eigen::ArrayXd& SpectralFokkerPlanck::linear_symbol() const { return impl_->symbol; }
std::uint64_t SpectralFokkerPlanck::transforms() const { return impl_->transforms.load(); }

Spectrum SpectralFokkerPlanck::transform(const Eigen::VectorXd& values) const {
  require(static_cast<std::size_t>(values.size()) == impl_->grid.cells(), class_name, "values.size()", values.size(),
          "the grid's " + describe_value(impl_->grid.cells()) + " cells");
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->workspace.forward(values.array());
  ++impl_->transforms;
  return impl_->workspace.input();
}

Eigen::VectorXd SpectralFokkerPlanck::inverse_transform(const Spectrum& spectrum) const {
  require(static_cast<std::size_t>(spectrum.size()) == modes(), class_name, "spectrum.size()", spectrum.size(),
          "the " + describe_value(modes()) + " modes of the half spectrum");
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->workspace.input() = spectrum;
  impl_->workspace.inverse();  // destroys the copy in the workspace, not the argument
  ++impl_->transforms;
  return (impl_->workspace.real() / static_cast<double>(impl_->grid.cells())).matrix();
}

Eigen::ArrayXXd SpectralFokkerPlanck::drift_at_nodes(double t) const { return impl_->sde.drift(t, impl_->nodes); }

void SpectralFokkerPlanck::transport(const Eigen::ArrayXXd& drift, const Spectrum& p_hat, Spectrum& n_hat) const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->workspace.input() = p_hat;
  impl_->workspace.evaluate(drift);
  n_hat.resize(static_cast<Eigen::Index>(modes()));
  impl_->workspace.for_each_mode([&](std::size_t m, std::complex<double> n) { n_hat(static_cast<Eigen::Index>(m)) = n; });
  impl_->transforms += 1 + impl_->grid.dimension();
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
