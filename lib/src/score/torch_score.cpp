#include "kolmo/score/torch_score.hpp"

#include <torch/script.h>
#include <torch/torch.h>

#include <mutex>
#include <utility>
#include <vector>

#include "kolmo/core/error.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/score/train.hpp"

namespace kolmo::score {

struct TorchScore::Impl {
  explicit Impl(process::NoiseSchedule noise_schedule) : schedule(std::move(noise_schedule)) {}

  torch::jit::script::Module module;
  std::size_t dimension = 0;
  Parameterisation output = Parameterisation::epsilon;
  process::NoiseSchedule schedule;
  int threads = 1;
  std::string file;
  std::mutex mutex;  ///< evaluations are serialised (see the header)

  [[nodiscard]] std::vector<torch::Tensor> parameters() const {
    std::vector<torch::Tensor> list;
    for (const auto& p : module.parameters()) list.push_back(p);
    return list;
  }
};

namespace {

using RowMajor = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

torch::Tensor matrix_tensor(const process::StateView& x) {
  torch::Tensor out = torch::empty({x.rows(), x.cols()}, torch::kFloat64);
  Eigen::Map<RowMajor>(out.data_ptr<double>(), x.rows(), x.cols()) = x;
  return out;
}

torch::Tensor vector_tensor(const Eigen::ArrayXd& t) {
  torch::Tensor out = torch::empty({t.size()}, torch::kFloat64);
  Eigen::Map<Eigen::ArrayXd>(out.data_ptr<double>(), t.size()) = t;
  return out;
}

Eigen::ArrayXXd to_array(const torch::Tensor& y) {
  const torch::Tensor c = y.detach().to(torch::kFloat64).contiguous();
  return Eigen::Map<const RowMajor>(c.data_ptr<double>(), c.size(0), c.size(1));
}

/// scale and shift of s = scale · y + shift · x per row, as n × 1 tensors.
std::pair<torch::Tensor, torch::Tensor> score_maps(const TorchScore::Impl& impl, const Eigen::ArrayXd& t) {
  torch::Tensor scale = torch::empty({t.size(), 1}, torch::kFloat64);
  torch::Tensor shift = torch::empty({t.size(), 1}, torch::kFloat64);
  auto* a = scale.data_ptr<double>();
  auto* b = shift.data_ptr<double>();
  for (Eigen::Index i = 0; i < t.size(); ++i) {
    if (i > 0 && t[i] == t[i - 1]) {
      a[i] = a[i - 1];
      b[i] = b[i - 1];
      continue;
    }
    const ScoreMap map = score_map(impl.output, impl.schedule, t[i]);
    a[i] = map.scale;
    b[i] = map.shift;
  }
  return {scale, shift};
}

void check_batch(const TorchScore::Impl& impl, const Eigen::ArrayXd& t, const process::StateView& x, const char* where) {
  const auto d = static_cast<Eigen::Index>(impl.dimension);
  require(x.cols() == d, where, "x", describe_value(x.rows()) + "x" + describe_value(x.cols()),
          "d = " + describe_value(d) + " columns");
  require(t.size() == x.rows(), where, "t", describe_value(t.size()) + " times", "one per row of x");
}

/// The network's score at (t, x) as a tensor in the autograd graph of x.
torch::Tensor score_tensor(TorchScore::Impl& impl, const Eigen::ArrayXd& t, const torch::Tensor& x) {
  const auto [scale, shift] = score_maps(impl, t);
  torch::Tensor y = impl.module.forward({x, vector_tensor(t)}).toTensor();
  if (y.dim() != 2 || y.size(0) != x.size(0) || y.size(1) != x.size(1)) {
    throw Error("kolmo::score::TorchScore: the network of " + impl.file + " returned a tensor of another shape than x");
  }
  return scale * y.to(torch::kFloat64) + shift * x;
}

}  // namespace

TorchScore::TorchScore(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

TorchScore TorchScore::load(const std::filesystem::path& file, std::size_t dimension, Parameterisation output,
                            process::NoiseSchedule schedule, int threads) {
  constexpr const char* where = "kolmo::score::TorchScore::load";
  require_at_least(where, "dimension", dimension, 1);
  require(threads >= 1, where, "threads", threads, "at least 1");
  auto impl = std::make_shared<Impl>(std::move(schedule));
  impl->dimension = dimension;
  impl->output = output;
  impl->threads = threads;
  impl->file = file.string();
  try {
    impl->module = torch::jit::load(file.string());
  } catch (const std::exception& error) {
    throw Error(std::string(where) + ": cannot load " + file.string() + " as TorchScript: " + error.what());
  }
  impl->module.to(torch::kFloat64);
  impl->module.train(false);
  for (auto p : impl->module.parameters()) p.requires_grad_(true);
  torch::set_num_threads(threads);
  TorchScore model(std::move(impl));
  try {
    (void)model.predict(Eigen::ArrayXd::Constant(1, 0.5 * model.impl_->schedule.horizon()),
                        Eigen::ArrayXXd::Zero(1, static_cast<Eigen::Index>(dimension)));
  } catch (const std::exception& error) {
    throw Error(std::string(where) + ": the network of " + file.string() + " fails forward(x: 1 x " +
                std::to_string(dimension) + ", t: 1): " + error.what());
  }
  return model;
}

std::size_t TorchScore::dimension() const { return impl_->dimension; }

Eigen::VectorXd TorchScore::parameters() const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<torch::Tensor> flat;
  for (const auto& p : impl_->parameters()) flat.push_back(p.detach().flatten());
  if (flat.empty()) return {};
  const torch::Tensor all = torch::cat(flat).contiguous();
  return Eigen::Map<const Eigen::VectorXd>(all.data_ptr<double>(), all.numel());
}

void TorchScore::set_parameters(const Eigen::VectorXd& values) {
  constexpr const char* where = "kolmo::score::TorchScore::set_parameters";
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  Eigen::Index count = 0;
  for (const auto& p : impl_->parameters()) count += p.numel();
  require(values.size() == count, where, "parameters", describe_value(values.size()) + " values",
          describe_value(count) + " (the network's count)");
  require_all_finite(where, "parameters", values.array());
  const torch::NoGradGuard no_grad;
  Eigen::Index offset = 0;
  for (auto p : impl_->parameters()) {
    const torch::Tensor source = torch::from_blob(const_cast<double*>(values.data() + offset), {p.numel()}, torch::kFloat64);
    p.copy_(source.view(p.sizes()));
    offset += p.numel();
  }
}

Eigen::ArrayXXd TorchScore::predict(const Eigen::ArrayXd& t, const process::StateView& x) const {
  check_batch(*impl_, t, x, "kolmo::score::TorchScore::predict");
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  torch::set_num_threads(impl_->threads);
  const torch::NoGradGuard no_grad;
  return to_array(impl_->module.forward({matrix_tensor(x), vector_tensor(t)}).toTensor());
}

Eigen::ArrayXXd TorchScore::score(const Eigen::ArrayXd& t, const process::StateView& x) const {
  check_batch(*impl_, t, x, "kolmo::score::TorchScore::score");
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  torch::set_num_threads(impl_->threads);
  const torch::NoGradGuard no_grad;
  return to_array(score_tensor(*impl_, t, matrix_tensor(x)));
}

Eigen::ArrayXXd TorchScore::score_jacobian_product(const Eigen::ArrayXd& t, const process::StateView& x,
                                                   const process::StateView& v) const {
  constexpr const char* where = "kolmo::score::TorchScore::score_jacobian_product";
  check_batch(*impl_, t, x, where);
  require(v.rows() == x.rows() && v.cols() == x.cols(), where, "v", describe_value(v.rows()) + "x" + describe_value(v.cols()),
          "the shape of x");
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  torch::set_num_threads(impl_->threads);
  // J v by double backward: g(u) = Jᵀ u is linear in u, and ∂(g(u)·v)/∂u = J v.
  const torch::Tensor xt = matrix_tensor(x).requires_grad_(true);
  const torch::Tensor s = score_tensor(*impl_, t, xt);
  const torch::Tensor u = torch::zeros_like(s).requires_grad_(true);
  const torch::Tensor jt_u = torch::autograd::grad({s}, {xt}, {u}, /*retain_graph=*/true, /*create_graph=*/true)[0];
  const torch::Tensor j_v = torch::autograd::grad({jt_u}, {u}, {matrix_tensor(v)})[0];
  return to_array(j_v);
}

Eigen::ArrayXXd TorchScore::score_divergence(const Eigen::ArrayXd& t, const process::StateView& x) const {
  check_batch(*impl_, t, x, "kolmo::score::TorchScore::score_divergence");
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  torch::set_num_threads(impl_->threads);
  const torch::Tensor xt = matrix_tensor(x).requires_grad_(true);
  const torch::Tensor s = score_tensor(*impl_, t, xt);
  torch::Tensor divergence = torch::zeros({x.rows(), 1}, torch::kFloat64);
  const auto d = static_cast<std::int64_t>(impl_->dimension);
  for (std::int64_t j = 0; j < d; ++j) {
    const torch::Tensor row_gradient = torch::autograd::grad({s.select(1, j).sum()}, {xt}, {}, /*retain_graph=*/true)[0];
    divergence += row_gradient.select(1, j).unsqueeze(1);
  }
  return to_array(divergence);
}

ScoreModel TorchScore::score_model(std::string name) const {
  const TorchScore self = *this;
  if (name.empty()) name = "torchscript(" + impl_->file + ", " + to_string(impl_->output) + ")";
  return ScoreModel(std::move(name), impl_->dimension,
                    [self](double t, const process::StateView& x) -> Eigen::ArrayXXd {
                      return self.score(Eigen::ArrayXd::Constant(x.rows(), t), x);
                    })
      .with_row_times([self](const Eigen::ArrayXd& t, const process::StateView& x) { return self.score(t, x); })
      .with_divergence([self](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return self.score_divergence(Eigen::ArrayXd::Constant(x.rows(), t), x);
      })
      .with_jacobian_vector_product([self](double t, const process::StateView& x, const process::StateView& v) {
        return self.score_jacobian_product(Eigen::ArrayXd::Constant(x.rows(), t), x, v);
      });
}

void TorchScore::loss_gradient(const LossBatch& batch, LossGradient& out, int) const {
  constexpr const char* where = "kolmo::score::TorchScore::loss_gradient";
  check_batch(*impl_, batch.t, batch.x, where);
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  torch::set_num_threads(impl_->threads);
  const std::vector<torch::Tensor> parameters = impl_->parameters();
  for (auto p : parameters) {
    if (p.grad().defined()) p.mutable_grad().zero_();
  }
  const bool regression = batch.regression();
  const torch::Tensor x = matrix_tensor(batch.x).requires_grad_(!regression);
  const torch::Tensor s = score_tensor(*impl_, batch.t, x);
  torch::Tensor rows;
  if (regression) {
    const torch::Tensor weight = vector_tensor(batch.weight);
    rows = 0.5 * weight * (s - matrix_tensor(batch.target)).pow(2).sum(1);
  } else {
    // vᵀ J v = (Jᵀ v)·v: one vector–Jacobian product per probe, kept in the graph.
    torch::Tensor trace = torch::zeros({batch.rows()}, torch::kFloat64);
    torch::Tensor projections = torch::zeros({batch.rows()}, torch::kFloat64);
    for (const Eigen::ArrayXXd& probe : batch.probes) {
      const torch::Tensor v = matrix_tensor(probe);
      const torch::Tensor jt_v = torch::autograd::grad({s}, {x}, {v}, /*retain_graph=*/true, /*create_graph=*/true)[0];
      trace = trace + batch.trace_weight * (jt_v * v).sum(1);
      projections = projections + batch.trace_weight * 0.5 * (v * s).sum(1).pow(2);
    }
    rows = batch.trace == TraceEstimator::sliced ? trace + projections : trace + 0.5 * s.pow(2).sum(1);
  }
  rows.mean().backward();
  const torch::Tensor detached = rows.detach().contiguous();
  out.row_losses = Eigen::Map<const Eigen::ArrayXd>(detached.data_ptr<double>(), detached.numel());
  std::vector<torch::Tensor> gradients;
  for (const auto& p : parameters) {
    gradients.push_back(p.grad().defined() ? p.grad().flatten() : torch::zeros({p.numel()}, torch::kFloat64));
  }
  const torch::Tensor all = torch::cat(gradients).contiguous();
  out.gradient = Eigen::Map<const Eigen::VectorXd>(all.data_ptr<double>(), all.numel());
}

static_assert(TrainableScore<TorchScore>);

}  // namespace kolmo::score
