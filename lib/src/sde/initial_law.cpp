#include "kolmo/sde/initial_law.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <utility>
#include <vector>

#include "kolmo/core/validate.hpp"
#include "kolmo/random/normal.hpp"

namespace kolmo::sde {
namespace {

constexpr const char* class_name = "kolmo::sde::InitialLaw";

void require_all_finite(const Eigen::ArrayXXd& values, const char* where, const char* parameter) {
  for (Eigen::Index j = 0; j < values.cols(); ++j) {
    for (Eigen::Index i = 0; i < values.rows(); ++i) {
      if (!std::isfinite(values(i, j))) {
        require(false, where, std::string(parameter) + "(" + std::to_string(i) + ", " + std::to_string(j) + ")",
                values(i, j), "a finite number");
      }
    }
  }
}

}  // namespace

InitialLaw::InitialLaw(std::size_t dimension, std::size_t fixed_paths, Sampler sampler)
    : dimension_(dimension), fixed_paths_(fixed_paths), sampler_(std::move(sampler)) {}

InitialLaw InitialLaw::point(const Eigen::VectorXd& x0) {
  constexpr const char* where = "kolmo::sde::InitialLaw::point";
  require_at_least(where, "x0.size()", static_cast<std::uint64_t>(x0.size()), 1);
  require_all_finite(x0.array(), where, "x0");
  const Eigen::RowVectorXd row = x0.transpose();
  return InitialLaw(static_cast<std::size_t>(x0.size()), 0,
                    [row](std::uint64_t, std::uint64_t, std::size_t count) -> Eigen::ArrayXXd {
                      return row.replicate(static_cast<Eigen::Index>(count), 1).array();
                    });
}

InitialLaw InitialLaw::points(Eigen::ArrayXXd states) {
  constexpr const char* where = "kolmo::sde::InitialLaw::points";
  require_at_least(where, "states.rows()", static_cast<std::uint64_t>(states.rows()), 1);
  require_at_least(where, "states.cols()", static_cast<std::uint64_t>(states.cols()), 1);
  require_all_finite(states, where, "states");
  const auto rows = static_cast<std::size_t>(states.rows());
  const auto cols = static_cast<std::size_t>(states.cols());
  return InitialLaw(cols, rows,
                    [states = std::move(states)](std::uint64_t, std::uint64_t first, std::size_t count)
                        -> Eigen::ArrayXXd {
                      return states.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count));
                    });
}

InitialLaw InitialLaw::gaussian(const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance) {
  constexpr const char* where = "kolmo::sde::InitialLaw::gaussian";
  const auto d = mean.size();
  require_at_least(where, "mean.size()", static_cast<std::uint64_t>(d), 1);
  require_all_finite(mean.array(), where, "mean");
  require(covariance.rows() == d && covariance.cols() == d, where, "covariance",
          describe_value(covariance.rows()) + "x" + describe_value(covariance.cols()),
          "a " + describe_value(d) + "x" + describe_value(d) + " matrix matching mean");
  require_all_finite(covariance.array(), where, "covariance");
  const double asymmetry = (covariance - covariance.transpose()).cwiseAbs().maxCoeff();
  require(asymmetry <= 1e-12 * std::max(1.0, covariance.cwiseAbs().maxCoeff()), where,
          "covariance asymmetry max|C - C^T|", asymmetry, "a symmetric matrix");
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(covariance);
  const double smallest = eigen.eigenvalues().minCoeff();
  require(smallest >= -1e-12 * std::max(1.0, eigen.eigenvalues().cwiseAbs().maxCoeff()), where,
          "smallest covariance eigenvalue", smallest, "a positive semi-definite covariance");
  const Eigen::MatrixXd root = eigen.eigenvectors() * eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal() *
                               eigen.eigenvectors().transpose();
  const Eigen::RowVectorXd mean_row = mean.transpose();
  return InitialLaw(static_cast<std::size_t>(d), 0,
                    [mean_row, root](std::uint64_t seed, std::uint64_t first, std::size_t count) -> Eigen::ArrayXXd {
                      const auto dim = static_cast<std::size_t>(mean_row.size());
                      std::vector<double> z(count * dim);
                      random::fill_standard_normals(
                          {seed, random::Purpose::initial_state, 0, first, count, dim, 0}, z);
                      const Eigen::Map<const Eigen::MatrixXd> normals(z.data(), static_cast<Eigen::Index>(count),
                                                                      static_cast<Eigen::Index>(dim));
                      return ((normals * root.transpose()).rowwise() + mean_row).array();
                    });
}

InitialLaw InitialLaw::custom(std::size_t dimension, Sampler sampler) {
  constexpr const char* where = "kolmo::sde::InitialLaw::custom";
  require_at_least(where, "dimension", dimension, 1);
  require(static_cast<bool>(sampler), where, "sampler", std::string_view("an empty function"), "a callable");
  return InitialLaw(dimension, 0, std::move(sampler));
}

Eigen::ArrayXXd InitialLaw::sample(std::uint64_t seed, std::uint64_t first_path, std::size_t count) const {
  constexpr const char* where = "kolmo::sde::InitialLaw::sample";
  if (fixed_paths_ > 0) {
    require(first_path + count <= fixed_paths_, where, "first_path + count", first_path + count,
            "at most the number of given points, " + describe_value(fixed_paths_));
  }
  Eigen::ArrayXXd states = sampler_(seed, first_path, count);
  require(states.rows() == static_cast<Eigen::Index>(count) && states.cols() == static_cast<Eigen::Index>(dimension_),
          where, "sampler result", describe_value(states.rows()) + "x" + describe_value(states.cols()),
          "an array of shape " + describe_value(count) + "x" + describe_value(dimension_));
  return states;
}

}  // namespace kolmo::sde
