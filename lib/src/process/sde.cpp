#include "kolmo/process/sde.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::process {
namespace {

std::string shape(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

/// Throws unless a coefficient returned `expected_cols` columns for each of `rows` paths.
void check_result(const Eigen::ArrayXXd& value, Eigen::Index rows, Eigen::Index expected_cols,
                  const std::string& sde_name, const char* coefficient, const char* layout) {
  // Checked on every call, so the message is built only on failure.
  if (value.rows() == rows && value.cols() == expected_cols) return;
  throw_bad_argument("kolmo::process::Sde '" + sde_name + "'", coefficient, shape(value.rows(), value.cols()),
                     "an array of shape " + shape(rows, expected_cols) + " (" + layout + ")");
}

void require_function(bool present, const std::string& where, const char* parameter) {
  require(present, where, parameter, std::string_view("an empty function"), "a callable");
}

/// Throws unless `coefficient` is callable and the noise diagonal, where `quantity` is defined.
void require_diagonal_extra(NoiseKind noise, const BatchCoefficient& coefficient, const char* where,
                            const char* parameter, const char* quantity) {
  require(noise == NoiseKind::diagonal, where, "noise", std::string_view(to_string(noise)),
          std::string("diagonal noise (") + quantity + " is defined for diagonal noise only)");
  require_function(static_cast<bool>(coefficient), where, parameter);
}

}  // namespace

Sde::Sde(std::string name, std::size_t dimension, std::size_t noise_dimension, NoiseKind noise,
         BatchCoefficient drift)
    : name_(std::move(name)),
      dimension_(dimension),
      noise_dimension_(noise_dimension),
      noise_(noise),
      drift_(std::move(drift)) {
  constexpr const char* where = "kolmo::process::Sde";
  require(!name_.empty(), where, "name", std::string_view("\"\""), "a non-empty name");
  require_at_least(where, "dimension", dimension_, 1);
  require_at_least(where, "noise_dimension", noise_dimension_, 1);
  require_function(static_cast<bool>(drift_), where, "drift");
}

Sde Sde::additive(std::string name, std::size_t dimension, std::size_t noise_dimension,
                  BatchCoefficient drift, TimeMatrix diffusion) {
  Sde sde(std::move(name), dimension, noise_dimension, NoiseKind::additive, std::move(drift));
  require_function(static_cast<bool>(diffusion), "kolmo::process::Sde::additive", "diffusion");
  sde.additive_diffusion_ = std::move(diffusion);
  return sde;
}

Sde Sde::diagonal(std::string name, std::size_t dimension, BatchCoefficient drift, BatchCoefficient diffusion) {
  Sde sde(std::move(name), dimension, dimension, NoiseKind::diagonal, std::move(drift));
  require_function(static_cast<bool>(diffusion), "kolmo::process::Sde::diagonal", "diffusion");
  sde.diffusion_ = std::move(diffusion);
  return sde;
}

Sde Sde::general(std::string name, std::size_t dimension, std::size_t noise_dimension,
                 BatchCoefficient drift, BatchCoefficient diffusion) {
  Sde sde(std::move(name), dimension, noise_dimension, NoiseKind::general, std::move(drift));
  require_function(static_cast<bool>(diffusion), "kolmo::process::Sde::general", "diffusion");
  sde.diffusion_ = std::move(diffusion);
  return sde;
}

Sde& Sde::with_diffusion_derivative(BatchCoefficient derivative) {
  require_diagonal_extra(noise_, derivative, "kolmo::process::Sde::with_diffusion_derivative", "derivative", "dg_i/dx_i");
  diffusion_derivative_ = std::move(derivative);
  return *this;
}

Sde& Sde::with_diffusion_derivative_product(BatchCoefficient product) {
  require_diagonal_extra(noise_, product, "kolmo::process::Sde::with_diffusion_derivative_product", "product",
                         "g_i dg_i/dx_i");
  diffusion_derivative_product_ = std::move(product);
  return *this;
}

Sde& Sde::with_state_space(Eigen::VectorXd lower, Eigen::VectorXd upper) {
  constexpr const char* where = "kolmo::process::Sde::with_state_space";
  const auto d = static_cast<Eigen::Index>(dimension_);
  require(lower.size() == d, where, "lower.size()", lower.size(), "the dimension " + describe_value(d));
  require(upper.size() == d, where, "upper.size()", upper.size(), "the dimension " + describe_value(d));
  for (Eigen::Index i = 0; i < d; ++i) {
    const std::string lower_name = "lower[" + std::to_string(i) + "]";
    const std::string upper_name = "upper[" + std::to_string(i) + "]";
    require(!std::isnan(lower[i]), where, lower_name, lower[i], "a number or -inf");
    if (std::isnan(upper[i]) || !(upper[i] > lower[i])) {
      throw_bad_argument(where, upper_name, describe_value(upper[i]), "above " + lower_name + " = " + describe_value(lower[i]));
    }
  }
  state_lower_ = std::move(lower);
  state_upper_ = std::move(upper);
  return *this;
}

Sde& Sde::with_drift_divergence(BatchCoefficient divergence) {
  require_function(static_cast<bool>(divergence), "kolmo::process::Sde::with_drift_divergence", "divergence");
  drift_divergence_ = std::move(divergence);
  return *this;
}

Sde& Sde::with_drift_jacobian_product(DirectionalCoefficient product) {
  require_function(static_cast<bool>(product), "kolmo::process::Sde::with_drift_jacobian_product", "product");
  drift_jacobian_product_ = std::move(product);
  return *this;
}

Sde& Sde::with_calculus(Calculus calculus) {
  calculus_ = calculus;
  return *this;
}

Sde& Sde::with_time_dependence(TimeDependence dependence) {
  time_dependence_ = dependence;
  return *this;
}

void Sde::check_state(const StateView& x, const char* where) const {
  if (x.cols() == static_cast<Eigen::Index>(dimension_)) return;
  throw_bad_argument(where, "x", shape(x.rows(), x.cols()) + " batch",
                     "one column per component, dimension = " + describe_value(dimension_));
}

Eigen::ArrayXXd Sde::drift(double t, const StateView& x) const {
  check_state(x, "kolmo::process::Sde::drift");
  Eigen::ArrayXXd value = drift_(t, x);
  check_result(value, x.rows(), x.cols(), name_, "drift(t, x)", "paths x dimension");
  return value;
}

Eigen::MatrixXd Sde::diffusion_matrix(double t) const {
  constexpr const char* where = "kolmo::process::Sde::diffusion_matrix";
  require(noise_ == NoiseKind::additive, where, "noise", std::string_view(to_string(noise_)),
          "additive noise (use diffusion(t, x) otherwise)");
  Eigen::MatrixXd value = additive_diffusion_(t);
  const auto d = static_cast<Eigen::Index>(dimension_);
  const auto m = static_cast<Eigen::Index>(noise_dimension_);
  if (value.rows() != d || value.cols() != m) {
    throw_bad_argument("kolmo::process::Sde '" + name_ + "'", "diffusion(t)", shape(value.rows(), value.cols()),
                       "a matrix of shape " + shape(d, m) + " (dimension x noise_dimension)");
  }
  return value;
}

Eigen::ArrayXXd Sde::diffusion(double t, const StateView& x) const {
  constexpr const char* where = "kolmo::process::Sde::diffusion";
  require(noise_ != NoiseKind::additive, where, "noise", std::string_view("additive"),
          "diagonal or general noise (use diffusion_matrix(t) for additive noise)");
  check_state(x, where);
  Eigen::ArrayXXd value = diffusion_(t, x);
  if (noise_ == NoiseKind::diagonal) {
    check_result(value, x.rows(), x.cols(), name_, "diffusion(t, x)", "paths x dimension, g_i per column");
  } else {
    check_result(value, x.rows(), static_cast<Eigen::Index>(dimension_ * noise_dimension_), name_,
                 "diffusion(t, x)", "paths x (dimension * noise_dimension), g_ij in column i + d j");
  }
  return value;
}

Eigen::ArrayXXd Sde::diffusion_derivative(double t, const StateView& x) const {
  constexpr const char* where = "kolmo::process::Sde::diffusion_derivative";
  require(has_diffusion_derivative(), where, "diffusion_derivative", std::string_view("not supplied"),
          "with_diffusion_derivative() to have been called");
  check_state(x, where);
  Eigen::ArrayXXd value = diffusion_derivative_(t, x);
  check_result(value, x.rows(), x.cols(), name_, "diffusion_derivative(t, x)", "paths x dimension");
  return value;
}

Eigen::ArrayXXd Sde::diffusion_derivative_product(double t, const StateView& x, const Eigen::ArrayXXd* g) const {
  constexpr const char* where = "kolmo::process::Sde::diffusion_derivative_product";
  require(has_diffusion_derivative_product(), where, "diffusion_derivative_product", std::string_view("not supplied"),
          "with_diffusion_derivative_product() or with_diffusion_derivative() to have been called");
  check_state(x, where);
  if (!diffusion_derivative_product_) return (g != nullptr ? *g : diffusion(t, x)) * diffusion_derivative(t, x);
  Eigen::ArrayXXd value = diffusion_derivative_product_(t, x);
  check_result(value, x.rows(), x.cols(), name_, "diffusion_derivative_product(t, x)", "paths x dimension");
  return value;
}

Eigen::ArrayXXd Sde::drift_divergence(double t, const StateView& x) const {
  constexpr const char* where = "kolmo::process::Sde::drift_divergence";
  require(has_drift_divergence(), where, "drift_divergence", std::string_view("not supplied"),
          "with_drift_divergence() to have been called");
  check_state(x, where);
  Eigen::ArrayXXd value = drift_divergence_(t, x);
  check_result(value, x.rows(), 1, name_, "drift_divergence(t, x)", "paths x 1");
  return value;
}

Eigen::ArrayXXd Sde::drift_jacobian_product(double t, const StateView& x, const StateView& v) const {
  constexpr const char* where = "kolmo::process::Sde::drift_jacobian_product";
  require(has_drift_jacobian_product(), where, "drift_jacobian_product", std::string_view("not supplied"),
          "with_drift_jacobian_product() to have been called");
  check_state(x, where);
  require(v.rows() == x.rows() && v.cols() == x.cols(), where, "v",
          describe_value(v.rows()) + "x" + describe_value(v.cols()),
          "the shape of x, " + describe_value(x.rows()) + "x" + describe_value(x.cols()));
  Eigen::ArrayXXd value = drift_jacobian_product_(t, x, v);
  check_result(value, x.rows(), x.cols(), name_, "drift_jacobian_product(t, x, v)", "paths x dimension");
  return value;
}

Eigen::ArrayXXd stacked_dot_products(const StateView& u, const StateView& z, Eigen::Index points) {
  const Eigen::Index k_count = points == 0 ? 0 : z.rows() / points;
  Eigen::ArrayXXd out = Eigen::ArrayXXd::Zero(points, k_count);
  for (Eigen::Index k = 0; k < k_count; ++k) {
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
      out.col(k) += u.col(j).segment(k * points, points) * z.col(j).segment(k * points, points);
    }
  }
  return out;
}

Eigen::ArrayXXd repeated_rows(const StateView& x, Eigen::Index copies) {
  Eigen::ArrayXXd out(copies * x.rows(), x.cols());
  for (Eigen::Index c = 0; c < copies; ++c) out.middleRows(c * x.rows(), x.rows()) = x;
  return out;
}

DirectionalCoefficient one_direction_per_row(DirectionalCoefficient product) {
  return [product = std::move(product)](double t, const StateView& x, const StateView& v) -> Eigen::ArrayXXd {
    const Eigen::Index k_count = stacked_directions(x.rows(), v.rows());
    if (k_count <= 1) return product(t, x, v);
    return product(t, repeated_rows(x, k_count), v);
  };
}

}  // namespace kolmo::process
