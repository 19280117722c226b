#include "kolmo/sampling/forward_process.hpp"

#include <string>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::sampling {
namespace {

constexpr const char* class_name = "kolmo::sampling::ForwardProcess";

}  // namespace

ForwardProcess::ForwardProcess(process::Sde sde) : sde_(std::move(sde)) {
  // A state-dependent g makes ∇·(g gᵀ) ≠ 0 in general; leaving it out would bias every sample.
  require(sde_.noise() == process::NoiseKind::additive, class_name, "sde.noise()",
          std::string_view(process::to_string(sde_.noise())),
          "additive noise, or the constructor that takes the divergence of g gᵀ");
}

ForwardProcess::ForwardProcess(process::Sde sde, process::BatchCoefficient diffusion_divergence)
    : sde_(std::move(sde)), diffusion_divergence_(std::move(diffusion_divergence)) {
  require(static_cast<bool>(diffusion_divergence_), class_name, "diffusion_divergence", std::string_view("empty"),
          "a function returning the divergence of g gᵀ (paths × d)");
}

ForwardProcess ForwardProcess::of(const process::NoiseSchedule& schedule, std::size_t dimension) {
  return ForwardProcess(schedule.sde(dimension));
}

Eigen::ArrayXXd ForwardProcess::diffusion_divergence(double t, const process::StateView& x) const {
  if (!diffusion_divergence_) return Eigen::ArrayXXd::Zero(x.rows(), x.cols());
  Eigen::ArrayXXd divergence = diffusion_divergence_(t, x);
  require(divergence.rows() == x.rows() && divergence.cols() == x.cols(), class_name, "diffusion_divergence(t, x).shape",
          std::to_string(divergence.rows()) + " x " + std::to_string(divergence.cols()),
          "the shape of x, " + std::to_string(x.rows()) + " x " + std::to_string(x.cols()));
  return divergence;
}

Eigen::ArrayXXd ForwardProcess::diffusion_times_transpose_times(double t, const process::StateView& x,
                                                                const Eigen::ArrayXXd& v) const {
  const Eigen::Index d = x.cols();
  require(v.rows() == x.rows() && v.cols() == d, class_name, "v.shape",
          std::to_string(v.rows()) + " x " + std::to_string(v.cols()),
          "the shape of x, " + std::to_string(x.rows()) + " x " + std::to_string(d));
  switch (sde_.noise()) {
    case process::NoiseKind::additive: {
      const Eigen::MatrixXd g = sde_.diffusion_matrix(t);
      const Eigen::MatrixXd ggt = g * g.transpose();
      // A diagonal g gᵀ (isotropic and per-coordinate noise, every noise schedule) scales the
      // columns: the product's value without a matrix–matrix kernel built for large operands.
      if (ggt.isDiagonal(0.0)) return v.rowwise() * ggt.diagonal().transpose().array();
      // Each row of v times (g gᵀ)ᵀ = g gᵀ (symmetric).
      return (v.matrix() * ggt).array();
    }
    case process::NoiseKind::diagonal:
      return sde_.diffusion(t, x).square() * v;
    case process::NoiseKind::general: {
      // Entry (p, i + d·j) of the batch is g_ij at path p: w_j = Σ_k g_kj v_k, then (g w)_i.
      const Eigen::ArrayXXd g = sde_.diffusion(t, x);
      const Eigen::Index m = static_cast<Eigen::Index>(sde_.noise_dimension());
      Eigen::ArrayXXd result = Eigen::ArrayXXd::Zero(v.rows(), d);
      for (Eigen::Index j = 0; j < m; ++j) {
        const Eigen::ArrayXXd g_j = g.middleCols(j * d, d);
        const Eigen::ArrayXd w_j = (g_j * v).rowwise().sum();
        result += g_j.colwise() * w_j;
      }
      return result;
    }
  }
  return Eigen::ArrayXXd::Zero(v.rows(), d);
}

}  // namespace kolmo::sampling
