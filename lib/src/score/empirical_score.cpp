#include "kolmo/score/empirical_score.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"

namespace kolmo::score {
namespace {

constexpr Eigen::Index block_rows = 256;

struct Empirical {
  Eigen::MatrixXd data;  ///< N × d
  Eigen::ArrayXd data_norms;
  process::NoiseSchedule schedule;

  struct Coefficients {
    double alpha, sigma;
  };
  [[nodiscard]] Coefficients at(double t) const {
    constexpr const char* where = "kolmo::score::empirical_score";
    require_closed_interval(where, "t", t, 0.0, schedule.horizon());
    const Coefficients c{schedule.alpha(t), schedule.sigma(t)};
    require(c.sigma > 0.0, where, "t", t, "a time with sigma(t) > 0: the empirical law has no score without noise");
    return c;
  }

  /// Softmax weights w_ij over the data for a block of points: rows × N. The row-constant |x|²
  /// is left out of the logits, which softmax ignores.
  [[nodiscard]] Eigen::MatrixXd weights(Coefficients c, const process::StateView& x) const {
    Eigen::ArrayXXd logits = (c.alpha / (c.sigma * c.sigma)) * (x.matrix() * data.transpose()).array();
    logits.rowwise() -= (0.5 * c.alpha * c.alpha / (c.sigma * c.sigma)) * data_norms.transpose();
    logits.colwise() -= logits.rowwise().maxCoeff();
    Eigen::ArrayXXd w = logits.exp();
    w.colwise() /= w.rowwise().sum();
    return w.matrix();
  }

  template <class Consume>
  void for_each_block(double t, const process::StateView& x, Consume consume) const {
    const Coefficients c = at(t);
    for (Eigen::Index first = 0; first < x.rows(); first += block_rows) {
      const Eigen::Index rows = std::min(block_rows, x.rows() - first);
      const auto xb = x.middleRows(first, rows);
      const Eigen::MatrixXd w = weights(c, xb);
      consume(first, rows, c, xb, w, Eigen::MatrixXd(w * data));  // ȳ per row
    }
  }

  [[nodiscard]] Eigen::ArrayXXd score(double t, const process::StateView& x) const {
    Eigen::ArrayXXd out(x.rows(), x.cols());
    for_each_block(t, x, [&](Eigen::Index first, Eigen::Index rows, Coefficients c, const auto& xb, const auto&,
                             const Eigen::MatrixXd& mean) {
      out.middleRows(first, rows) = (c.alpha * mean.array() - xb) / (c.sigma * c.sigma);
    });
    return out;
  }

  [[nodiscard]] Eigen::ArrayXXd divergence(double t, const process::StateView& x) const {
    Eigen::ArrayXXd out(x.rows(), 1);
    const auto d = static_cast<double>(x.cols());
    for_each_block(t, x, [&](Eigen::Index first, Eigen::Index rows, Coefficients c, const auto&,
                             const Eigen::MatrixXd& w, const Eigen::MatrixXd& mean) {
      const double s2 = c.sigma * c.sigma;
      // The spread Σ_j w_j |y_j|² − |ȳ|² ≥ 0, clipped at 0 against rounding.
      const Eigen::ArrayXd second = (w * data_norms.matrix()).array();
      const Eigen::ArrayXd spread = (second - mean.array().square().rowwise().sum()).max(0.0);
      out.col(0).segment(first, rows) = -d / s2 + (c.alpha * c.alpha / (s2 * s2)) * spread;
    });
    return out;
  }

  [[nodiscard]] Eigen::ArrayXXd jacobian_vector_product(double t, const process::StateView& x,
                                                        const process::StateView& v) const {
    Eigen::ArrayXXd out(x.rows(), x.cols());
    for_each_block(t, x, [&](Eigen::Index first, Eigen::Index rows, Coefficients c, const auto&,
                             const Eigen::MatrixXd& w, const Eigen::MatrixXd& mean) {
      const double s2 = c.sigma * c.sigma;
      const auto vb = v.middleRows(first, rows);
      // Σ_j w_ij y_j (y_j·v_i) = (w ∘ (V Yᵀ)) Y.
      const Eigen::MatrixXd projections = vb.matrix() * data.transpose();
      const Eigen::MatrixXd second = (w.array() * projections.array()).matrix() * data;
      const Eigen::ArrayXd mean_projection = (mean.array() * vb).rowwise().sum();
      out.middleRows(first, rows) =
          -vb / s2 + (c.alpha * c.alpha / (s2 * s2)) * (second.array() - mean.array().colwise() * mean_projection);
    });
    return out;
  }
};

}  // namespace

ScoreModel empirical_score(const Eigen::ArrayXXd& data, process::NoiseSchedule schedule) {
  constexpr const char* where = "kolmo::score::empirical_score";
  require(data.rows() >= 1 && data.cols() >= 1, where, "data", describe_value(data.rows()) + "x" + describe_value(data.cols()),
          "at least one point of dimension >= 1");
  require_all_finite(where, "data", data);
  auto law = std::make_shared<const Empirical>(
      Empirical{data.matrix(), data.square().rowwise().sum(), std::move(schedule)});
  const std::string name = "empirical-score(" + describe_value(data.rows()) + " points, " +
                           describe_value(data.cols()) + "-D, " + law->schedule.name() + ")";
  return ScoreModel(name, static_cast<std::size_t>(data.cols()),
                    [law](double t, const process::StateView& x) -> Eigen::ArrayXXd { return law->score(t, x); })
      .with_divergence([law](double t, const process::StateView& x) -> Eigen::ArrayXXd { return law->divergence(t, x); })
      .with_jacobian_vector_product([law](double t, const process::StateView& x, const process::StateView& v) {
        return law->jacobian_vector_product(t, x, v);
      });
}

}  // namespace kolmo::score
