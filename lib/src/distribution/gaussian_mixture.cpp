#include "kolmo/distribution/gaussian_mixture.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <utility>

#include "kolmo/core/all_finite.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"
#include "mixture_tiles.hpp"

namespace kolmo::distribution {
namespace {

constexpr const char* class_name = "kolmo::distribution::GaussianMixture";
constexpr double epsilon = std::numeric_limits<double>::epsilon();
const double log_two_pi = std::log(2.0 * std::numbers::pi);

std::string indexed(std::string_view name, std::size_t k) {
  return std::string(name) + "[" + std::to_string(k) + "]";
}

/// A matrix in an error message: its entries when small, else its shape.
std::string describe_matrix(const Eigen::MatrixXd& m) {
  if (m.size() > 16) return describe_value(m.rows()) + "x" + describe_value(m.cols()) + " matrix";
  std::string text = "[";
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    text += i > 0 ? ", [" : "[";
    for (Eigen::Index j = 0; j < m.cols(); ++j) text += (j > 0 ? ", " : "") + describe_value(m(i, j));
    text += "]";
  }
  return text + "]";
}

void require_finite_entries(const Eigen::MatrixXd& m, std::string_view where, const std::string& parameter) {
  require(m.allFinite(), where, parameter, describe_matrix(m), "finite entries");
}

/// C = V Λ Vᵀ; a diagonal C (the empirical law's zero matrices) needs no iteration.
std::pair<Eigen::VectorXd, Eigen::MatrixXd> spectrum(const Eigen::MatrixXd& covariance) {
  const Eigen::Index d = covariance.rows();
  if (covariance.isDiagonal(0.0)) return {covariance.diagonal(), Eigen::MatrixXd::Identity(d, d)};
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(covariance);
  return {eigen.eigenvalues(), eigen.eigenvectors()};
}

/// Throws unless `covariance` is a finite, symmetric, positive semi-definite d × d matrix.
void check_covariance(const Eigen::MatrixXd& covariance, Eigen::Index d, const std::string& parameter,
                      const Eigen::VectorXd& eigenvalues) {
  const double scale = covariance.cwiseAbs().maxCoeff();
  const double asymmetry = (covariance - covariance.transpose()).cwiseAbs().maxCoeff();
  require(asymmetry <= 1e-12 * scale, class_name, parameter,
          describe_matrix(covariance) + " (max |C - C^T| = " + describe_value(asymmetry) + ")",
          "a symmetric matrix (to 1e-12 relative)");
  const double largest = eigenvalues.cwiseAbs().maxCoeff();
  const double smallest = eigenvalues.minCoeff();
  require(smallest >= -static_cast<double>(d) * epsilon * largest, class_name, parameter,
          describe_matrix(covariance) + " (smallest eigenvalue " + describe_value(smallest) + ")",
          "a positive semi-definite matrix");
}

/// Throws unless `directions` holds K ≥ 1 directions per point (k_count = stacked_directions > 0)
/// of the points' dimension.
void require_stacked_directions(const char* where, const process::StateView& points,
                                const process::StateView& directions, Eigen::Index k_count) {
  require(directions.cols() == points.cols() && k_count > 0, where, "directions",
          describe_value(directions.rows()) + "x" + describe_value(directions.cols()),
          "K >= 1 directions per point, K n x d for points " + describe_value(points.rows()) + "x" +
              describe_value(points.cols()));
}

}  // namespace

// --- construction ---------------------------------------------------------------------------

GaussianMixture::Factor GaussianMixture::factor(Eigen::VectorXd eigenvalues, Eigen::MatrixXd eigenvectors) {
  Factor f;
  const double d = static_cast<double>(eigenvalues.size());
  f.singular = eigenvalues.minCoeff() <= d * epsilon * eigenvalues.maxCoeff();
  if (!f.singular) {
    const Eigen::MatrixXd precision = eigenvectors * eigenvalues.cwiseInverse().asDiagonal() * eigenvectors.transpose();
    f.precision = (precision + precision.transpose()) / 2;  // symmetric to the last bit
    f.log_normaliser = -0.5 * (d * log_two_pi + eigenvalues.array().log().sum());
    f.precision_trace = eigenvalues.cwiseInverse().sum();
  }
  f.eigenvalues = std::move(eigenvalues);
  f.eigenvectors = std::move(eigenvectors);
  return f;
}

GaussianMixture::GaussianMixture(std::vector<double> weights, std::vector<Eigen::VectorXd> means,
                                 std::vector<Eigen::MatrixXd> covariances, std::vector<Factor> factors)
    : weights_(std::move(weights)),
      means_(std::move(means)),
      covariances_(std::move(covariances)),
      factors_(std::move(factors)) {}

GaussianMixture::GaussianMixture(std::vector<double> weights, std::vector<Eigen::VectorXd> means,
                                 std::vector<Eigen::MatrixXd> covariances)
    : weights_(std::move(weights)), means_(std::move(means)), covariances_(std::move(covariances)) {
  const std::size_t k_count = weights_.size();
  require_at_least(class_name, "weights.size()", k_count, 1);
  const std::string expected_count = "K = weights.size() = " + describe_value(k_count);
  require(means_.size() == k_count, class_name, "means.size()", means_.size(), expected_count);
  require(covariances_.size() == k_count, class_name, "covariances.size()", covariances_.size(), expected_count);
  const Eigen::Index d = means_[0].size();
  require_at_least(class_name, "means[0].size()", static_cast<std::uint64_t>(d), 1);

  double total = 0.0;
  for (std::size_t k = 0; k < k_count; ++k) {
    require_positive(class_name, indexed("weights", k), weights_[k]);
    total += weights_[k];
  }
  // A sum of K positive terms is rounded by at most (K − 1) ε relative (Higham 2002, §4.2).
  const double weight_tolerance = std::max(1e-12, static_cast<double>(k_count) * epsilon);
  require(std::abs(total - 1.0) <= weight_tolerance, class_name, "sum of weights", total,
          "1 (to " + describe_value(weight_tolerance) + ")");

  for (std::size_t k = 0; k < k_count; ++k) {
    const std::string mean = indexed("means", k), covariance = indexed("covariances", k);
    require(means_[k].size() == d, class_name, mean + ".size()", means_[k].size(),
            "d = " + describe_value(d) + " (the size of means[0])");
    require_finite_entries(means_[k], class_name, mean);
    const Eigen::MatrixXd& c = covariances_[k];
    require(c.rows() == d && c.cols() == d, class_name, covariance,
            describe_value(c.rows()) + "x" + describe_value(c.cols()) + " matrix",
            "a " + describe_value(d) + "x" + describe_value(d) + " matrix");
    require_finite_entries(c, class_name, covariance);
    auto [eigenvalues, eigenvectors] = spectrum((c + c.transpose()) / 2);
    check_covariance(c, d, covariance, eigenvalues);
    factors_.push_back(factor(std::move(eigenvalues), std::move(eigenvectors)));
  }
}

GaussianMixture GaussianMixture::gaussian(const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance) {
  return GaussianMixture({1.0}, {mean}, {covariance});
}

GaussianMixture GaussianMixture::empirical(const Eigen::ArrayXXd& data) {
  constexpr const char* where = "kolmo::distribution::GaussianMixture::empirical";
  require_at_least(where, "data.rows()", static_cast<std::uint64_t>(data.rows()), 1);
  require_at_least(where, "data.cols()", static_cast<std::uint64_t>(data.cols()), 1);
  const auto n = static_cast<std::size_t>(data.rows());
  std::vector<Eigen::VectorXd> means(n);
  for (std::size_t i = 0; i < n; ++i) means[i] = data.row(static_cast<Eigen::Index>(i)).transpose();
  const Eigen::MatrixXd zero = Eigen::MatrixXd::Zero(data.cols(), data.cols());
  return GaussianMixture(std::vector<double>(n, 1.0 / static_cast<double>(n)), std::move(means),
                         std::vector<Eigen::MatrixXd>(n, zero));
}

// --- moments and pushed laws ----------------------------------------------------------------

std::size_t GaussianMixture::dimension() const { return static_cast<std::size_t>(means_[0].size()); }
std::size_t GaussianMixture::components() const { return weights_.size(); }
const std::vector<double>& GaussianMixture::weights() const { return weights_; }
const std::vector<Eigen::VectorXd>& GaussianMixture::means() const { return means_; }
const std::vector<Eigen::MatrixXd>& GaussianMixture::covariances() const { return covariances_; }

bool GaussianMixture::has_density() const {
  return std::none_of(factors_.begin(), factors_.end(), [](const Factor& f) { return f.singular; });
}

Eigen::VectorXd GaussianMixture::mean() const {
  Eigen::VectorXd m = Eigen::VectorXd::Zero(means_[0].size());
  for (std::size_t k = 0; k < components(); ++k) m += weights_[k] * means_[k];
  return m;
}

Eigen::MatrixXd GaussianMixture::covariance() const {
  // Law of total covariance, with the between-component part centred first (no cancellation).
  const Eigen::VectorXd m = mean();
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(m.size(), m.size());
  for (std::size_t k = 0; k < components(); ++k) {
    const Eigen::VectorXd offset = means_[k] - m;
    c += weights_[k] * (covariances_[k] + offset * offset.transpose());
  }
  return c;
}

GaussianMixture GaussianMixture::noised(double alpha, double sigma) const {
  constexpr const char* where = "kolmo::distribution::GaussianMixture::noised";
  require_finite(where, "alpha", alpha);
  require_non_negative(where, "sigma", sigma);
  const Eigen::Index d = means_[0].size();
  const Eigen::MatrixXd noise = sigma * sigma * Eigen::MatrixXd::Identity(d, d);
  std::vector<Eigen::VectorXd> means;
  std::vector<Eigen::MatrixXd> covariances;
  std::vector<Factor> factors;
  for (std::size_t k = 0; k < components(); ++k) {
    means.push_back(alpha * means_[k]);
    covariances.push_back(alpha * alpha * covariances_[k] + noise);
    // α² V Λ Vᵀ + σ² I = V (α² Λ + σ²) Vᵀ: same eigenvectors.
    const Factor& f = factors_[k];
    factors.push_back(factor((alpha * alpha * f.eigenvalues.array() + sigma * sigma).matrix(), f.eigenvectors));
  }
  return GaussianMixture(weights_, std::move(means), std::move(covariances), std::move(factors));
}

// --- densities ------------------------------------------------------------------------------

void GaussianMixture::check_points(const process::StateView& points, const char* where) const {
  require(points.cols() == means_[0].size(), where, "points.cols()", points.cols(),
          "d = " + describe_value(means_[0].size()));
  if (!all_finite_columns(points)) {
    for (Eigen::Index j = 0; j < points.cols(); ++j) {
      for (Eigen::Index i = 0; i < points.rows(); ++i) {
        require(std::isfinite(points(i, j)), where,
                "points(" + describe_value(i) + ", " + describe_value(j) + ")", points(i, j), "a finite number");
      }
    }
  }
  for (std::size_t k = 0; k < components(); ++k) {
    if (!factors_[k].singular) continue;  // the message is formatted only for a failure
    require(false, where, indexed("covariances", k), describe_matrix(covariances_[k]) + " (singular)",
            "positive-definite component covariances: this law has no density (noise it with sigma > 0)");
  }
}

detail::MixtureConstants GaussianMixture::constants() const {
  const std::size_t K = components(), d = dimension();
  detail::MixtureConstants m{K, d, {}, {}, {}, {}};
  m.means.reserve(K * d);
  m.precisions.reserve(K * d * d);
  for (std::size_t k = 0; k < K; ++k) {
    const Factor& f = factors_[k];
    m.means.insert(m.means.end(), means_[k].data(), means_[k].data() + d);
    for (Eigen::Index j = 0; j < f.precision.rows(); ++j) {
      for (Eigen::Index l = 0; l < f.precision.cols(); ++l) m.precisions.push_back(f.precision(j, l));
    }
    m.log_constants.push_back(std::log(weights_[k]) + f.log_normaliser);
    m.precision_traces.push_back(f.precision_trace);
  }
  return m;
}

Eigen::ArrayXd GaussianMixture::far_point_posterior(const Eigen::VectorXd& x) const {
  // Here every quadratic form q_k = (x − μ_k)ᵀ P_k (x − μ_k), P_k = C_k⁻¹, overflowed (|x| beyond
  // ~1e150), so every log(w_k N_k) is −inf and their soft-max 0/0. The posterior needs only the
  // differences q_k − q_ref, which are representable: expanding the quadratic forms,
  //   q_k − q_ref = xᵀ(P_k − P_ref)x − 2xᵀ(P_k μ_k − P_ref μ_ref) + μ_kᵀP_kμ_k − μ_refᵀP_refμ_ref,
  // whose first term vanishes exactly between components of equal precision and otherwise is
  // computed from x/|x| and overflows only towards the +inf that gives weight 0. The reference
  // is the component with the smallest q_k/|x|², the one that dominates far away.
  const auto K = static_cast<Eigen::Index>(components());
  const double scale = x.cwiseAbs().maxCoeff();
  const Eigen::VectorXd unit = x / scale;
  Eigen::Index ref = 0;
  Eigen::ArrayXd scaled_q(K);
  for (Eigen::Index k = 0; k < K; ++k) {
    const Eigen::VectorXd r = unit - means_[static_cast<std::size_t>(k)] / scale;
    scaled_q[k] = r.dot(factors_[static_cast<std::size_t>(k)].precision * r);
  }
  scaled_q.minCoeff(&ref);
  const auto& p_ref = factors_[static_cast<std::size_t>(ref)].precision;
  const auto& m_ref = means_[static_cast<std::size_t>(ref)];
  Eigen::ArrayXd log_ratio(K);
  for (Eigen::Index k = 0; k < K; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    const Eigen::MatrixXd& p_k = factors_[kk].precision;
    const double curvature = unit.dot((p_k - p_ref) * unit);
    const double quadratic = curvature == 0.0 ? 0.0 : scale * (scale * curvature);
    const double linear = -2.0 * x.dot(p_k * means_[kk] - p_ref * m_ref);
    const double constant = means_[kk].dot(p_k * means_[kk]) - m_ref.dot(p_ref * m_ref);
    log_ratio[k] = std::log(weights_[kk] / weights_[static_cast<std::size_t>(ref)]) + factors_[kk].log_normaliser -
                   factors_[static_cast<std::size_t>(ref)].log_normaliser - 0.5 * (quadratic + linear + constant);
  }
  // A curvature that rounds below 0 would make another component win by +inf: it then takes
  // all the weight, as the exact arithmetic would give it.
  if ((log_ratio == std::numeric_limits<double>::infinity()).any()) {
    return (log_ratio == std::numeric_limits<double>::infinity()).cast<double>() /
           static_cast<double>((log_ratio == std::numeric_limits<double>::infinity()).count());
  }
  // std::exp, not Eigen's vectorised exp, which clamps its argument and returns 5.6e-309 for
  // exp(−inf): a weight that must be exactly 0 here, or 0 · inf = NaN in the score divergence.
  const double top = log_ratio.maxCoeff();
  const Eigen::ArrayXd w = log_ratio.unaryExpr([top](double l) { return std::exp(l - top); });
  return w / w.sum();
}

template <class Consume>
void GaussianMixture::for_each_tile(const process::StateView& points, const char* where, Consume consume) const {
  check_points(points, where);
  const detail::MixtureConstants constants = this->constants();
  const std::size_t capacity = detail::tile_capacity(components(), dimension());
  detail::MixtureTile tile(constants, capacity);
  const auto rows = static_cast<std::size_t>(points.rows());
  for (std::size_t first = 0; first < rows; first += capacity) {
    const std::size_t count = std::min(capacity, rows - first);
    const auto block = points.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count));
    // A StateView's columns are contiguous (inner stride 1): the tile reads them in place.
    if (!tile.evaluate(block.data(), block.outerStride(), count)) {
      for (std::size_t i = 0; i < count; ++i) {
        if (tile.finite(i)) continue;
        const Eigen::ArrayXd posterior = far_point_posterior(block.row(static_cast<Eigen::Index>(i)).transpose());
        tile.set_posterior(i, posterior.data());
      }
    }
    consume(static_cast<Eigen::Index>(first), tile);
  }
}

Eigen::ArrayXd GaussianMixture::log_density(const process::StateView& points) const {
  Eigen::ArrayXd out(points.rows());
  for_each_tile(points, "kolmo::distribution::GaussianMixture::log_density",
                [&](Eigen::Index first, const detail::MixtureTile& tile) { tile.log_density(out.data() + first); });
  return out;
}

Eigen::ArrayXXd GaussianMixture::responsibilities(const process::StateView& points) const {
  Eigen::ArrayXXd out(points.rows(), static_cast<Eigen::Index>(components()));
  for_each_tile(points, "kolmo::distribution::GaussianMixture::responsibilities",
                [&](Eigen::Index first, const detail::MixtureTile& tile) {
                  tile.posterior(out.data() + first, out.outerStride());
                });
  return out;
}

Eigen::ArrayXXd GaussianMixture::score(const process::StateView& points) const {
  Eigen::ArrayXXd out(points.rows(), points.cols());
  for_each_tile(points, "kolmo::distribution::GaussianMixture::score",
                [&](Eigen::Index first, detail::MixtureTile& tile) { tile.score(out.data() + first, out.outerStride()); });
  return out;
}

Eigen::ArrayXd GaussianMixture::score_divergence(const process::StateView& points) const {
  Eigen::ArrayXd out(points.rows());
  for_each_tile(points, "kolmo::distribution::GaussianMixture::score_divergence",
                [&](Eigen::Index first, detail::MixtureTile& tile) { tile.score_divergence(out.data() + first); });
  return out;
}

Eigen::ArrayXXd GaussianMixture::score_jacobian_product(const process::StateView& points,
                                                       const process::StateView& directions) const {
  constexpr const char* where = "kolmo::distribution::GaussianMixture::score_jacobian_product";
  const Eigen::Index n = points.rows(), k_count = process::stacked_directions(n, directions.rows());
  require_stacked_directions(where, points, directions, k_count);
  Eigen::ArrayXXd out(directions.rows(), points.cols());
  // A tile's posterior is formed once and applied to all K directions of its points. A view's
  // columns are contiguous (inner stride 1): the tile reads the directions in place.
  for_each_tile(points, where, [&](Eigen::Index first, detail::MixtureTile& tile) {
    for (Eigen::Index k = 0; k < k_count; ++k) {
      tile.score_jacobian_product(directions.data() + k * n + first, directions.outerStride(), out.data() + k * n + first,
                                  out.outerStride());
    }
  });
  return out;
}

Eigen::ArrayXXd GaussianMixture::score_jacobian_quadratic_forms(const process::StateView& points,
                                                               const process::StateView& directions) const {
  constexpr const char* where = "kolmo::distribution::GaussianMixture::score_jacobian_quadratic_forms";
  const Eigen::Index n = points.rows(), k_count = process::stacked_directions(n, directions.rows());
  require_stacked_directions(where, points, directions, k_count);
  Eigen::ArrayXXd out(n, k_count);
  for_each_tile(points, where, [&](Eigen::Index first, detail::MixtureTile& tile) {
    tile.score_jacobian_quadratic_forms(directions.data() + first, directions.outerStride(), n,
                                        static_cast<std::size_t>(k_count), out.data() + first, out.outerStride());
  });
  return out;
}

Eigen::ArrayXd GaussianMixture::cdf(const Eigen::ArrayXd& x) const {
  constexpr const char* where = "kolmo::distribution::GaussianMixture::cdf";
  require(dimension() == 1, where, "dimension()", dimension(), "1 (the CDF is defined in 1-D)");
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    require(!std::isnan(x[i]), where, "x(" + describe_value(i) + ")", x[i], "a number");
  }
  Eigen::ArrayXd out = Eigen::ArrayXd::Zero(x.size());
  for (std::size_t k = 0; k < components(); ++k) {
    const double m = means_[k][0], sd = std::sqrt(std::max(0.0, factors_[k].eigenvalues[0]));
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      // Φ(z) = ½ erfc(−z/√2): accurate in the lower tail, where 1 − Φ would cancel.
      const double phi = sd > 0.0 ? 0.5 * std::erfc(-(x[i] - m) / (sd * std::numbers::sqrt2)) : (x[i] >= m ? 1.0 : 0.0);
      out[i] += weights_[k] * phi;
    }
  }
  return out;
}

// --- sampling -------------------------------------------------------------------------------

Eigen::ArrayXXd GaussianMixture::sample(std::uint64_t seed, std::uint64_t first_path, std::size_t count,
                                        int threads) const {
  constexpr const char* where = "kolmo::distribution::GaussianMixture::sample";
  require(threads >= 1, where, "threads", threads, "at least 1");
  const auto d = static_cast<std::size_t>(dimension());
  Eigen::ArrayXXd z(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d));
  Eigen::ArrayXd u(static_cast<Eigen::Index>(count));
  if (count == 0) return z;
  // Normals at components 0..d−1 and the uniform at component d, all at step 0 of each path.
  random::fill_standard_normals({seed, random::Purpose::initial_state, 0, first_path, count, d, 0},
                                std::span<double>(z.data(), count * d), threads);
  random::fill_uniforms({seed, random::Purpose::initial_state, 0, first_path, count, 1, d},
                        std::span<double>(u.data(), count), threads);

  // Component by inversion of the cumulative weights; the point as μ_k + C_k^{1/2} z with the
  // symmetric root V Λ^{1/2} Vᵀ (defined for singular C_k too).
  std::vector<double> cumulative(components());
  std::vector<Eigen::MatrixXd> roots(components());
  double running = 0.0;
  for (std::size_t k = 0; k < components(); ++k) {
    cumulative[k] = running += weights_[k];
    const Factor& f = factors_[k];
    roots[k] = f.eigenvectors * f.eigenvalues.cwiseMax(0.0).cwiseSqrt().asDiagonal() * f.eigenvectors.transpose();
  }
  Eigen::ArrayXXd x(z.rows(), z.cols());
  const auto rows = static_cast<std::int64_t>(count);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t i = 0; i < rows; ++i) {
    const auto chosen = std::upper_bound(cumulative.begin(), cumulative.end() - 1, u[i] * running);
    const auto k = static_cast<std::size_t>(chosen - cumulative.begin());
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
      double value = means_[k][j];
      for (Eigen::Index c = 0; c < z.cols(); ++c) value += roots[k](j, c) * z(i, c);
      x(i, j) = value;
    }
  }
  return x;
}

}  // namespace kolmo::distribution
