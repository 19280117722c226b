#include "kolmo/score/score_model.hpp"

#include <utility>

#include "kolmo/core/validate.hpp"

namespace kolmo::score {
namespace {

constexpr const char* class_name = "kolmo::score::ScoreModel";

std::string shape(Eigen::Index rows, Eigen::Index cols) { return describe_value(rows) + "x" + describe_value(cols); }

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

std::uint64_t ScoreModel::evaluations() const { return evaluations_->load(std::memory_order_relaxed); }

void ScoreModel::reset_evaluations() const { evaluations_->store(0, std::memory_order_relaxed); }

}  // namespace kolmo::score
