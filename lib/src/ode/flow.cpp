#include "kolmo/ode/flow.hpp"

#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::ode {
namespace {

std::string shape(Eigen::Index rows, Eigen::Index cols) { return std::to_string(rows) + "x" + std::to_string(cols); }

void check_shape(const Eigen::ArrayXXd& value, Eigen::Index rows, Eigen::Index cols, const std::string& flow,
                 const char* what) {
  if (value.rows() == rows && value.cols() == cols) return;  // checked on every call: message only on failure
  throw_bad_argument("kolmo::ode::Flow '" + flow + "'", what, shape(value.rows(), value.cols()),
                     "an array of shape " + shape(rows, cols));
}

/// Throws unless x has d columns and z holds K ≥ 1 directions per row of x (K n × d, stacked
/// direction-major); returns K.
Eigen::Index require_directions(const char* where, Eigen::Index d, const process::StateView& x,
                                const process::StateView& z) {
  if (x.cols() != d) throw_bad_argument(where, "x", shape(x.rows(), x.cols()), "d = " + describe_value(d) + " columns");
  const Eigen::Index k_count = process::stacked_directions(x.rows(), z.rows());
  if (k_count == 0 || z.cols() != d) {
    throw_bad_argument(where, "z", shape(z.rows(), z.cols()),
                       "K >= 1 directions per row of x, K " + describe_value(x.rows()) + " x " + describe_value(d));
  }
  return k_count;
}

}  // namespace

Flow::Flow(std::string name, std::size_t dimension, process::BatchCoefficient velocity)
    : name_(std::move(name)), dimension_(dimension), velocity_(std::move(velocity)) {
  constexpr const char* where = "kolmo::ode::Flow";
  require(!name_.empty(), where, "name", std::string_view("\"\""), "a non-empty name");
  require_at_least(where, "dimension", dimension_, 1);
  require(static_cast<bool>(velocity_), where, "velocity", std::string_view("an empty function"), "a callable");
}

Flow Flow::drift_of(const process::Sde& sde) {
  Flow flow(sde.name() + "-drift", sde.dimension(),
            [sde](double t, const process::StateView& x) { return sde.drift(t, x); });
  if (sde.has_drift_divergence()) {
    flow.with_divergence([sde](double t, const process::StateView& x) { return sde.drift_divergence(t, x); });
  }
  return flow;
}

Flow& Flow::with_divergence(process::BatchCoefficient divergence) {
  require(static_cast<bool>(divergence), "kolmo::ode::Flow::with_divergence", "divergence",
          std::string_view("an empty function"), "a callable");
  divergence_ = std::move(divergence);
  return *this;
}

Flow& Flow::with_jacobian_vector_product(process::DirectionalCoefficient product) {
  require(static_cast<bool>(product), "kolmo::ode::Flow::with_jacobian_vector_product", "product",
          std::string_view("an empty function"), "a callable");
  jacobian_vector_product_ = process::one_direction_per_row(std::move(product));
  return *this;
}

Flow& Flow::with_stacked_jacobian_vector_product(process::DirectionalCoefficient product) {
  require(static_cast<bool>(product), "kolmo::ode::Flow::with_stacked_jacobian_vector_product", "product",
          std::string_view("an empty function"), "a callable");
  jacobian_vector_product_ = std::move(product);
  return *this;
}

Flow& Flow::with_jacobian_quadratic_forms(process::DirectionalCoefficient forms) {
  require(static_cast<bool>(forms), "kolmo::ode::Flow::with_jacobian_quadratic_forms", "forms",
          std::string_view("an empty function"), "a callable");
  jacobian_quadratic_forms_ = std::move(forms);
  return *this;
}

Flow& Flow::with_jacobian(Jacobian jacobian) {
  require(static_cast<bool>(jacobian), "kolmo::ode::Flow::with_jacobian", "jacobian",
          std::string_view("an empty function"), "a callable");
  jacobian_ = std::move(jacobian);
  return *this;
}

Eigen::ArrayXXd Flow::velocity(double t, const process::StateView& x) const {
  const auto d = static_cast<Eigen::Index>(dimension_);
  if (x.cols() != d) throw_bad_argument("kolmo::ode::Flow::velocity", "x", shape(x.rows(), x.cols()), "d = " + describe_value(dimension_) + " columns");
  Eigen::ArrayXXd value = velocity_(t, x);
  check_shape(value, x.rows(), d, name_, "velocity(t, x)");
  return value;
}

Eigen::ArrayXXd Flow::divergence(double t, const process::StateView& x) const {
  require(has_divergence(), "kolmo::ode::Flow::divergence", "divergence", std::string_view("not supplied"),
          "with_divergence() to have been called");
  Eigen::ArrayXXd value = divergence_(t, x);
  check_shape(value, x.rows(), 1, name_, "divergence(t, x)");
  return value;
}

Eigen::MatrixXd Flow::jacobian(double t, const Eigen::VectorXd& x) const {
  require(has_jacobian(), "kolmo::ode::Flow::jacobian", "jacobian", std::string_view("not supplied"),
          "with_jacobian() to have been called");
  Eigen::MatrixXd value = jacobian_(t, x);
  const auto d = static_cast<Eigen::Index>(dimension_);
  check_shape(value.array(), d, d, name_, "jacobian(t, x)");
  return value;
}

Eigen::ArrayXXd Flow::jacobian_vector_product(double t, const process::StateView& x, const process::StateView& z) const {
  constexpr const char* where = "kolmo::ode::Flow::jacobian_vector_product";
  require(has_jacobian_vector_product(), where, "jacobian_vector_product", std::string_view("not supplied"),
          "with_jacobian_vector_product() to have been called");
  const auto d = static_cast<Eigen::Index>(dimension_);
  require_directions(where, d, x, z);
  Eigen::ArrayXXd value = jacobian_vector_product_(t, x, z);
  check_shape(value, z.rows(), d, name_, "jacobian_vector_product(t, x, z)");
  return value;
}

Eigen::ArrayXXd Flow::jacobian_quadratic_forms(double t, const process::StateView& x, const process::StateView& z) const {
  constexpr const char* where = "kolmo::ode::Flow::jacobian_quadratic_forms";
  require(has_jacobian_quadratic_forms(), where, "jacobian_quadratic_forms", std::string_view("not supplied"),
          "with_jacobian_quadratic_forms() or with_jacobian_vector_product() to have been called");
  if (!jacobian_quadratic_forms_) return process::stacked_dot_products(jacobian_vector_product(t, x, z), z, x.rows());
  const Eigen::Index k_count = require_directions(where, static_cast<Eigen::Index>(dimension_), x, z);
  Eigen::ArrayXXd value = jacobian_quadratic_forms_(t, x, z);
  check_shape(value, x.rows(), k_count, name_, "jacobian_quadratic_forms(t, x, z)");
  return value;
}

}  // namespace kolmo::ode
