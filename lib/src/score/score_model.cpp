#include "kolmo/score/score_model.hpp"

#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {
namespace {

constexpr const char* class_name = "kolmo::score::ScoreModel";

std::string shape(Eigen::Index rows, Eigen::Index cols) { return describe_value(rows) + "x" + describe_value(cols); }

/// Throws unless x has d columns and `directions` (named `name`) holds K ≥ 1 directions per row of
/// x (K n × d, stacked direction-major); returns K.
Eigen::Index require_directions(const char* where, Eigen::Index d, const process::StateView& x,
                                const char* name, const process::StateView& directions) {
  require(x.cols() == d, where, "x", shape(x.rows(), x.cols()) + " batch", "d = " + describe_value(d) + " columns");
  const Eigen::Index k_count = process::stacked_directions(x.rows(), directions.rows());
  require(k_count > 0 && directions.cols() == d, where, name, shape(directions.rows(), directions.cols()),
          "K >= 1 directions per row of x, K " + describe_value(x.rows()) + " x " + describe_value(d));
  return k_count;
}

}  // namespace

ScoreModel::ScoreModel(std::string name, std::size_t dimension, process::BatchCoefficient score)
    : name_(std::move(name)),
      dimension_(dimension),
      score_(std::move(score)),
      evaluations_(std::make_shared<std::atomic<std::uint64_t>>(0)) {
  require(!name_.empty(), class_name, "name", std::string_view("an empty string"), "a non-empty name");
  require_at_least(class_name, "dimension", dimension_, 1);
  require(static_cast<bool>(score_), class_name, "score", std::string_view("an empty function"), "a callable");
}

ScoreModel& ScoreModel::with_divergence(process::BatchCoefficient divergence) {
  require(static_cast<bool>(divergence), "kolmo::score::ScoreModel::with_divergence", "divergence",
          std::string_view("an empty function"), "a callable");
  divergence_ = std::move(divergence);
  return *this;
}

ScoreModel& ScoreModel::with_jacobian_vector_product(JacobianVectorProduct product) {
  require(static_cast<bool>(product), "kolmo::score::ScoreModel::with_jacobian_vector_product", "product",
          std::string_view("an empty function"), "a callable");
  jacobian_vector_product_ = process::one_direction_per_row(std::move(product));
  return *this;
}

ScoreModel& ScoreModel::with_stacked_jacobian_vector_product(JacobianVectorProduct product) {
  require(static_cast<bool>(product), "kolmo::score::ScoreModel::with_stacked_jacobian_vector_product", "product",
          std::string_view("an empty function"), "a callable");
  jacobian_vector_product_ = std::move(product);
  return *this;
}

ScoreModel& ScoreModel::with_jacobian_quadratic_forms(JacobianVectorProduct forms) {
  require(static_cast<bool>(forms), "kolmo::score::ScoreModel::with_jacobian_quadratic_forms", "forms",
          std::string_view("an empty function"), "a callable");
  jacobian_quadratic_forms_ = std::move(forms);
  return *this;
}

ScoreModel& ScoreModel::with_row_times(RowTimeScore score) {
  require(static_cast<bool>(score), "kolmo::score::ScoreModel::with_row_times", "score",
          std::string_view("an empty function"), "a callable");
  row_time_score_ = std::move(score);
  return *this;
}

Eigen::ArrayXXd ScoreModel::score_at_times(const Eigen::ArrayXd& t, const process::StateView& x) const {
  constexpr const char* where = "kolmo::score::ScoreModel::score_at_times";
  const auto d = static_cast<Eigen::Index>(dimension_);
  require(x.cols() == d, where, "x", shape(x.rows(), x.cols()) + " batch", "d = " + describe_value(d) + " columns");
  require(t.size() == x.rows(), where, "t", describe_value(t.size()) + " times", "one per row of x, " +
          describe_value(x.rows()));
  if (!row_time_score_) {
    Eigen::ArrayXXd s(x.rows(), d);
    for (Eigen::Index first = 0; first < x.rows();) {
      Eigen::Index last = first + 1;
      while (last < x.rows() && t[last] == t[first]) ++last;
      s.middleRows(first, last - first) = score(t[first], x.middleRows(first, last - first));
      first = last;
    }
    return s;
  }
  Eigen::ArrayXXd s = row_time_score_(t, x);
  require(s.rows() == x.rows() && s.cols() == d, where, "score result of " + name_, shape(s.rows(), s.cols()),
          "the shape of x, " + shape(x.rows(), d));
  evaluations_->fetch_add(static_cast<std::uint64_t>(x.rows()), std::memory_order_relaxed);
  return s;
}

Eigen::ArrayXXd ScoreModel::score(double t, const process::StateView& x) const {
  constexpr const char* where = "kolmo::score::ScoreModel::score";
  const auto d = static_cast<Eigen::Index>(dimension_);
  require(x.cols() == d, where, "x", shape(x.rows(), x.cols()) + " batch", "d = " + describe_value(d) + " columns");
  Eigen::ArrayXXd s = score_(t, x);
  require(s.rows() == x.rows() && s.cols() == d, where, "score result of " + name_, shape(s.rows(), s.cols()),
          "the shape of x, " + shape(x.rows(), d));
  evaluations_->fetch_add(static_cast<std::uint64_t>(x.rows()), std::memory_order_relaxed);
  return s;
}

Eigen::ArrayXXd ScoreModel::divergence(double t, const process::StateView& x) const {
  constexpr const char* where = "kolmo::score::ScoreModel::divergence";
  require(has_divergence(), where, "divergence of " + name_, std::string_view("not supplied"),
          "a model built with with_divergence()");
  const auto d = static_cast<Eigen::Index>(dimension_);
  require(x.cols() == d, where, "x", shape(x.rows(), x.cols()) + " batch", "d = " + describe_value(d) + " columns");
  Eigen::ArrayXXd divergence = divergence_(t, x);
  require(divergence.rows() == x.rows() && divergence.cols() == 1, where, "divergence result of " + name_,
          shape(divergence.rows(), divergence.cols()), "one value per row of x, " + shape(x.rows(), 1));
  return divergence;
}

Eigen::ArrayXXd ScoreModel::jacobian_vector_product(double t, const process::StateView& x,
                                                    const process::StateView& v) const {
  constexpr const char* where = "kolmo::score::ScoreModel::jacobian_vector_product";
  require(has_jacobian_vector_product(), where, "Jacobian-vector product of " + name_, std::string_view("not supplied"),
          "a model built with with_jacobian_vector_product()");
  const auto d = static_cast<Eigen::Index>(dimension_);
  require_directions(where, d, x, "v", v);
  Eigen::ArrayXXd product = jacobian_vector_product_(t, x, v);
  require(product.rows() == v.rows() && product.cols() == d, where, "Jacobian-vector product result of " + name_,
          shape(product.rows(), product.cols()), "the shape of v, " + shape(v.rows(), d));
  return product;
}

Eigen::ArrayXXd ScoreModel::jacobian_quadratic_forms(double t, const process::StateView& x,
                                                     const process::StateView& z) const {
  constexpr const char* where = "kolmo::score::ScoreModel::jacobian_quadratic_forms";
  require(has_jacobian_quadratic_forms(), where, "Jacobian quadratic forms of " + name_, std::string_view("not supplied"),
          "a model built with with_jacobian_quadratic_forms() or with_jacobian_vector_product()");
  if (!jacobian_quadratic_forms_) return process::stacked_dot_products(jacobian_vector_product(t, x, z), z, x.rows());
  const Eigen::Index k_count = require_directions(where, static_cast<Eigen::Index>(dimension_), x, "z", z);
  Eigen::ArrayXXd forms = jacobian_quadratic_forms_(t, x, z);
  require(forms.rows() == x.rows() && forms.cols() == k_count, where, "Jacobian quadratic forms result of " + name_,
          shape(forms.rows(), forms.cols()), "one per row of x and direction, " + shape(x.rows(), k_count));
  return forms;
}

std::uint64_t ScoreModel::evaluations() const { return evaluations_->load(std::memory_order_relaxed); }

void ScoreModel::reset_evaluations() const { evaluations_->store(0, std::memory_order_relaxed); }

}  // namespace kolmo::score
