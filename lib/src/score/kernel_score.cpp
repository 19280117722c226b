#include "kolmo/score/kernel_score.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"

namespace kolmo::score {
namespace {

constexpr const char* where = "kolmo::score::fit_kernel_score";
constexpr Eigen::Index block_rows = 512;

struct Kernel {
  Eigen::ArrayXXd centres;  ///< m × d
  Eigen::VectorXd a;
  double bandwidth;

  /// k(x_i, c_j) for a block of points: rows × m.
  [[nodiscard]] Eigen::ArrayXXd gram(const process::StateView& x) const {
    const Eigen::ArrayXd x_norms = x.square().rowwise().sum();
    const Eigen::ArrayXd c_norms = centres.square().rowwise().sum();
    Eigen::ArrayXXd squared = (-2.0 * (x.matrix() * centres.matrix().transpose())).array();
    squared.colwise() += x_norms;
    squared.rowwise() += c_norms.transpose();
    return (-squared.max(0.0) / (2.0 * bandwidth * bandwidth)).exp();
  }

  [[nodiscard]] Eigen::ArrayXXd score(const process::StateView& x) const {
    // s = −[(K a) x − K diag(a) C]/ℓ².
    Eigen::ArrayXXd out(x.rows(), x.cols());
    for (Eigen::Index first = 0; first < x.rows(); first += block_rows) {
      const Eigen::Index rows = std::min(block_rows, x.rows() - first);
      const auto xb = x.middleRows(first, rows);
      const Eigen::MatrixXd k = gram(xb).matrix();
      const Eigen::VectorXd weight = k * a;
      const Eigen::MatrixXd pulled = k * (a.asDiagonal() * centres.matrix());
      out.middleRows(first, rows) = -(xb.colwise() * weight.array() - pulled.array()) / (bandwidth * bandwidth);
    }
    return out;
  }

  [[nodiscard]] Eigen::ArrayXXd divergence(const process::StateView& x) const {
    const double l2 = bandwidth * bandwidth, d = static_cast<double>(x.cols());
    Eigen::ArrayXXd out(x.rows(), 1);
    for (Eigen::Index first = 0; first < x.rows(); first += block_rows) {
      const Eigen::Index rows = std::min(block_rows, x.rows() - first);
      const auto xb = x.middleRows(first, rows);
      const Eigen::ArrayXXd k = gram(xb);
      // |x − c|² back from k: −2ℓ² log k loses precision where k underflows, so recompute it.
      Eigen::ArrayXXd squared = (-2.0 * (xb.matrix() * centres.matrix().transpose())).array();
      squared.colwise() += xb.square().rowwise().sum();
      squared.rowwise() += centres.square().rowwise().sum().transpose();
      const Eigen::ArrayXXd laplacian = k * (squared.max(0.0) / (l2 * l2) - d / l2);
      out.col(0).segment(first, rows) = (laplacian.matrix() * a).array();
    }
    return out;
  }

  [[nodiscard]] Eigen::ArrayXXd jacobian_vector_product(const process::StateView& x, const process::StateView& v) const {
    // ∇s v = −(K a) v/ℓ² + [(K∘P) a] x/ℓ⁴ − (K∘P) diag(a) C/ℓ⁴, P_ij = (x_i − c_j)·v_i.
    const double l2 = bandwidth * bandwidth;
    Eigen::ArrayXXd out(x.rows(), x.cols());
    for (Eigen::Index first = 0; first < x.rows(); first += block_rows) {
      const Eigen::Index rows = std::min(block_rows, x.rows() - first);
      const auto xb = x.middleRows(first, rows);
      const auto vb = v.middleRows(first, rows);
      const Eigen::ArrayXXd k = gram(xb);
      Eigen::ArrayXXd p = -(vb.matrix() * centres.matrix().transpose()).array();
      p.colwise() += (xb * vb).rowwise().sum();
      const Eigen::MatrixXd kp = (k * p).matrix();
      const Eigen::VectorXd weight = k.matrix() * a;
      const Eigen::VectorXd weight_p = kp * a;
      const Eigen::MatrixXd pulled = kp * (a.asDiagonal() * centres.matrix());
      out.middleRows(first, rows) =
          -(vb.colwise() * weight.array()) / l2 + (xb.colwise() * weight_p.array() - pulled.array()) / (l2 * l2);
    }
    return out;
  }
};

double median_pairwise_distance(const Eigen::ArrayXXd& data) {
  const Eigen::Index n = std::min<Eigen::Index>(data.rows(), 1000);
  std::vector<double> distances;
  distances.reserve(static_cast<std::size_t>(n * (n - 1) / 2));
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = i + 1; j < n; ++j) distances.push_back(std::sqrt((data.row(i) - data.row(j)).square().sum()));
  }
  auto middle = distances.begin() + static_cast<std::ptrdiff_t>(distances.size() / 2);
  std::nth_element(distances.begin(), middle, distances.end());
  return *middle;
}

}  // namespace

KernelScoreFit fit_kernel_score(const Eigen::ArrayXXd& data, const KernelScoreOptions& options) {
  require(data.rows() >= 2 && data.cols() >= 1, where, "data", describe_value(data.rows()) + "x" + describe_value(data.cols()),
          "at least 2 points of dimension >= 1");
  require_all_finite(where, "data", data);
  require(std::isfinite(options.bandwidth) && options.bandwidth >= 0.0, where, "options.bandwidth", options.bandwidth,
          "a finite bandwidth > 0, or 0 for the median heuristic");
  require(std::isfinite(options.ridge) && options.ridge > 0.0, where, "options.ridge", options.ridge, "> 0");
  const auto n = data.rows(), d = data.cols();
  const Eigen::Index m = options.basis_points == 0 ? n : static_cast<Eigen::Index>(options.basis_points);
  require(m <= n, where, "options.basis_points", options.basis_points,
          "at most the number of data points, " + describe_value(n));

  auto kernel = std::make_shared<Kernel>();
  kernel->centres = data.topRows(m);
  kernel->bandwidth = options.bandwidth > 0.0 ? options.bandwidth : median_pairwise_distance(data);
  require(kernel->bandwidth > 0.0, where, "data", std::string_view("points that all coincide"),
          "distinct points (the median heuristic gives bandwidth 0)");
  const double l2 = kernel->bandwidth * kernel->bandwidth;

  // b and G accumulated over blocks of data rows.
  Eigen::VectorXd b = Eigen::VectorXd::Zero(m);
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(m, m);
  for (Eigen::Index first = 0; first < n; first += block_rows) {
    const Eigen::Index rows = std::min(block_rows, n - first);
    const auto xb = data.middleRows(first, rows);
    const Eigen::ArrayXXd k = kernel->gram(xb);
    Eigen::ArrayXXd squared = Eigen::ArrayXXd::Zero(rows, m);
    for (Eigen::Index a = 0; a < d; ++a) {
      // D_a = ∂k/∂x_a = −(x_a − c_a) k/ℓ²; G += D_aᵀ D_a.
      Eigen::ArrayXXd diff = -kernel->centres.col(a).transpose().replicate(rows, 1);
      diff.colwise() += xb.col(a);
      squared += diff.square();
      const Eigen::MatrixXd grad = (-diff * k / l2).matrix();
      g.noalias() += grad.transpose() * grad;
    }
    b += (k * (squared / (l2 * l2) - static_cast<double>(d) / l2)).matrix().colwise().sum().transpose();
  }
  b /= static_cast<double>(n);
  g /= static_cast<double>(n);

  Eigen::MatrixXd system = g;
  system.diagonal().array() += options.ridge;
  kernel->a = system.llt().solve(-b);
  const double b_norm = b.norm();

  KernelScoreFit fit{ScoreModel("kernel-score(" + describe_value(m) + " centres, bandwidth " +
                                    describe_value(kernel->bandwidth) + ")",
                                static_cast<std::size_t>(d),
                                [kernel](double, const process::StateView& x) -> Eigen::ArrayXXd { return kernel->score(x); }),
                     kernel->a,
                     kernel->centres,
                     kernel->bandwidth,
                     0.0,
                     0.0,
                     0.0};
  fit.model
      .with_divergence([kernel](double, const process::StateView& x) -> Eigen::ArrayXXd { return kernel->divergence(x); })
      .with_jacobian_vector_product([kernel](double, const process::StateView& x, const process::StateView& v) {
        return kernel->jacobian_vector_product(x, v);
      });
  fit.ism_loss = b.dot(kernel->a) + 0.5 * kernel->a.dot(g * kernel->a);
  fit.regularised_loss = fit.ism_loss + 0.5 * options.ridge * kernel->a.squaredNorm();
  fit.relative_residual = b_norm > 0.0 ? (system * kernel->a + b).norm() / b_norm : 0.0;
  return fit;
}

}  // namespace kolmo::score
